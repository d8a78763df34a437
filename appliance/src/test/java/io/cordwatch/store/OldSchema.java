package io.cordwatch.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Hand-made old-schema indexes for the migration tests: an index written by this code, turned back
 * into what an appliance of an earlier schema version left on disk by statements that undo the
 * later steps, with {@code schema_version} set to that version. Opening it again runs the steps
 * after that version for real, over the rows the test wrote.
 */
final class OldSchema {
  /**
   * Undoes versions 6 and 7 (accounts; the instances-by-study index), which every index from before
   * version 6 lacks.
   */
  static final List<String> BEFORE_ACCOUNTS =
      List.of(
          "DROP INDEX instances_by_study",
          "DROP TABLE sessions",
          "DROP TABLE api_tokens",
          "DROP TABLE users");

  private OldSchema() {}

  /** Runs {@code undo} on the closed index {@code db} and marks it as schema {@code version}. */
  static void rollBack(Path db, int version, List<String> undo) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (String sql : undo) {
        s.execute(sql);
      }
      s.execute("DELETE FROM schema_version");
      s.execute("INSERT INTO schema_version(version) VALUES (" + version + ")");
    }
  }

  /** The schema version the closed index {@code db} says it has. */
  static int version(Path db) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
