package io.cordwatch.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeriesTrackerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double[] AXIAL = {1, 0, 0, 0, 1, 0};
  private static final double[] SAGITTAL = {0, 1, 0, 0, 0, -1};

  @TempDir Path tmp;
  private final MutableClock clock = new MutableClock(1_800_000_000_000L);
  private Index index;
  private SeriesTracker tracker;
  private int counter;

  @BeforeEach
  void open() {
    index = Index.open(tmp.resolve("index.db"));
    tracker = tracker();
  }

  @AfterEach
  void close() {
    index.close();
  }

  private SeriesTracker tracker() {
    return new SeriesTracker(
        index,
        new SeriesSelector(SelectionRules.defaults()),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        clock);
  }

  @Test
  void quietSeriesCompletesAfterTheStableWindowAndItsJobIsQueued() throws Exception {
    store("1.2.3", "1.2.3.1", AXIAL, 100, 4000, 3);
    clock.advance(4_999);
    assertEquals(0, tracker.sweep());
    clock.advance(1);
    assertEquals(1, tracker.sweep());
    SeriesRow s = series("1.2.3", "1.2.3.1");
    assertEquals("complete", s.state());
    assertEquals("selected", s.decision());
    assertEquals("selected: axial 0 deg, TE 100 ms, TR 4000 ms", s.decisionSummary());
    assertNotNull(s.job());
    assertEquals("queued", s.job().state());
    assertEquals("queued", index.study("1.2.3").orElseThrow().state());
    assertEquals(1, index.jobs("queued").size());
  }

  @Test
  void releasedAssociationCompletesTheSeriesAfterTheGraceNotTheWindow() throws Exception {
    store("1.2.3", "1.2.3.1", AXIAL, 100, 4000, 3);
    clock.advance(100);
    tracker.associationEnded(Set.of("1.2.3.1"), true);
    clock.advance(999);
    assertEquals(0, tracker.sweep());
    clock.advance(1);
    assertEquals(1, tracker.sweep());
  }

  @Test
  void abortedAssociationWaitsForTheWindow() throws Exception {
    store("1.2.3", "1.2.3.1", AXIAL, 100, 4000, 3);
    tracker.associationEnded(Set.of("1.2.3.1"), false);
    clock.advance(2_000);
    assertEquals(0, tracker.sweep());
  }

  @Test
  void releaseOfOneSenderDoesNotCutASeriesAnotherIsStillSending() throws Exception {
    store("1.2.3", "1.2.3.1", AXIAL, 100, 4000, 2);
    tracker.associationEnded(Set.of("1.2.3.1"), true);
    clock.advance(500);
    store("1.2.3", "1.2.3.1", AXIAL, 100, 4000, 1);
    clock.advance(1_500);
    assertEquals(0, tracker.sweep(), "an instance arrived after the release");
    clock.advance(3_500);
    assertEquals(1, tracker.sweep());
    assertEquals(3, series("1.2.3", "1.2.3.1").instanceCount());
  }

  @Test
  void skippedSeriesGetsNoJobAndAStudyWithNothingToGradeIsNotEligible() throws Exception {
    store("1.2.4", "1.2.4.1", SAGITTAL, 100, 4000, 3);
    clock.advance(5_000);
    tracker.sweep();
    SeriesRow s = series("1.2.4", "1.2.4.1");
    assertEquals("skipped", s.decision());
    assertEquals("skipped: sagittal", s.decisionSummary());
    assertNull(s.job());
    assertEquals("not_eligible", index.study("1.2.4").orElseThrow().state());
  }

  @Test
  void lateInstanceReopensTheSeriesAndItIsDecidedAgain() throws Exception {
    store("1.2.3", "1.2.3.1", AXIAL, 100, 4000, 2);
    clock.advance(5_000);
    tracker.sweep();
    store("1.2.3", "1.2.3.1", AXIAL, 100, 4000, 1);
    assertEquals("receiving", series("1.2.3", "1.2.3.1").state());
    assertEquals("receiving", index.study("1.2.3").orElseThrow().state());
    clock.advance(5_000);
    assertEquals(1, tracker.sweep());
    assertEquals(3, series("1.2.3", "1.2.3.1").instanceCount());
    assertEquals(1, index.jobs("queued").size(), "re-queued, not duplicated");
  }

  @Test
  void seriesLeftReceivingByARestartIsCompletedByTheNextTracker() throws Exception {
    store("1.2.3", "1.2.3.1", AXIAL, 100, 4000, 2);
    clock.advance(60_000);
    assertEquals(1, tracker().sweep());
  }

  private void store(String study, String series, double[] orientation, double te, double tr, int n)
      throws Exception {
    for (int i = 0; i < n; i++) {
      String uid = series + "." + (++counter);
      InstanceFacts facts =
          new InstanceFacts(
              "1.2.840.10008.5.1.4.1.1.4",
              uid,
              study,
              series,
              "MR",
              1,
              counter,
              "AX T2",
              null,
              null,
              "SE",
              te,
              tr,
              List.of(orientation),
              1,
              64,
              64,
              null,
              null,
              null);
      index.recordInstance(
          new InstanceRow(
              0,
              uid,
              "1.2.840.10008.5.1.4.1.1.4",
              study,
              series,
              "1.2.840.10008.1.2.1",
              "spool/instances/" + uid,
              1000,
              "sha" + uid,
              clock.millis(),
              "TEST",
              JSON.writeValueAsString(facts)),
          "MR",
          1,
          "AX T2");
    }
  }

  private SeriesRow series(String study, String series) {
    return index.study(study).orElseThrow().series().stream()
        .filter(s -> s.seriesUid().equals(series))
        .findFirst()
        .orElseThrow();
  }
}
