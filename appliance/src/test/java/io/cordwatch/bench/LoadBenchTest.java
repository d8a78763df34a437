package io.cordwatch.bench;

import static io.cordwatch.bench.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.testing.SkipPeers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench load} at a tiny size: its correctness checks (every instance acknowledged, none
 * stored twice, every study graded through the API) pass against a real appliance with real
 * storescu senders, idle sockets and HTTP polling. Its timings and goals are never asserted.
 */
class LoadBenchTest {
  @TempDir Path tmp;

  @Test
  void tinyLoadRunAcknowledgesStoresOnceAndGradesEverySeries() throws Exception {
    SkipPeers.assumePeers("storescu");
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    Path keep = tmp.resolve("work");

    CliRun r =
        CliRun.run(
            "bench",
            "load",
            "--bundle",
            bundle.toString(),
            "--senders",
            "3",
            "--instances",
            "4",
            "--size",
            "32",
            "--idle",
            "5",
            "--poll-rate",
            "10",
            "--runs",
            "1",
            "--grade-timeout",
            "120",
            "--keep",
            keep.toString());

    assertEquals(0, r.exit(), r.all());
    assertTrue(
        r.out().contains("acknowledged: 12 of 12 instances by the 3 concurrent senders"), r.all());
    // warm-up + 2 pairs of single senders (4 instances each) + 3 senders x 4
    assertTrue(
        r.out()
            .contains(
                "index: 32 instance rows for 32 acknowledged (all phases), 32 distinct SOP Instance UIDs,"
                    + " 0 duplicated, 0 without their file"),
        r.all());
    assertTrue(r.out().contains("graded: every study, as GET /api/v1/studies shows it"), r.all());
    assertTrue(r.out().contains("5 idle sockets held"), r.all());
    assertTrue(r.out().contains("HTTP polling 10/s"), r.all());
    assertTrue(r.out().contains("correctness: passed"), r.all());
  }

  @Test
  void nonsenseOptionsAreRefusedWithTheOptionNamed() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    String b = bundle.toString();

    assertRefused(
        "--senders must be between 1 and 100, was 0",
        "bench",
        "load",
        "--bundle",
        b,
        "--senders",
        "0");
    assertRefused(
        "--idle must be between 0 and 2000, was -1",
        "bench",
        "load",
        "--bundle",
        b,
        "--idle",
        "-1");
    assertRefused(
        "--poll-rate must be between 1 and 1000, was 0",
        "bench",
        "load",
        "--bundle",
        b,
        "--poll-rate",
        "0");
    assertRefused("does not exist", "bench", "load", "--bundle", tmp.resolve("nope").toString());
  }
}
