package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.RegradeOnBoxChange;
import io.cordwatch.store.Records.BoxReplacement;
import io.cordwatch.store.Records.BoxRow;
import io.cordwatch.store.Records.InstanceRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Canal boxes supplied through the API, as the index keeps them. */
class BoxesIndexTest {
  private static final String STUDY = "1.2.3";
  private static final String AXIAL = "1.2.3.9";
  private static final String SAGITTAL = "1.2.3.8";

  @TempDir Path tmp;
  private Index index;

  @BeforeEach
  void open() {
    index = Index.open(tmp.resolve("index.db"), new RegradeOnBoxChange());
    for (int i = 1; i <= 3; i++) {
      index.recordInstance(instance(AXIAL + "." + i, AXIAL), "MR", 3, "AX T2");
    }
    index.recordInstance(instance(SAGITTAL + ".1", SAGITTAL), "MR", 2, "SAG T2");
    index.completeSeries(AXIAL, 10, true, "selected", List.of());
    index.completeSeries(SAGITTAL, 10, false, "skipped: sagittal", List.of());
  }

  @AfterEach
  void close() {
    index.close();
  }

  private static InstanceRow instance(String sop, String series) {
    return new InstanceRow(
        0,
        sop,
        "1.2.840.10008.5.1.4.1.1.4",
        STUDY,
        series,
        "1.2.840.10008.1.2.1",
        "spool/" + sop + ".dcm",
        1,
        "00",
        1,
        "AE",
        "{}");
  }

  private void grade() {
    var job = index.claimJob(20).orElseThrow();
    assertTrue(
        index.finishJob(
            job,
            "{\"grade\":\"0\"}",
            List.of(
                new Records.SliceRow(
                    0,
                    AXIAL + ".1",
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
            21));
  }

  @Test
  void changedBoxesQueueTheGradedSeriesAgainAndClearItsResults() throws Exception {
    grade();
    assertEquals("graded", index.study(STUDY).orElseThrow().state());
    long version = index.boxesVersion();

    BoxReplacement r =
        index.replaceStudyBoxes(
            STUDY,
            List.of(
                new BoxRow(AXIAL + ".1", 1, 10, 20, 30, 40),
                new BoxRow(AXIAL + ".2", 1, 1, 2, 3, 4)),
            30,
            "api 10.0.0.5");

    assertEquals(new BoxReplacement(0, 2, 2, List.of(AXIAL)), r);
    assertTrue(index.boxesVersion() > version);
    var axial =
        index.study(STUDY).orElseThrow().series().stream()
            .filter(s -> s.seriesUid().equals(AXIAL))
            .findFirst()
            .orElseThrow();
    assertEquals("queued", axial.job().state());
    assertEquals(0, axial.job().attempts());
    assertEquals(null, axial.verdictJson());
    assertEquals(List.of(), axial.slices());
    assertEquals("queued", index.study(STUDY).orElseThrow().state());
    assertEquals(
        new BoxRow(AXIAL + ".1", 1, 10, 20, 30, 40), index.box(AXIAL + ".1", 1).orElseThrow());
    assertTrue(index.box(AXIAL + ".1", 2).isEmpty());
    assertTrue(index.box(AXIAL + ".3", 1).isEmpty());
    assertEquals(
        "boxes_replaced|study 1.2.3 by api 10.0.0.5: 2 boxes (0 before), 2 changed, 1 series queued"
            + " again",
        lastAudit());
  }

  @Test
  void theSameBoxesAgainChangeNothingAndQueueNothing() {
    List<BoxRow> boxes = List.of(new BoxRow(AXIAL + ".1", 1, 10, 20, 30, 40));
    index.replaceStudyBoxes(STUDY, boxes, 30, "test");
    grade();
    BoxReplacement again = index.replaceStudyBoxes(STUDY, boxes, 40, "test");
    assertEquals(new BoxReplacement(1, 1, 0, List.of()), again);
    assertEquals("graded", index.study(STUDY).orElseThrow().state());
  }

  @Test
  void replacingWithFewerBoxesRemovesTheOthersAndASkippedSeriesIsNotQueued() {
    index.replaceStudyBoxes(
        STUDY,
        List.of(
            new BoxRow(AXIAL + ".1", 1, 1, 1, 2, 2), new BoxRow(SAGITTAL + ".1", 1, 1, 1, 2, 2)),
        30,
        "test");
    grade();
    BoxReplacement r =
        index.replaceStudyBoxes(
            STUDY, List.of(new BoxRow(AXIAL + ".1", 1, 1, 1, 2, 2)), 40, "test");
    // The sagittal series' box went, but that series has no job: nothing to grade again.
    assertEquals(new BoxReplacement(2, 1, 1, List.of()), r);
    assertEquals(1, index.boxesOfStudy(STUDY).size());
    assertEquals("graded", index.study(STUDY).orElseThrow().state());
  }

  private String lastAudit() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("index.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT event, detail FROM audit ORDER BY id DESC LIMIT 1")) {
      assertTrue(rs.next());
      return rs.getString(1) + "|" + rs.getString(2);
    }
  }
}
