package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.grade.SliceResult;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Spool;
import io.cordwatch.roi.SuppliedBoxes;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.study.SelectionRules;
import io.cordwatch.study.SeriesSelector;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grading as slices arrive, over a real index, spool, bundle and ONNX Runtime engine, driven
 * through the receiver's listener calls: a result graded ahead is committed only when it is what
 * grading at completion gives, and every other path still ends in that verdict.
 */
class StreamingGradingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SLICES = 8;

  @TempDir Path tmp;
  private Index index;
  private Spool spool;
  private Bundle bundle;
  private SuppliedBoxes boxes;
  private List<Path> files;
  private Path data;
  private String studyUid;
  private String seriesUid;
  private final Meters meters = new Meters();
  private BackboneEngine engine;
  private StreamingGrading streaming;
  private GradingWorker worker;

  @BeforeEach
  void phantom() throws Exception {
    bundle = TorchFixture.bundle(tmp.resolve("bundle"));
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 9, StudyPlan.Style.INTERNAL, SLICES, false, false));
    boxes = SuppliedBoxes.load(phantom.resolve("labels.csv"));
    data = tmp.resolve("data");
    index = Index.open(data.resolve("index.db"), new RegradeOnBoxChange());
    spool = new Spool(data);
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      files =
          s.filter(p -> p.getFileName().toString().matches("ax-t2-\\d+\\.dcm")).sorted().toList();
    }
    assertEquals(SLICES, files.size());
    engine = Bundles.openEngine(bundle);
  }

  @AfterEach
  void close() {
    if (worker != null) {
      worker.close();
    }
    if (streaming != null) {
      streaming.close();
    }
    engine.close();
    index.close();
  }

  /** Starts streaming and the worker over the real grader. */
  private void start(long capBytes, Duration idleSpeculation) {
    SeriesGrader grader = new SeriesGrader(bundle, engine, boxes);
    streaming =
        new StreamingGrading(
            index,
            spool,
            grader,
            new SeriesSelector(SelectionRules.defaults()),
            capBytes,
            idleSpeculation,
            meters,
            Clock.systemUTC());
    streaming.start();
    worker =
        new GradingWorker(
            index,
            spool,
            grader,
            meters,
            Clock.systemUTC(),
            Duration.ofMillis(10),
            GradingWorker.Retry.defaults(),
            streaming,
            null,
            () -> {});
    worker.start();
  }

  /** Stores one phantom file as the receiver would, and tells streaming about it. */
  private void receive(Path file) throws Exception {
    InstanceFacts facts = DicomFacts.read(file);
    String relative = "spool/instances/" + file.getFileName();
    Files.copy(file, data.resolve(relative));
    index.recordInstance(
        new InstanceRow(
            0,
            facts.sopInstanceUid(),
            facts.sopClassUid(),
            facts.studyInstanceUid(),
            facts.seriesInstanceUid(),
            "1.2.840.10008.1.2.1",
            relative,
            Files.size(file),
            "0".repeat(64),
            System.currentTimeMillis(),
            "TEST",
            JSON.writeValueAsString(facts)),
        "MR",
        facts.seriesNumber(),
        facts.seriesDescription());
    studyUid = facts.studyInstanceUid();
    seriesUid = facts.seriesInstanceUid();
    streaming.instanceStored(facts);
  }

  private void release() {
    streaming.associationEnded(Set.of(seriesUid), true);
  }

  /** What the tracker does when the series is complete and selected. */
  private void complete() {
    index.completeSeries(seriesUid, System.currentTimeMillis(), true, "selected", List.of());
  }

  private SeriesRow series() {
    return index.study(studyUid).orElseThrow().series().getFirst();
  }

  private void gradedByTheWorker() throws InterruptedException {
    Await.until("the job is done", () -> "done".equals(series().job().state()));
    // The worker counts after its commit; once the series is counted, so is its outcome.
    Await.until("the graded series is counted", () -> meters.seriesGraded() == 1.0);
  }

  /**
   * The committed verdict and slices equal grading the stored files at completion (the timings
   * aside), compared field by field as they were stored.
   */
  private void assertSameAsGradingAtCompletion() throws Exception {
    List<SeriesGrader.Input> inputs = new ArrayList<>();
    for (InstanceRow r : index.instancesOfSeries(seriesUid)) {
      inputs.add(new SeriesGrader.Input(r.sopInstanceUid(), spool.resolve(r.path())));
    }
    SeriesResult reference =
        new SeriesGrader(bundle, engine, boxes).grade(studyUid, seriesUid, inputs);
    SeriesRow s = series();
    assertEquals(
        withoutTimings(VerdictJson.writer().writeValueAsString(reference.verdict())),
        withoutTimings(s.verdictJson()));
    assertEquals(reference.slices().size(), s.slices().size());
    for (int i = 0; i < s.slices().size(); i++) {
      SliceResult want = reference.slices().get(i);
      SliceRow got = s.slices().get(i);
      assertEquals(want.sopInstanceUid(), got.sopInstanceUid());
      assertEquals(want.status(), got.status());
      assertEquals(want.grade(), got.grade());
      assertEquals(
          want.probabilities() == null
              ? null
              : VerdictJson.writer().writeValueAsString(want.probabilities()),
          got.probabilitiesJson());
      assertEquals(want.ood(), got.ood());
    }
    assertTrue(s.slices().stream().anyMatch(r -> r.status().equals("graded")));
  }

  private static JsonNode withoutTimings(String verdictJson) throws Exception {
    ObjectNode v = (ObjectNode) JSON.readTree(verdictJson);
    v.remove("timings");
    return v;
  }

  private double outcome(String name) {
    return meters.streamingOutcomes(name);
  }

  @Test
  void seriesGradedAtReleaseIsCommittedAsTheVerdictGradingAtCompletionGives() throws Exception {
    start(256L << 20, Duration.ofHours(1));
    for (Path f : files) {
      receive(f);
    }
    release();
    Await.until("the series is graded ahead", () -> streaming.hasResult(seriesUid));
    assertTrue(streaming.heldBytes() > 0);

    complete();
    gradedByTheWorker();

    assertEquals(1.0, outcome(StreamingGrading.COMMITTED));
    assertEquals(0.0, outcome(StreamingGrading.DISCARDED));
    assertEquals(0, streaming.heldBytes(), "the claimed series holds nothing any more");
    assertSameAsGradingAtCompletion();
  }

  @Test
  void instanceArrivingAfterTheSeriesWasGradedAheadDiscardsThatResult() throws Exception {
    start(256L << 20, Duration.ofHours(1));
    for (Path f : files.subList(0, SLICES - 1)) {
      receive(f);
    }
    release();
    Await.until("the partial series is graded ahead", () -> streaming.hasResult(seriesUid));

    // One more instance on an association that is not released (no new speculation).
    receive(files.getLast());
    complete();
    gradedByTheWorker();

    assertEquals(0.0, outcome(StreamingGrading.COMMITTED));
    assertEquals(1.0, outcome(StreamingGrading.DISCARDED));
    assertEquals(SLICES, series().slices().size());
    assertSameAsGradingAtCompletion();
  }

  @Test
  void seriesThatStopsArrivingWithoutAReleaseIsGradedAheadAfterTheGrace() throws Exception {
    start(256L << 20, Duration.ofMillis(50));
    for (Path f : files) {
      receive(f);
    }
    Await.until("the idle series is graded ahead", () -> streaming.hasResult(seriesUid));
    complete();
    gradedByTheWorker();
    assertEquals(1.0, outcome(StreamingGrading.COMMITTED));
    assertSameAsGradingAtCompletion();
  }

  @Test
  void seriesOverTheMemoryCapFallsBackToGradingAtCompletion() throws Exception {
    // Room for one or two decoded slices, not eight.
    start(300_000, Duration.ofHours(1));
    for (Path f : files) {
      receive(f);
    }
    release();
    Await.until("the series is dropped", () -> outcome(StreamingGrading.OVER_CAP) == 1.0);
    assertEquals(0, streaming.heldBytes());
    assertTrue(!streaming.hasResult(seriesUid));

    complete();
    gradedByTheWorker();
    assertEquals(0.0, outcome(StreamingGrading.COMMITTED));
    assertSameAsGradingAtCompletion();
  }

  @Test
  void boxesChangedAfterTheSeriesWasGradedAheadDiscardTheResult() throws Exception {
    start(256L << 20, Duration.ofHours(1));
    for (Path f : files) {
      receive(f);
    }
    release();
    Await.until("the series is graded ahead", () -> streaming.hasResult(seriesUid));
    // Any accepted box upload moves the version; the result was computed with the older boxes.
    index.replaceStudyBoxes(studyUid, List.of(), System.currentTimeMillis(), "test");
    complete();
    gradedByTheWorker();
    assertEquals(0.0, outcome(StreamingGrading.COMMITTED));
    assertEquals(1.0, outcome(StreamingGrading.DISCARDED));
    assertSameAsGradingAtCompletion();
  }
}
