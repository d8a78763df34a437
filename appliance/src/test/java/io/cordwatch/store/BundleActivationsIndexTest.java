package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.BundleActivations.Activation;
import io.cordwatch.testing.AuditRows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active model bundle as the index keeps it (schema step {@code bundle_activations}): one row
 * per activation, never changed, each with its audit row; the latest names the one before.
 */
class BundleActivationsIndexTest {
  @TempDir Path tmp;

  @Test
  void eachActivationIsARowWithItsPredecessorAndAnAuditRow() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      BundleActivations a = index.bundleActivations();
      assertTrue(a.latest().isEmpty());
      Activation first =
          a.activate("m-aaaaaaaaaaaa", "configuration", "configured", 10).orElseThrow();
      assertNull(first.previousId());
      // Activating the active bundle again records nothing.
      assertTrue(a.activate("m-aaaaaaaaaaaa", "user ada (admin)", "activate", 11).isEmpty());
      Activation second =
          a.activate("m-bbbbbbbbbbbb", "user ada (admin)", "activate", 12).orElseThrow();
      assertEquals("m-aaaaaaaaaaaa", second.previousId());
      assertTrue(second.seq() > first.seq());
      assertEquals(second, a.latest().orElseThrow());
      assertEquals(List.of(second, first), a.history(5));
      a.switchFailed("m-bbbbbbbbbbbb", "engine did not open", 13);
    }
    assertEquals(
        List.of(
            "bundle m-aaaaaaaaaaaa (was none) by configuration (configured)",
            "bundle m-bbbbbbbbbbbb (was m-aaaaaaaaaaaa) by user ada (admin) (activate)"),
        AuditRows.of(db, "bundle_activated"));
    assertEquals(
        List.of("bundle m-bbbbbbbbbbbb not loaded: engine did not open"),
        AuditRows.of(db, "bundle_switch_failed"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      SQLException e =
          assertThrows(
              SQLException.class, () -> s.execute("UPDATE bundle_activations SET bundle_id = 'x'"));
      assertTrue(e.getMessage().contains("never changed"), e.getMessage());
    }
  }

  @Test
  void aVersionNineIndexGainsTheTableAndKeepsWorking() throws Exception {
    Path db = tmp.resolve("index.db");
    Index.open(db).close();
    // Turn it back into what a version 9 appliance left on disk.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE bundle_activations");
      s.execute("DELETE FROM schema_version");
      s.execute("INSERT INTO schema_version(version) VALUES (9)");
    }
    try (Index index = Index.open(db)) {
      assertTrue(index.bundleActivations().latest().isEmpty());
      index.bundleActivations().activate("m-aaaaaaaaaaaa", "cli", "activate", 1);
      assertEquals("m-aaaaaaaaaaaa", index.bundleActivations().latest().orElseThrow().bundleId());
    }
  }
}
