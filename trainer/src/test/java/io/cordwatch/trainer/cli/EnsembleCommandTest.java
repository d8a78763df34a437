package io.cordwatch.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch ensemble}'s refusals: each names what is wrong and exits 1 before anything is
 * written (the bundle it makes is checked in EnsembleExportTest).
 */
class EnsembleCommandTest {
  @TempDir Path tmp;

  @Test
  void aMissingMemberIsNamed() {
    Path val = tmp.resolve("val");
    TrainerRun r =
        TrainerRun.run(
            "ensemble",
            "--out",
            tmp.resolve("ens").toString(),
            "--val",
            val.toString(),
            tmp.resolve("no-such-bundle").toString(),
            tmp.resolve("another").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("cordwatch ensemble: "), r.err());
    assertTrue(r.err().contains("no-such-bundle"), r.err());
    assertTrue(Files.notExists(tmp.resolve("ens")));
  }

  @Test
  void aNonEmptyOutputFolderAndABadTargetAreRefused() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("ens"));
    Files.writeString(out.resolve("keep.txt"), "x");
    TrainerRun r = TrainerRun.run("ensemble", "--out", out.toString(), "--val", "v", "a", "b");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("exists and is not empty"), r.err());
    TrainerRun t =
        TrainerRun.run(
            "ensemble",
            "--out",
            tmp.resolve("x").toString(),
            "--val",
            "v",
            "--target-sensitivity",
            "1.5",
            "a",
            "b");
    assertEquals(1, t.code(), t.err());
    assertTrue(t.err().contains("--target-sensitivity must be in (0, 1], got 1.5"), t.err());
  }

  @Test
  void oneMemberIsAUsageError() {
    TrainerRun r = TrainerRun.run("ensemble", "--out", "x", "--val", "v", "only-one");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("BUNDLE"), r.err());
  }
}
