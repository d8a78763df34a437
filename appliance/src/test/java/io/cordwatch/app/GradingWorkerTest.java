package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.grade.SeriesGrader;
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
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.store.StudyState;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grading worker over a real index, spool, bundle and ONNX Runtime engine: what happens to a
 * job when a stored file is damaged or the engine fails.
 */
class GradingWorkerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Index index;
  private Spool spool;
  private Bundle bundle;
  private SuppliedBoxes boxes;
  private String studyUid;
  private String seriesUid;
  private List<InstanceRow> rows;
  private final Meters meters = new Meters();

  @BeforeEach
  void storedSeries() throws Exception {
    bundle = TorchFixture.bundle(tmp.resolve("bundle"));
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(new Phantom.Options(phantom, 1, 9, StudyPlan.Style.INTERNAL, 6, false, false));
    boxes = SuppliedBoxes.load(phantom.resolve("labels.csv"));
    Path data = tmp.resolve("data");
    index = Index.open(data.resolve("index.db"));
    spool = new Spool(data);
    List<Path> files;
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      files =
          s.filter(p -> p.getFileName().toString().matches("ax-t2-\\d+\\.dcm")).sorted().toList();
    }
    long now = System.currentTimeMillis();
    for (Path f : files) {
      InstanceFacts facts = DicomFacts.read(f);
      String relative = "spool/instances/" + f.getFileName();
      Files.copy(f, data.resolve(relative));
      index.recordInstance(
          new InstanceRow(
              0,
              facts.sopInstanceUid(),
              facts.sopClassUid(),
              facts.studyInstanceUid(),
              facts.seriesInstanceUid(),
              "1.2.840.10008.1.2.1",
              relative,
              Files.size(f),
              "0".repeat(64),
              now,
              "TEST",
              JSON.writeValueAsString(facts)),
          "MR",
          facts.seriesNumber(),
          facts.seriesDescription());
      studyUid = facts.studyInstanceUid();
      seriesUid = facts.seriesInstanceUid();
    }
    rows = index.instancesOfSeries(seriesUid);
    assertEquals(6, rows.size());
  }

  @AfterEach
  void close() {
    index.close();
  }

  private void queue() {
    index.completeSeries(seriesUid, System.currentTimeMillis(), true, "selected", List.of());
  }

  private SeriesRow series() {
    StudyRow s = index.study(studyUid).orElseThrow();
    return s.series().getFirst();
  }

  @Test
  void damagedStoredFileIsReportedUnreadableAndTheRestIsGraded() throws Exception {
    InstanceRow damaged = rows.get(2);
    Path file = spool.resolve(damaged.path());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    try (BackboneEngine engine = Bundles.openEngine(bundle);
        GradingWorker worker =
            new GradingWorker(
                index,
                spool,
                new SeriesGrader(bundle, engine, boxes),
                meters,
                Clock.systemUTC(),
                Duration.ofMillis(20))) {
      worker.start();
      queue();
      Await.until("the job is done", () -> "done".equals(series().job().state()));
    }
    SeriesRow s = series();
    assertEquals(StudyState.GRADED.sql(), index.study(studyUid).orElseThrow().state());
    assertTrue(s.verdictJson().contains("\"unreadable\":1"), s.verdictJson());
    assertEquals(6, s.slices().size());
    for (SliceRow r : s.slices()) {
      if (r.sopInstanceUid().equals(damaged.sopInstanceUid())) {
        assertEquals("unreadable", r.status());
        assertTrue(r.reason() != null && !r.reason().isBlank(), r.toString());
      } else {
        assertTrue(List.of("graded", "no_roi").contains(r.status()), r.toString());
      }
    }
    assertTrue(s.slices().stream().anyMatch(r -> r.status().equals("graded")));
  }

  @Test
  void failingEngineIsRetriedThenTheJobFailsWithItsReasonAndTheWorkerCarriesOn() throws Exception {
    BackboneEngine engine = Bundles.openEngine(bundle);
    // A closed engine is a real engine failure: ONNX Runtime's session is gone.
    engine.close();
    try (GradingWorker worker =
        new GradingWorker(
            index,
            spool,
            new SeriesGrader(bundle, engine, boxes),
            meters,
            Clock.systemUTC(),
            Duration.ofMillis(20),
            new GradingWorker.Retry(
                GradingWorker.MAX_ATTEMPTS, Duration.ofMillis(10), Duration.ofMillis(40)),
            null,
            null,
            () -> {})) {
      worker.start();
      queue();
      Await.until("the job fails", () -> "failed".equals(series().job().state()));
      SeriesRow s = series();
      assertEquals(GradingWorker.MAX_ATTEMPTS, s.job().attempts());
      assertTrue(s.job().error().contains("closed"), s.job().error());
      assertEquals(null, s.verdictJson());
      assertEquals(StudyState.FAILED.sql(), index.study(studyUid).orElseThrow().state());
      String metrics = meters.scrape();
      assertTrue(metrics.contains("cordwatch_grading_attempts_failed_total 3.0"), metrics);
      assertTrue(metrics.contains("cordwatch_grading_jobs_failed_total 1.0"), metrics);
      assertTrue(metrics.contains("cordwatch_grading_jobs_graded_total 0.0"), metrics);

      // The same worker still takes work: the series queued again is tried again.
      queue();
      Await.until(
          "the re-queued job fails again",
          () -> "failed".equals(series().job().state()) && series().job().attempts() == 3);
    }
  }

  @Test
  void failedAttemptIsRetriedOnlyAfterAGrowingDelayThatTheJobShows() throws Exception {
    BackboneEngine engine = Bundles.openEngine(bundle);
    engine.close();
    MutableClock clock = new MutableClock(1_000_000);
    try (GradingWorker worker =
        new GradingWorker(
            index,
            spool,
            new SeriesGrader(bundle, engine, boxes),
            meters,
            clock,
            Duration.ofMillis(10),
            new GradingWorker.Retry(4, Duration.ofSeconds(1), Duration.ofSeconds(10)),
            null,
            null,
            () -> {})) {
      worker.start();
      queue();
      Await.until("the first attempt fails", () -> series().job().attempts() == 1 && queued());
      assertEquals(1_000_000 + 1_000, series().job().nextAttemptMs());

      // (That a job is not claimed before it is due is the test below, without a worker thread.)
      clock.set(1_001_000);
      Await.until("the second attempt fails", () -> series().job().attempts() == 2 && queued());
      assertEquals(1_001_000 + 4_000, series().job().nextAttemptMs());
      clock.set(1_005_000);
      Await.until("the third attempt fails", () -> series().job().attempts() == 3 && queued());
      // 16 s would pass the 10 s cap.
      assertEquals(1_005_000 + 10_000, series().job().nextAttemptMs());
      clock.set(1_015_000);
      Await.until("the job fails for good", () -> "failed".equals(series().job().state()));
      assertEquals(4, series().job().attempts());
      assertEquals(null, series().job().nextAttemptMs());
    }
  }

  @Test
  void retryDelaysGrowFourfoldUpToTheCap() {
    GradingWorker.Retry r = GradingWorker.Retry.defaults();
    assertEquals(Duration.ofSeconds(1), r.delayAfter(1));
    assertEquals(Duration.ofSeconds(4), r.delayAfter(2));
    assertEquals(Duration.ofSeconds(16), r.delayAfter(3));
    assertEquals(Duration.ofSeconds(60), r.delayAfter(4));
    assertEquals(Duration.ofSeconds(60), r.delayAfter(10));
  }

  @Test
  void aQueuedJobWaitingForItsRetryIsNotClaimedBeforeItIsDue() {
    queue();
    var job = index.claimJob(1000).orElseThrow();
    index.failJob(job, "engine busy", true, 5000L, 1000);
    assertTrue(index.claimJob(4999).isEmpty());
    var again = index.claimJob(5000).orElseThrow();
    assertEquals(2, again.attempts());
    assertEquals(null, again.nextAttemptMs());
    assertEquals("engine busy", again.error());
  }

  private boolean queued() {
    return "queued".equals(series().job().state());
  }

  @Test
  void jobLeftRunningByAKilledProcessIsQueuedAgainAndGraded() throws Exception {
    queue();
    assertTrue(index.claimJob(System.currentTimeMillis()).isPresent());
    assertEquals("running", series().job().state());
    try (BackboneEngine engine = Bundles.openEngine(bundle);
        GradingWorker worker =
            new GradingWorker(
                index,
                spool,
                new SeriesGrader(bundle, engine, boxes),
                meters,
                Clock.systemUTC(),
                Duration.ofMillis(20))) {
      worker.start();
      Await.until("the job is done", () -> "done".equals(series().job().state()));
    }
    assertTrue(series().verdictJson() != null);
  }
}
