package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.PhantomLocalizer;
import io.cordwatch.infer.TinyLocalizer;
import io.cordwatch.infer.TorchFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cordwatch bundle add-localizer}: a trained localizer goes in with the spec it carries. */
class BundleAddLocalizerTest {
  @TempDir Path tmp;

  @Test
  void aTrainedLocalizerIsAddedVerifiedAndShownByInfo() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    CliRun add =
        CliRun.run(
            "bundle", "add-localizer", bundle.toString(), PhantomLocalizer.onnx().toString());
    assertEquals(0, add.exit(), add::all);
    assertTrue(add.out().contains("verified: the localizer runs, views [N, 1, 64, 64]"), add.out());
    CliRun info = CliRun.run("bundle", "info", bundle.toString());
    assertEquals(0, info.exit(), info::all);
    assertTrue(info.out().contains("localizer: localizer.onnx sha256 "), info.out());
    assertTrue(info.out().contains("64 px views, window 0.5-99.5 % per slice"), info.out());
  }

  @Test
  void theStoredDecodingCanBeOverriddenWithinItsRange() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    String onnx = PhantomLocalizer.onnx().toString();
    CliRun add =
        CliRun.run(
            "bundle",
            "add-localizer",
            bundle.toString(),
            onnx,
            "--threshold",
            "0.35",
            "--refinements",
            "2");
    assertEquals(0, add.exit(), add::all);
    assertTrue(add.out().contains("threshold 0.35, context 2.0, 2 refinement(s)"), add.out());
    CliRun bad =
        CliRun.run("bundle", "add-localizer", bundle.toString(), onnx, "--threshold", "1.5");
    assertEquals(1, bad.exit(), bad::all);
    assertTrue(bad.err().contains("--threshold must lie strictly between 0 and 1"), bad.err());
  }

  @Test
  void aModelWithoutTheTrainersMetadataIsRefusedAndTheBundleLeftAlone() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    byte[] before = Files.readAllBytes(bundle.resolve("bundle.json"));
    Path bare = TinyLocalizer.passThrough(tmp.resolve("bare.onnx"), 64, null);
    CliRun add = CliRun.run("bundle", "add-localizer", bundle.toString(), bare.toString());
    assertEquals(1, add.exit(), add::all);
    assertTrue(add.err().contains("carries no cordwatch.localizer metadata"), add.err());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(bundle.resolve("bundle.json"))));
  }
}
