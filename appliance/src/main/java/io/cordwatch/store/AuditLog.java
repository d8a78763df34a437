package io.cordwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The audit table: append-only rows of what happened and why, without patient identifiers. An audit
 * row is written in the same transaction as the change it describes, so neither exists without the
 * other. Beside it, {@code audit_export} keeps how far each syslog collector has been sent the
 * trail (the rows themselves never change).
 */
final class AuditLog {
  private AuditLog() {}

  static void append(Connection c, long atMs, String event, String detail) throws SQLException {
    Database.update(
        c, "INSERT INTO audit(at_ms, event, detail) VALUES (?, ?, ?)", atMs, event, detail);
  }

  /** Rows after {@code afterId}, oldest first, at most {@code limit}. */
  static List<AuditRow> after(Connection c, long afterId, int limit) throws SQLException {
    return Database.list(
        c,
        "SELECT id, at_ms, event, detail FROM audit WHERE id > ? ORDER BY id LIMIT ?",
        rs ->
            new AuditRow(
                rs.getLong("id"),
                rs.getLong("at_ms"),
                rs.getString("event"),
                rs.getString("detail") == null ? "" : rs.getString("detail")),
        afterId,
        limit);
  }

  /** How many rows there are after {@code afterId}. */
  static long countAfter(Connection c, long afterId) throws SQLException {
    return Database.first(
            c, "SELECT count(*) FROM audit WHERE id > ?", rs -> rs.getLong(1), afterId)
        .orElse(0L);
  }

  /** The id of the last row sent to {@code collector}; 0 when none has been. */
  static long exported(Connection c, String collector) throws SQLException {
    return Database.first(
            c,
            "SELECT last_id FROM audit_export WHERE collector = ?",
            rs -> rs.getLong(1),
            collector)
        .orElse(0L);
  }

  /** Moves the cursor of {@code collector} to {@code lastId}; never backwards. */
  static void markExported(Connection c, String collector, long lastId, long nowMs)
      throws SQLException {
    Database.update(
        c,
        "INSERT INTO audit_export(collector, last_id, updated_ms) VALUES (?, ?, ?)"
            + " ON CONFLICT(collector) DO UPDATE SET last_id = max(last_id, excluded.last_id),"
            + " updated_ms = excluded.updated_ms",
        collector,
        lastId,
        nowMs);
  }
}
