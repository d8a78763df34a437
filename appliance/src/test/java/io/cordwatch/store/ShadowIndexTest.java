package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.BundleShadows.Choice;
import io.cordwatch.testing.AuditRows;
import io.cordwatch.testing.GradedSeries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow mode as the index keeps it (schema step {@code bundle_shadow}, {@code shadow_results}):
 * each choice a never-changed row with its audit row, "off" a choice too; shadow findings apart
 * from the verdicts, paired with them for the report.
 */
class ShadowIndexTest {
  @TempDir Path tmp;

  @Test
  void eachShadowChoiceIsARowWithAnAuditRowAndOffIsAChoiceToo() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      BundleShadows s = index.bundleShadows();
      assertTrue(s.current().isEmpty());
      Choice first = s.choose("m-aaaaaaaaaaaa", "user ada (admin)", 10).orElseThrow();
      assertEquals("m-aaaaaaaaaaaa", s.current().orElseThrow());
      // Choosing the same again records nothing; so does "off" when it is off.
      assertTrue(s.choose("m-aaaaaaaaaaaa", "cli", 11).isEmpty());
      Choice off = s.choose(null, "cli (os user root)", 12).orElseThrow();
      assertNull(off.bundleId());
      assertTrue(s.current().isEmpty());
      assertTrue(s.choose(null, "cli", 13).isEmpty());
      assertEquals(List.of(off, first), s.history(5));
      s.loadFailed("m-bbbbbbbbbbbb", "engine did not open", 14);
    }
    assertEquals(
        List.of(
            "shadow m-aaaaaaaaaaaa (was off) by user ada (admin)",
            "shadow off (was m-aaaaaaaaaaaa) by cli (os user root)"),
        AuditRows.of(db, "bundle_shadow"));
    assertEquals(
        List.of("shadow bundle m-bbbbbbbbbbbb not loaded: engine did not open"),
        AuditRows.of(db, "bundle_shadow_failed"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      SQLException e =
          assertThrows(
              SQLException.class, () -> st.execute("UPDATE bundle_shadow SET actor = 'x'"));
      assertTrue(e.getMessage().contains("never changed"), e.getMessage());
    }
  }

  @Test
  void shadowFindingsStayApartFromTheVerdictsAndPairWithThem() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      GradedSeries.graded(index, 1, "3", "2");
      GradedSeries.graded(index, 2, "0", "0");
      ShadowResults r = index.shadowResults();
      assertEquals(2, r.seriesCount(GradedSeries.SHADOW_ID));
      assertEquals(List.of(GradedSeries.SHADOW_ID), r.bundles());
      // The active verdict is what the results read; the shadow's grade is only here.
      List<ShadowResults.Pair> pairs = r.pairs(GradedSeries.SHADOW_ID);
      assertEquals(2, pairs.size());
      assertTrue(pairs.getFirst().activeVerdictJson().contains("\"grade\":\"3\""));
      assertEquals("2", pairs.getFirst().shadow().grade());
      assertEquals("3", pairs.getFirst().activeSlices().getFirst().grade());
      assertEquals(GradedSeries.SHADOW_SHA, pairs.getFirst().shadow().bundleSha256());
      // A series graded again in shadow: the latest row counts, once.
      r.add(
          new ShadowResults.Row(
              0,
              GradedSeries.study(1),
              GradedSeries.series(1),
              GradedSeries.SHADOW_ID,
              GradedSeries.SHADOW_SHA,
              "3",
              "high",
              null,
              "{}",
              "[]",
              5_000));
      assertEquals(2, r.seriesCount(GradedSeries.SHADOW_ID));
      assertEquals("3", r.pairs(GradedSeries.SHADOW_ID).getLast().shadow().grade());
      assertEquals(2, r.ofSeries(GradedSeries.series(1)).size());
      // Series 2 graded again later without shadow: its new verdict is not what the shadow saw.
      index.completeSeries(GradedSeries.series(2), 9_000, true, "selected", List.of());
      Records.JobRow again = index.claimJob(9_001).orElseThrow();
      assertTrue(index.finishJob(again, "{\"grade\":\"1a\"}", List.of(), 9_002));
      assertEquals(
          List.of(GradedSeries.series(1)),
          r.pairs(GradedSeries.SHADOW_ID).stream().map(p -> p.shadow().seriesUid()).toList());
    }
  }

  @Test
  void aVersionTenIndexGainsTheShadowTables() throws Exception {
    Path db = tmp.resolve("index.db");
    Index.open(db).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE bundle_shadow");
      s.execute("DROP TABLE shadow_results");
      s.execute("DELETE FROM schema_version");
      s.execute("INSERT INTO schema_version(version) VALUES (10)");
    }
    try (Index index = Index.open(db)) {
      assertTrue(index.bundleShadows().current().isEmpty());
      index.bundleShadows().choose("m-aaaaaaaaaaaa", "cli", 1);
      assertEquals("m-aaaaaaaaaaaa", index.bundleShadows().current().orElseThrow());
      assertEquals(0, index.shadowResults().seriesCount("m-aaaaaaaaaaaa"));
    }
  }
}
