package io.cordwatch.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The audit table's details for one event, read straight from an index file. */
public final class AuditRows {
  private AuditRows() {}

  /** The {@code detail} of every audit row of {@code event} in {@code indexDb}, oldest first. */
  public static List<String> of(Path indexDb, String event) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + indexDb);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT detail FROM audit WHERE event = '" + event + "' ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
