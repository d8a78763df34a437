package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.RegradeOnBoxChange;
import io.cordwatch.store.Records.InstanceRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexMigrationTest {
  @TempDir Path tmp;

  @Test
  void versionOneIndexGainsResultTablesAndKeepsItsQueuedJob() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      seriesWithJob(index);
    }
    // Turn it back into what a version 1 appliance left on disk.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      dropAccountTables(s);
      s.execute("DROP TABLE slice_results");
      s.execute("DROP TABLE verdicts");
      s.execute("DROP TABLE boxes");
      s.execute("ALTER TABLE jobs DROP COLUMN next_attempt_ms");
      s.execute("DELETE FROM schema_version");
      s.execute("INSERT INTO schema_version(version) VALUES (1)");
    }

    try (Index index = Index.open(db)) {
      var job = index.claimJob(3).orElseThrow();
      assertEquals("1.2.3.9", job.seriesUid());
      assertTrue(index.finishJob(job, "{\"grade\":\"0\"}", List.of(), 4));
      assertEquals("graded", index.study("1.2.3").orElseThrow().state());
      assertEquals(List.of(), index.boxesOfStudy("1.2.3"));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
      rs.next();
      assertEquals(Schema.VERSION, rs.getInt(1));
    }
  }

  @Test
  void versionTwoIndexGainsRetryTimesAndBoxesAndKeepsItsVerdict() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      seriesWithJob(index);
      var job = index.claimJob(3).orElseThrow();
      assertTrue(index.finishJob(job, "{\"grade\":\"2\"}", List.of(), 4));
    }
    // Turn it back into what a version 2 appliance left on disk.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      dropAccountTables(s);
      s.execute("DROP TABLE boxes");
      s.execute("ALTER TABLE jobs DROP COLUMN next_attempt_ms");
      s.execute("ALTER TABLE slice_results DROP COLUMN box_source");
      s.execute("ALTER TABLE slice_results DROP COLUMN p_high");
      s.execute("ALTER TABLE slice_results DROP COLUMN high_call");
      s.execute("DELETE FROM schema_version");
      s.execute("INSERT INTO schema_version(version) VALUES (2)");
    }

    try (Index index = Index.open(db, new RegradeOnBoxChange())) {
      var series = index.study("1.2.3").orElseThrow().series().getFirst();
      assertEquals("{\"grade\":\"2\"}", series.verdictJson());
      assertEquals(null, series.job().nextAttemptMs());
      var replaced =
          index.replaceStudyBoxes(
              "1.2.3", List.of(new Records.BoxRow("1.2.3.1", 1, 1, 2, 3, 4)), 5, "test");
      assertEquals(List.of("1.2.3.9"), replaced.requeuedSeries());
      assertEquals(
          List.of(new Records.BoxRow("1.2.3.1", 1, 1, 2, 3, 4)), index.boxesOfStudy("1.2.3"));
      var job = index.claimJob(6).orElseThrow();
      assertTrue(index.finishJob(job, "{\"grade\":\"0\"}", List.of(apiBoxSlice()), 7));
      var graded = index.study("1.2.3").orElseThrow().series().getFirst().slices();
      assertEquals("api", graded.getFirst().boxSource());
    }
  }

  @Test
  void versionThreeIndexGainsBoxSourcesAndKeepsItsSliceResultsAndBoxes() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db, new RegradeOnBoxChange())) {
      seriesWithJob(index);
      index.replaceStudyBoxes(
          "1.2.3", List.of(new Records.BoxRow("1.2.3.1", 1, 1, 2, 3, 4)), 3, "test");
      var job = index.claimJob(3).orElseThrow();
      assertTrue(
          index.finishJob(
              job,
              "{\"grade\":\"0\"}",
              List.of(
                  new Records.SliceRow(
                      0,
                      "1.2.3.1",
                      1,
                      "no_roi",
                      null,
                      null,
                      null,
                      null,
                      null,
                      "no canal box",
                      null,
                      null,
                      null)),
              4));
    }
    // Turn it back into what a version 3 appliance left on disk.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      dropAccountTables(s);
      s.execute("ALTER TABLE slice_results DROP COLUMN box_source");
      s.execute("ALTER TABLE slice_results DROP COLUMN p_high");
      s.execute("ALTER TABLE slice_results DROP COLUMN high_call");
      s.execute("DELETE FROM schema_version");
      s.execute("INSERT INTO schema_version(version) VALUES (3)");
    }

    try (Index index = Index.open(db)) {
      var kept = index.study("1.2.3").orElseThrow().series().getFirst().slices();
      assertEquals(1, kept.size());
      assertEquals("no canal box", kept.getFirst().reason());
      assertEquals(null, kept.getFirst().boxSource());
      assertEquals(
          List.of(new Records.BoxRow("1.2.3.1", 1, 1, 2, 3, 4)), index.boxesOfStudy("1.2.3"));
      index.completeSeries("1.2.3.9", 5, true, "selected", List.of());
      var job = index.claimJob(6).orElseThrow();
      assertTrue(
          index.finishJob(
              job,
              "{\"grade\":\"0\"}",
              List.of(
                  new Records.SliceRow(
                      0,
                      "1.2.3.1",
                      1,
                      "graded",
                      "0",
                      "{\"0\":1.0}",
                      new int[] {1, 2, 3, 4},
                      0.5,
                      false,
                      null,
                      "localizer",
                      null,
                      null)),
              7));
      var graded = index.study("1.2.3").orElseThrow().series().getFirst().slices();
      assertEquals("localizer", graded.getFirst().boxSource());
    }
  }

  private static Records.SliceRow apiBoxSlice() {
    return new Records.SliceRow(
        0,
        "1.2.3.1",
        1,
        "graded",
        "0",
        "{\"0\":1.0}",
        new int[] {1, 2, 3, 4},
        0.5,
        false,
        null,
        "api",
        null,
        null);
  }

  @Test
  void versionFiveIndexGainsAccountTablesAndKeepsItsVerdict() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      seriesWithJob(index);
      var job = index.claimJob(3).orElseThrow();
      assertTrue(index.finishJob(job, "{\"grade\":\"2\"}", List.of(), 4));
    }
    // Turn it back into what a version 5 appliance left on disk.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      dropAccountTables(s);
      s.execute("DELETE FROM schema_version");
      s.execute("INSERT INTO schema_version(version) VALUES (5)");
    }

    try (Index index = Index.open(db)) {
      assertEquals(
          "{\"grade\":\"2\"}",
          index.study("1.2.3").orElseThrow().series().getFirst().verdictJson());
      assertEquals(List.of(), index.accounts().users());
      assertTrue(index.accounts().addUser("alice", "admin", "pbkdf2-sha256$1$AA$AA", 5));
      assertTrue(index.accounts().addToken("pacs", "read", "ab12", 6));
      assertEquals("alice", index.accounts().users().getFirst().name());
      assertEquals("pacs", index.accounts().tokenBySha256("ab12").orElseThrow().name());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
      rs.next();
      assertEquals(Schema.VERSION, rs.getInt(1));
    }
  }

  @Test
  void theStudyListCountsInstancesThroughAnIndex() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      assertEquals(List.of(), index.studies(null, 10));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM instances i WHERE i.study_uid = 'x'")) {
      StringBuilder plan = new StringBuilder();
      while (rs.next()) {
        plan.append(rs.getString("detail")).append('\n');
      }
      assertTrue(plan.toString().contains("instances_by_study"), plan.toString());
    }
  }

  /** Drops what versions 6 and 7 added (accounts; the instances-by-study index). */
  private static void dropAccountTables(Statement s) throws java.sql.SQLException {
    s.execute("DROP INDEX instances_by_study");
    s.execute("DROP TABLE sessions");
    s.execute("DROP TABLE api_tokens");
    s.execute("DROP TABLE users");
  }

  private static void seriesWithJob(Index index) {
    index.recordInstance(
        new InstanceRow(
            0,
            "1.2.3.1",
            "1.2.840.10008.5.1.4.1.1.4",
            "1.2.3",
            "1.2.3.9",
            "1.2.840.10008.1.2.1",
            "spool/a.dcm",
            1,
            "00",
            1,
            "AE",
            "{}"),
        "MR",
        1,
        "AX T2");
    index.completeSeries("1.2.3.9", 2, true, "selected", List.of());
  }
}
