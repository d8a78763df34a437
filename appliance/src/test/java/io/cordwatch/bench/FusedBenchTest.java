package io.cordwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;
import io.cordwatch.infer.TorchFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench fused} refuses what it cannot run, naming the option, and on a small series reports
 * both paths and their agreement (no figure is asserted: timings belong to the bench's reader).
 */
class FusedBenchTest {
  @TempDir Path tmp;

  @Test
  void nonsenseOptionsAreRefusedWithTheOptionNamed() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    String b = bundle.toString();
    CliRun slices = CliRun.run("bench", "fused", "--bundle", b, "--slices", "0");
    CliRun size = CliRun.run("bench", "fused", "--bundle", b, "--size", "300");
    CliRun missing = CliRun.run("bench", "fused", "--bundle", tmp.resolve("nope").toString());
    for (CliRun r : new CliRun[] {slices, size, missing}) {
      assertEquals(2, r.exit(), r.all());
    }
    assertTrue(slices.err().contains("--slices must be between 1 and 500, was 0"), slices.all());
    assertTrue(size.err().contains("--size must be one of"), size.all());
    assertTrue(missing.err().contains("does not exist"), missing.all());
  }

  @Test
  void aSmallSeriesIsGradedBothWaysAndTheAgreementReported() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    CliRun r =
        CliRun.run(
            "bench",
            "fused",
            "--bundle",
            bundle.toString(),
            "--slices",
            "6",
            "--runs",
            "1",
            "--size",
            "256");
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("CPU: Java preprocess + ORT + Java head"), r.all());
    assertTrue(r.out().contains("fused, host kernels"), r.all());
    assertTrue(r.out().contains("0 of 6 graded slices with another grade"), r.all());
  }
}
