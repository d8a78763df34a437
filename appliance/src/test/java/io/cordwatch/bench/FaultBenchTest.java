package io.cordwatch.bench;

import static io.cordwatch.bench.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;
import io.cordwatch.dicom.Dcmtk;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.testing.SkipPeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench faults} with a few cycles: a real appliance child killed with SIGKILL once in each
 * phase (receive, grading, export) and restarted, forwarding to a real dcmqrscp (which answers
 * C-FIND), loses nothing, grades every study once and delivers every document exactly once, counted
 * in the peer's own log; and its checks do fail on a lost instance and on a document the peer gets
 * a second time.
 */
class FaultBenchTest {
  @TempDir Path tmp;

  @Test
  void killedOnceInEachPhaseTheApplianceLosesNothingAndGradesEachStudyOnce() throws Exception {
    SkipPeers.assumePeers("storescu, dcmqrscp and a separately started appliance");
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
    // The peer is dcmqrscp: a document cut off mid-delivery by a kill is looked up by C-FIND
    // before it is sent again, so the peer's own log must show each document stored once.
    assertTrue(out.contains("PASS  results exported exactly once"), out);
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
    // The peer, started again on its folder, gets one of the delivered documents a second time.
    Path delivered;
    try (Stream<Path> s = Files.list(peer.resolve("archive"))) {
      delivered =
          s.filter(p -> p.getFileName().toString().startsWith("SR")).findFirst().orElseThrow();
    }
    try (FaultPeer again = FaultPeer.start(FaultPeer.Kind.DCMQRSCP, peer)) {
      Process p =
          Dcmtk.storescu(
                  "OTHER", FaultPeer.AE, again.port, List.of("-R"), List.of(delivered.toString()))
              .start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), log);
    }
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
    assertRefused(
        "--peer must be dcmqrscp or storescp, not orthanc",
        "bench",
        "faults",
        "--bundle",
        b,
        "--peer",
        "orthanc");
    assertRefused("--bundle", "bench", "faults");
  }
}
