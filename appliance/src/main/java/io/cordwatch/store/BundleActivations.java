package io.cordwatch.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the active model bundle: one row per activation (schema step {@code
 * bundle_activations}); the latest names the active bundle and the one it replaced. Each activation
 * is one transaction with its audit row ({@code bundle_activated}: which bundle, which one before,
 * who, how), so neither exists without the other. Bundle ids are the bundle store's folder names
 * ({@code name-<12 hex of bundle.json's SHA-256>}); this class does not look at them.
 */
public final class BundleActivations {
  /**
   * One activation.
   *
   * @param seq its row id, increasing: a running appliance compares it to notice a new activation
   * @param atMs when
   * @param bundleId the bundle made active
   * @param previousId the bundle active before, null for the first activation
   * @param actor who: {@code user NAME} (HTTP), {@code cli (os user NAME)}, {@code configuration}
   * @param how {@code activate}, {@code rollback} or {@code configured} (the {@code bundle} setting
   *     at start-up)
   */
  public record Activation(
      long seq, long atMs, String bundleId, String previousId, String actor, String how) {}

  private static final String SELECT =
      "SELECT id, at_ms, bundle_id, previous_id, actor, how FROM bundle_activations";

  private final Database db;

  BundleActivations(Database db) {
    this.db = db;
  }

  /** The latest activation: the active bundle; empty when none was ever activated. */
  public Optional<Activation> latest() {
    return db.read(BundleActivations::latest);
  }

  /** The last {@code limit} activations, newest first. */
  public List<Activation> history(int limit) {
    return db.read(
        c -> Database.list(c, SELECT + " ORDER BY id DESC LIMIT ?", BundleActivations::row, limit));
  }

  /**
   * Makes {@code bundleId} the active bundle, with its audit row, unless it already is.
   *
   * @return the new activation; empty (and nothing written) when {@code bundleId} was already the
   *     active bundle
   */
  public Optional<Activation> activate(String bundleId, String actor, String how, long nowMs) {
    return db.transaction(
        c -> {
          Optional<Activation> before = latest(c);
          if (before.isPresent() && before.get().bundleId().equals(bundleId)) {
            return Optional.<Activation>empty();
          }
          String previous = before.map(Activation::bundleId).orElse(null);
          Database.update(
              c,
              "INSERT INTO bundle_activations(at_ms, bundle_id, previous_id, actor, how)"
                  + " VALUES (?, ?, ?, ?, ?)",
              nowMs,
              bundleId,
              previous,
              actor,
              how);
          AuditLog.append(
              c,
              nowMs,
              "bundle_activated",
              "bundle "
                  + bundleId
                  + " (was "
                  + (previous == null ? "none" : previous)
                  + ") by "
                  + actor
                  + " ("
                  + how
                  + ")");
          return latest(c);
        });
  }

  /** Records a switch the running appliance could not make (the bundle stays as it was). */
  public void switchFailed(String bundleId, String reason, long nowMs) {
    db.transaction(
        c -> {
          AuditLog.append(
              c, nowMs, "bundle_switch_failed", "bundle " + bundleId + " not loaded: " + reason);
          return null;
        });
  }

  private static Optional<Activation> latest(Connection c) throws SQLException {
    return Database.first(c, SELECT + " ORDER BY id DESC LIMIT 1", BundleActivations::row);
  }

  private static Activation row(ResultSet rs) throws SQLException {
    return new Activation(
        rs.getLong("id"),
        rs.getLong("at_ms"),
        rs.getString("bundle_id"),
        rs.getString("previous_id"),
        rs.getString("actor"),
        rs.getString("how"));
  }
}
