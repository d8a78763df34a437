package io.cordwatch.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of shadow mode's choice: which installed bundle runs in shadow beside the active one (one
 * row per choice, schema step {@code bundle_shadow}; the latest decides, a null bundle means shadow
 * is off). Each choice is one transaction with its audit row ({@code bundle_shadow}: which bundle,
 * which one before, who), so neither exists without the other.
 */
public final class BundleShadows {
  /**
   * One choice.
   *
   * @param seq its row id, increasing: a running appliance compares it to notice a new choice
   * @param atMs when
   * @param bundleId the bundle run in shadow from now on, null for "shadow off"
   * @param actor who: {@code user NAME} (HTTP), {@code cli (os user NAME)}
   */
  public record Choice(long seq, long atMs, String bundleId, String actor) {}

  private static final String SELECT = "SELECT id, at_ms, bundle_id, actor FROM bundle_shadow";

  private final Database db;

  BundleShadows(Database db) {
    this.db = db;
  }

  /** The latest choice; empty when shadow mode was never used here. */
  public Optional<Choice> latest() {
    return db.read(BundleShadows::latest);
  }

  /** The bundle in shadow now, or empty when none. */
  public Optional<String> current() {
    return latest().map(Choice::bundleId);
  }

  /** The last {@code limit} choices, newest first. */
  public List<Choice> history(int limit) {
    return db.read(
        c -> Database.list(c, SELECT + " ORDER BY id DESC LIMIT ?", BundleShadows::row, limit));
  }

  /**
   * Runs {@code bundleId} in shadow from now on (null: shadow off), with its audit row, unless it
   * is already the choice.
   *
   * @return the new choice; empty (and nothing written) when nothing changes
   */
  public Optional<Choice> choose(String bundleId, String actor, long nowMs) {
    return db.transaction(
        c -> {
          Optional<Choice> before = latest(c);
          String previous = before.map(Choice::bundleId).orElse(null);
          if (java.util.Objects.equals(previous, bundleId)) {
            return Optional.<Choice>empty();
          }
          Database.update(
              c,
              "INSERT INTO bundle_shadow(at_ms, bundle_id, actor) VALUES (?, ?, ?)",
              nowMs,
              bundleId,
              actor);
          AuditLog.append(
              c,
              nowMs,
              "bundle_shadow",
              (bundleId == null ? "shadow off" : "shadow " + bundleId)
                  + " (was "
                  + (previous == null ? "off" : previous)
                  + ") by "
                  + actor);
          return latest(c);
        });
  }

  /** Records a shadow bundle the running appliance could not load (grading is not affected). */
  public void loadFailed(String bundleId, String reason, long nowMs) {
    db.transaction(
        c -> {
          AuditLog.append(
              c,
              nowMs,
              "bundle_shadow_failed",
              "shadow bundle " + bundleId + " not loaded: " + reason);
          return null;
        });
  }

  static Optional<Choice> latest(Connection c) throws SQLException {
    return Database.first(c, SELECT + " ORDER BY id DESC LIMIT 1", BundleShadows::row);
  }

  private static Choice row(ResultSet rs) throws SQLException {
    return new Choice(
        rs.getLong("id"), rs.getLong("at_ms"), rs.getString("bundle_id"), rs.getString("actor"));
  }
}
