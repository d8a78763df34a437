package io.cordwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;
import io.cordwatch.infer.TorchFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench grade} refuses what it cannot run, naming the option; it is never run as a test. */
class GradeBenchTest {
  @TempDir Path tmp;

  @Test
  void nonsenseOptionsAreRefusedWithTheOptionNamed() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    String b = bundle.toString();

    CliRun slices = CliRun.run("bench", "grade", "--bundle", b, "--slices", "0");
    CliRun runs = CliRun.run("bench", "grade", "--bundle", b, "--runs", "51");
    CliRun size = CliRun.run("bench", "grade", "--bundle", b, "--size", "300");
    CliRun missing = CliRun.run("bench", "grade", "--bundle", tmp.resolve("nope").toString());
    CliRun broken =
        CliRun.run(
            "bench",
            "grade",
            "--bundle",
            Files.writeString(tmp.resolve("bad.json"), "{}").getParent().toString());
    CliRun none = CliRun.run("bench", "grade");

    for (CliRun r : new CliRun[] {slices, runs, size, missing, broken, none}) {
      assertEquals(2, r.exit(), r.all());
    }
    assertTrue(slices.err().contains("--slices must be between 1 and 500, was 0"), slices.all());
    assertTrue(runs.err().contains("--runs must be between 1 and 50, was 51"), runs.all());
    assertTrue(
        size.err()
            .contains(
                "--size must be one of the phantom's matrices 256, 320, 384, 512," + " was 300"),
        size.all());
    assertTrue(missing.err().contains("does not exist"), missing.all());
    assertTrue(broken.err().contains("--bundle " + tmp + ": "), broken.all());
    assertTrue(none.err().contains("--bundle"), none.all());
  }
}
