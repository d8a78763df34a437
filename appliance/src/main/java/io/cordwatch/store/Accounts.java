package io.cordwatch.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of access control: local users, API tokens and browser sessions (schema version 6). It
 * stores what {@code auth} hands it (a role's name, a password hash string, the SHA-256 of a token
 * or session id) and knows nothing of what they mean; secrets themselves never reach the database.
 *
 * <p>Every change is one transaction with its audit row (who, what; never a password, hash or
 * token). Changing a password or disabling a user ends that user's sessions in the same
 * transaction, so a browser left logged in elsewhere is out at its next request.
 */
public final class Accounts {
  /** A local user as stored; {@code passwordHash} is the self-describing string from auth. */
  public record UserRow(
      long id,
      String name,
      String role,
      String passwordHash,
      boolean disabled,
      long createdMs,
      long updatedMs) {}

  /** An API token as stored: only the SHA-256 (hex) of the token. */
  public record TokenRow(
      long id, String name, String scope, String tokenSha256, long createdMs, Long lastUsedMs) {}

  /** A browser session with its user (id stored only as SHA-256 hex). */
  public record SessionRow(String idSha256, UserRow user, long createdMs, long lastSeenMs) {}

  private static final String TOKEN_SELECT =
      "SELECT id, name, scope, token_sha256, created_ms, last_used_ms FROM api_tokens";
  private static final String USER_COLUMNS =
      "u.id, u.name, u.role, u.password_hash, u.disabled, u.created_ms, u.updated_ms";

  private final Database db;

  Accounts(Database db) {
    this.db = db;
  }

  /** Adds a user; false (and nothing written) when the name is taken. */
  public boolean addUser(String name, String role, String passwordHash, long nowMs) {
    return addUser(name, role, passwordHash, nowMs, null);
  }

  /**
   * Adds a user, the audit row naming who did it ({@code by}, e.g. {@code user alice (admin)}; null
   * on the box); false (and nothing written) when the name is taken.
   */
  public boolean addUser(String name, String role, String passwordHash, long nowMs, String by) {
    return db.transaction(
        c -> {
          if (findUser(c, name).isPresent()) {
            return false;
          }
          Database.update(
              c,
              "INSERT INTO users(name, role, password_hash, disabled, created_ms, updated_ms)"
                  + " VALUES (?, ?, ?, 0, ?, ?)",
              name,
              role,
              passwordHash,
              nowMs,
              nowMs);
          AuditLog.append(c, nowMs, "user_added", "user " + name + ", role " + role + byWhom(by));
          return true;
        });
  }

  public Optional<UserRow> user(String name) {
    return db.read(c -> findUser(c, name));
  }

  /** Every user, by name. */
  public List<UserRow> users() {
    return db.read(
        c ->
            Database.list(
                c, "SELECT " + USER_COLUMNS + " FROM users u ORDER BY u.name", Accounts::user));
  }

  /** Whether at least one user may log in. */
  public boolean anyActiveUser() {
    return db.read(
        c ->
            !Database.list(c, "SELECT 1 FROM users WHERE disabled = 0 LIMIT 1", rs -> 1).isEmpty());
  }

  /**
   * Sets a user's password hash (also re-enables nobody: a disabled user stays disabled) and ends
   * the user's sessions; {@code event} names why for the audit row ({@code user_password_changed},
   * or {@code user_password_rehashed} when only the hash parameters were raised).
   *
   * @return false when there is no such user
   */
  public boolean setPassword(String name, String passwordHash, long nowMs, String event) {
    return setPassword(name, passwordHash, nowMs, event, null);
  }

  /** As {@link #setPassword(String, String, long, String)}, the audit row naming {@code by}. */
  public boolean setPassword(
      String name, String passwordHash, long nowMs, String event, String by) {
    return changeUser(
        name,
        (c, u) -> {
          Database.update(
              c,
              "UPDATE users SET password_hash = ?, updated_ms = ? WHERE id = ?",
              passwordHash,
              nowMs,
              u.id());
          if (!"user_password_rehashed".equals(event)) {
            Database.update(c, "DELETE FROM sessions WHERE user_id = ?", u.id());
          }
          AuditLog.append(c, nowMs, event, "user " + name + byWhom(by));
        });
  }

  /**
   * Disables a user and ends its sessions.
   *
   * @return false when there is no such user
   */
  public boolean disableUser(String name, long nowMs) {
    return disableUser(name, nowMs, null, null) == Disabled.DONE;
  }

  /** What {@link #disableUser(String, long, String, String)} did. */
  public enum Disabled {
    /** Disabled (or was already), its sessions ended. */
    DONE,
    /** There is no such user; nothing written. */
    NO_SUCH_USER,
    /** It is the last enabled user with the role to keep; nothing written. */
    LAST_OF_ROLE
  }

  /**
   * Disables a user and ends its sessions, the audit row naming {@code by} (null on the box). With
   * {@code keepRole}, refuses when no other enabled user would have that role: checked in the same
   * transaction as the change, so two people disabling each other at once cannot both succeed.
   */
  public Disabled disableUser(String name, long nowMs, String by, String keepRole) {
    return db.transaction(
        c -> {
          Optional<UserRow> u = findUser(c, name);
          if (u.isEmpty()) {
            return Disabled.NO_SUCH_USER;
          }
          if (keepRole != null
              && Database.list(
                      c,
                      "SELECT 1 FROM users WHERE disabled = 0 AND role = ? AND id <> ? LIMIT 1",
                      rs -> 1,
                      keepRole,
                      u.get().id())
                  .isEmpty()) {
            return Disabled.LAST_OF_ROLE;
          }
          Database.update(
              c, "UPDATE users SET disabled = 1, updated_ms = ? WHERE id = ?", nowMs, u.get().id());
          Database.update(c, "DELETE FROM sessions WHERE user_id = ?", u.get().id());
          AuditLog.append(c, nowMs, "user_disabled", "user " + name + byWhom(by));
          return Disabled.DONE;
        });
  }

  /**
   * Enables a disabled user again (with the password it had), the audit row naming {@code by}.
   *
   * @return false when there is no such user
   */
  public boolean enableUser(String name, long nowMs, String by) {
    return changeUser(
        name,
        (c, u) -> {
          Database.update(
              c, "UPDATE users SET disabled = 0, updated_ms = ? WHERE id = ?", nowMs, u.id());
          AuditLog.append(c, nowMs, "user_enabled", "user " + name + byWhom(by));
        });
  }

  /** One change to an existing user's rows, inside its transaction. */
  @FunctionalInterface
  private interface UserChange {
    void apply(Connection c, UserRow user) throws SQLException;
  }

  /**
   * Applies {@code change} to the user {@code name} in one transaction, with the row read in that
   * transaction.
   *
   * @return false when there is no such user (nothing written)
   */
  private boolean changeUser(String name, UserChange change) {
    return db.transaction(
        c -> {
          Optional<UserRow> u = findUser(c, name);
          if (u.isEmpty()) {
            return false;
          }
          change.apply(c, u.get());
          return true;
        });
  }

  /**
   * When each user last signed in, from the audit's {@code login} rows ({@code user NAME from
   * ADDRESS}); users who never did are absent.
   */
  public Map<String, Long> lastLogins() {
    Map<String, Long> out = new HashMap<>();
    db.read(
            c ->
                Database.list(
                    c,
                    "SELECT detail, MAX(at_ms) AS at_ms FROM audit WHERE event = 'login'"
                        + " GROUP BY detail",
                    rs -> Map.entry(rs.getString("detail"), rs.getLong("at_ms"))))
        .forEach(
            e -> {
              String d = e.getKey();
              int from = d == null ? -1 : d.indexOf(" from ");
              if (d != null && d.startsWith("user ") && from > 5) {
                out.merge(d.substring(5, from), e.getValue(), Math::max);
              }
            });
    return out;
  }

  private static String byWhom(String by) {
    return by == null ? "" : ", by " + by;
  }

  /** Adds an API token; false (and nothing written) when the name is taken. */
  public boolean addToken(String name, String scope, String tokenSha256, long nowMs) {
    return db.transaction(
        c -> {
          if (!Database.list(c, "SELECT 1 FROM api_tokens WHERE name = ?", rs -> 1, name)
              .isEmpty()) {
            return false;
          }
          Database.update(
              c,
              "INSERT INTO api_tokens(name, scope, token_sha256, created_ms) VALUES (?, ?, ?, ?)",
              name,
              scope,
              tokenSha256,
              nowMs);
          AuditLog.append(c, nowMs, "token_added", "token " + name + ", scope " + scope);
          return true;
        });
  }

  /** The token whose SHA-256 (hex) this is. */
  public Optional<TokenRow> tokenBySha256(String tokenSha256) {
    return db.read(
        c ->
            Database.first(
                c, TOKEN_SELECT + " WHERE token_sha256 = ?", Accounts::token, tokenSha256));
  }

  /** Every token, by name. */
  public List<TokenRow> tokens() {
    return db.read(c -> Database.list(c, TOKEN_SELECT + " ORDER BY name", Accounts::token));
  }

  /** Records that a token was used (for {@code token list}); no audit row. */
  public void tokenUsed(long id, long nowMs) {
    db.update("UPDATE api_tokens SET last_used_ms = ? WHERE id = ?", nowMs, id);
  }

  /**
   * Revokes (deletes) a token; the audit row keeps that it existed.
   *
   * @return false when there is no token of that name
   */
  public boolean revokeToken(String name, long nowMs) {
    return db.transaction(
        c -> {
          if (Database.update(c, "DELETE FROM api_tokens WHERE name = ?", name) == 0) {
            return false;
          }
          AuditLog.append(c, nowMs, "token_revoked", "token " + name);
          return true;
        });
  }

  /** Opens a session for a user (audited as a login). */
  public void addSession(String idSha256, UserRow user, long nowMs, String from) {
    db.transaction(
        c -> {
          Database.update(
              c,
              "INSERT INTO sessions(id_sha256, user_id, created_ms, last_seen_ms)"
                  + " VALUES (?, ?, ?, ?)",
              idSha256,
              user.id(),
              nowMs,
              nowMs);
          AuditLog.append(c, nowMs, "login", "user " + user.name() + " from " + from);
          return null;
        });
  }

  /** The session with this id hash and its user (disabled or not; the caller decides). */
  public Optional<SessionRow> session(String idSha256) {
    return db.read(
        c ->
            Database.first(
                c,
                "SELECT "
                    + USER_COLUMNS
                    + ", s.id_sha256, s.created_ms AS s_created, s.last_seen_ms"
                    + " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_sha256 = ?",
                rs ->
                    new SessionRow(
                        rs.getString("id_sha256"),
                        user(rs),
                        rs.getLong("s_created"),
                        rs.getLong("last_seen_ms")),
                idSha256));
  }

  public void touchSession(String idSha256, long nowMs) {
    db.update("UPDATE sessions SET last_seen_ms = ? WHERE id_sha256 = ?", nowMs, idSha256);
  }

  /** Ends one session; {@code event} is {@code logout} or {@code session_expired}. */
  public void endSession(String idSha256, long nowMs, String event, String userName) {
    db.transaction(
        c -> {
          if (Database.update(c, "DELETE FROM sessions WHERE id_sha256 = ?", idSha256) > 0) {
            AuditLog.append(c, nowMs, event, "user " + userName);
          }
          return null;
        });
  }

  /** Appends an audit event about access (a refused login, say); no secrets in {@code detail}. */
  public void audit(long nowMs, String event, String detail) {
    db.transaction(
        c -> {
          AuditLog.append(c, nowMs, event, detail);
          return null;
        });
  }

  private static Optional<UserRow> findUser(Connection c, String name) throws SQLException {
    return Database.first(
        c, "SELECT " + USER_COLUMNS + " FROM users u WHERE u.name = ?", Accounts::user, name);
  }

  private static UserRow user(ResultSet rs) throws SQLException {
    return new UserRow(
        rs.getLong("id"),
        rs.getString("name"),
        rs.getString("role"),
        rs.getString("password_hash"),
        rs.getInt("disabled") != 0,
        rs.getLong("created_ms"),
        rs.getLong("updated_ms"));
  }

  private static TokenRow token(ResultSet rs) throws SQLException {
    long used = rs.getLong("last_used_ms");
    boolean neverUsed = rs.wasNull();
    return new TokenRow(
        rs.getLong("id"),
        rs.getString("name"),
        rs.getString("scope"),
        rs.getString("token_sha256"),
        rs.getLong("created_ms"),
        neverUsed ? null : used);
  }
}
