package io.cordwatch.bench;

import static io.cordwatch.bench.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.testing.SkipPeers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench faults} with a few cycles: a real appliance child killed with SIGKILL once in each
 * phase (receive, grading, export) and restarted, forwarding to a real storescp, loses nothing,
 * grades every study once and delivers every document (a redelivery of the same document is the one
 * failure allowed: docs/robustness.md); and its checks do fail on a lost instance and a document
 * delivered twice.
 */
class FaultBenchTest {
  @TempDir Path tmp;

  @Test
  void killedOnceInEachPhaseTheApplianceLosesNothingAndGradesEachStudyOnce() throws Exception {
    SkipPeers.assumePeers("storescu, storescp and a separately started appliance");
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    Path work = tmp.resolve("work");

    CliRun run =
        CliRun.run(
            "bench",
            "faults",
            "--cycles",
            "3",
            "--seed",
            "5",
            "--slices",
            "6",
            "--bundle",
            bundle.toString(),
            "--keep",
            work.toString());

    System.out.print(run.out());
    String out = run.out();
    assertTrue(out.contains("cycle 1: aimed at receive"), out);
    assertTrue(out.contains("cycle 2: aimed at grading"), out);
    assertTrue(out.contains("cycle 3: aimed at export"), out);
    assertTrue(out.contains("appliance runs: 4 (3 killed with SIGKILL)"), out);
    assertTrue(out.contains("PASS  acknowledged instances kept, files intact"), out);
    assertTrue(out.contains("PASS  studies graded exactly once: 3 of 3"), out);
    // Delivery is at-least-once: a kill after the PACS stored a document and before the outbox row
    // was marked sent sends the same document again (docs/robustness.md, Faults). The bench fails
    // on that too, so it is the only failure allowed here; anything missing, unexpected or unsent
    // fails the test.
    assertTrue(
        out.contains("PASS  results exported exactly once")
            || out.matches(
                "(?s).*FAIL  results exported exactly once: \\d+ documents for 3 studies; 0 missing,"
                    + " [12] duplicated, 0 unexpected, 0 not sent\n.*"),
        out);
    assertEquals(out.contains("FAIL") ? 1 : 0, run.exit(), run.all());

    // The same checks over the same folders fail on an instance the index never had and on a
    // document the peer received twice.
    Path data = work.resolve("data");
    Path peer = work.resolve("peer");
    List<String> studies;
    try (Index index = Index.open(data.resolve("index.db"))) {
      studies = index.studies(null, 10).stream().map(StudyRow::studyUid).toList();
    }
    assertEquals(3, studies.size());
    Path delivered;
    try (Stream<Path> s = Files.list(peer)) {
      delivered = s.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    Files.copy(delivered, peer.resolve("again-" + delivered.getFileName()));
    Path sent;
    try (Stream<Path> s = Files.walk(work.resolve("phantom"))) {
      sent = s.filter(p -> p.toString().endsWith(".dcm")).findFirst().orElseThrow();
    }
    List<FaultChecks.Check> checks =
        FaultChecks.run(data, Map.of("1.2.3.4.5.6.7.8.9", sent), studies, peer);
    assertFalse(checks.get(0).passed(), checks.get(0).summary());
    assertTrue(checks.get(0).summary().contains("1 lost"), checks.get(0).summary());
    assertTrue(checks.get(1).passed(), checks.get(1).summary());
    assertFalse(checks.get(2).passed(), checks.get(2).summary());
    assertTrue(
        checks.get(2).summary().matches(".*, [1-9]\\d* duplicated,.*"), checks.get(2).summary());
  }

  @Test
  void nonsenseOptionsAreRefusedWithTheOptionNamed() {
    String b = tmp.toString();
    assertRefused(
        "--cycles must be 1..1000, not 0", "bench", "faults", "--bundle", b, "--cycles", "0");
    assertRefused(
        "--slices must be 4..200, not 2", "bench", "faults", "--bundle", b, "--slices", "2");
    assertRefused(
        "--bundle: no such file", "bench", "faults", "--bundle", tmp.resolve("nope").toString());
    assertRefused("--bundle", "bench", "faults");
  }
}
