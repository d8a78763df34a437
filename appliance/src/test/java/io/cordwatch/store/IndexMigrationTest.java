package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.RegradeOnBoxChange;
import io.cordwatch.testing.SelectedSeries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexMigrationTest {
  @TempDir Path tmp;

  @Test
  void versionOneIndexGainsResultTablesAndKeepsItsQueuedJob() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      SelectedSeries.queue(index);
    }
    OldSchema.rollBack(
        db,
        1,
        beforeAccounts(
            "DROP TABLE slice_results",
            "DROP TABLE verdicts",
            "DROP TABLE boxes",
            "ALTER TABLE jobs DROP COLUMN next_attempt_ms"));

    try (Index index = Index.open(db)) {
      var job = index.claimJob(3).orElseThrow();
      assertEquals("1.2.3.9", job.seriesUid());
      assertTrue(index.finishJob(job, "{\"grade\":\"0\"}", List.of(), 4));
      assertEquals("graded", index.study("1.2.3").orElseThrow().state());
      assertEquals(List.of(), index.boxesOfStudy("1.2.3"));
    }
    assertEquals(Schema.VERSION, OldSchema.version(db));
  }

  @Test
  void versionTwoIndexGainsRetryTimesAndBoxesAndKeepsItsVerdict() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      SelectedSeries.queue(index);
      var job = index.claimJob(3).orElseThrow();
      assertTrue(index.finishJob(job, "{\"grade\":\"2\"}", List.of(), 4));
    }
    OldSchema.rollBack(
        db,
        2,
        beforeAccounts(
            "DROP TABLE boxes",
            "ALTER TABLE jobs DROP COLUMN next_attempt_ms",
            "ALTER TABLE slice_results DROP COLUMN box_source",
            "ALTER TABLE slice_results DROP COLUMN p_high",
            "ALTER TABLE slice_results DROP COLUMN high_call"));

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
      SelectedSeries.queue(index);
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
    OldSchema.rollBack(
        db,
        3,
        beforeAccounts(
            "ALTER TABLE slice_results DROP COLUMN box_source",
            "ALTER TABLE slice_results DROP COLUMN p_high",
            "ALTER TABLE slice_results DROP COLUMN high_call"));

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
      SelectedSeries.queue(index);
      var job = index.claimJob(3).orElseThrow();
      assertTrue(index.finishJob(job, "{\"grade\":\"2\"}", List.of(), 4));
    }
    OldSchema.rollBack(db, 5, OldSchema.BEFORE_ACCOUNTS);

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
    assertEquals(Schema.VERSION, OldSchema.version(db));
  }

  @Test
  void versionThirteenIndexGainsTheSegmenterColumnsAndKeepsItsSlices() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      SelectedSeries.queue(index);
      var job = index.claimJob(3).orElseThrow();
      assertTrue(index.finishJob(job, "{\"grade\":\"0\"}", List.of(apiBoxSlice()), 4));
    }
    OldSchema.rollBack(
        db,
        13,
        List.of(
            "ALTER TABLE slice_results DROP COLUMN tumour_in_box_mm2",
            "ALTER TABLE slice_results DROP COLUMN call_withdrawn"));

    try (Index index = Index.open(db, new RegradeOnBoxChange())) {
      var kept = index.study("1.2.3").orElseThrow().series().getFirst().slices().getFirst();
      assertEquals("api", kept.boxSource());
      assertNull(kept.tumourInBoxMm2(), "graded before the segmenter was recorded");
      assertNull(kept.callWithdrawn());
      index.replaceStudyBoxes(
          "1.2.3", List.of(new Records.BoxRow("1.2.3.1", 1, 5, 6, 7, 8)), 5, "test");
      var job = index.claimJob(6).orElseThrow();
      Records.SliceRow withdrawn =
          new Records.SliceRow(
              0,
              "1.2.3.1",
              1,
              "graded",
              "2",
              "{\"2\":1.0}",
              new int[] {5, 6, 7, 8},
              0.3,
              false,
              null,
              "api",
              0.8,
              false,
              3.25,
              true);
      assertTrue(index.finishJob(job, "{\"grade\":\"2\"}", List.of(withdrawn), 7));
      var back = index.study("1.2.3").orElseThrow().series().getFirst().slices().getFirst();
      assertEquals(3.25, back.tumourInBoxMm2());
      assertEquals(Boolean.TRUE, back.callWithdrawn());
      assertEquals(Boolean.FALSE, back.highCall());
    }
    assertEquals(Schema.VERSION, OldSchema.version(db));
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

  /** What undoes the later steps of a version before 6: {@code undo}, then the account tables. */
  private static List<String> beforeAccounts(String... undo) {
    List<String> all = new ArrayList<>(OldSchema.BEFORE_ACCOUNTS);
    all.addAll(List.of(undo));
    return all;
  }
}
