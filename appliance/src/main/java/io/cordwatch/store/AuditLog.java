package io.cordwatch.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The audit table: append-only rows of what happened and why, without patient identifiers. An audit
 * row is written in the same transaction as the change it describes, so neither exists without the
 * other.
 */
final class AuditLog {
  private AuditLog() {}

  static void append(Connection c, long atMs, String event, String detail) throws SQLException {
    Database.update(
        c, "INSERT INTO audit(at_ms, event, detail) VALUES (?, ?, ?)", atMs, event, detail);
  }
}
