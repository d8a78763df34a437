package io.cordwatch.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.Appliance;
import io.cordwatch.config.Settings;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.retention.StoredStudies.Left;
import io.cordwatch.retention.StoredStudies.Study;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.RetentionHold;
import io.cordwatch.store.SeriesState;
import io.cordwatch.telemetry.Meters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention inside a running appliance: real DICOM in, real start-up recovery. */
class RetentionApplianceTest {
  @TempDir Path tmp;

  @Test
  void aStudySentByStorescuGoesWithItsFilesOnceSettledAndOld() throws Exception {
    Path data = tmp.resolve("data");
    Map<String, String> flags = RunningAppliance.flags(data);
    flags.put("series-stable", "1s");
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(4, true, false, 32, 3));
    try (Appliance a = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      Peers.Run sent = Peers.storescu(a.dicomPort(), "STORESCU", files);
      assertEquals(files.size(), Peers.successes(sent), sent.output());
      Index index = a.index();
      List<InstanceRow> stored = index.allInstances();
      awaitNoSeriesReceiving(index);
      Retention later =
          new Retention(
              data,
              index,
              new RetentionConfig(Duration.ofDays(30), 0, 0, Duration.ZERO, Duration.ZERO),
              RetentionHold.NONE,
              p -> {
                throw new java.io.IOException("not asked: the disk rule is off");
              },
              new Meters(),
              Clock.offset(Clock.systemUTC(), Duration.ofDays(31)));

      // No bundle: the axial series' job waits, so the study is not settled and stays.
      assertEquals(0, later.run().orElseThrow().studiesRemoved());
      JobRow job = index.claimJob(System.currentTimeMillis()).orElseThrow();
      index.failJob(job, "test: failed for good", false, null, System.currentTimeMillis());

      assertEquals(1, later.run().orElseThrow().studiesRemoved());
      assertEquals(List.of(), index.allInstances());
      for (InstanceRow row : stored) {
        assertTrue(Files.notExists(data.resolve(row.path())), row.path());
      }
    }
  }

  @Test
  void aRemovalInterruptedAfterItsCommitIsFinishedAtStartUpNotQuarantined() throws Exception {
    Path data = tmp.resolve("data");
    Study removed;
    try (Index index = Index.open(data.resolve("index.db"))) {
      removed =
          new StoredStudies(data, index).add(Instant.now().minusSeconds(60), 3, 100, Left.GRADED);
      Set<String> paths = index.studyPaths(removed.uid());
      new RemovalJournal(data).write(paths);
      assertTrue(
          index.removeStudy(removed.uid(), paths, RetentionHold.NONE, "t", "age", 0).isPresent());
      // ... and the process dies before deleting the files.
    }

    try (Appliance a =
        Appliance.start(Settings.load(null, RunningAppliance.flags(data)), Clock.systemUTC())) {
      assertTrue(a.dicomListening());
      assertTrue(removed.files().stream().allMatch(Files::notExists));
      try (Stream<Path> q = Files.walk(data.resolve("quarantine"))) {
        assertEquals(List.of(), q.filter(Files::isRegularFile).toList(), "nothing quarantined");
      }
      assertTrue(new RemovalJournal(data).entries().isEmpty());
    }
  }

  private static void awaitNoSeriesReceiving(Index index) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!index.seriesInState(SeriesState.RECEIVING).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("series still receiving after 30 s");
      }
      Thread.sleep(50);
    }
  }
}
