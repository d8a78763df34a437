package io.cordwatch.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.grade.HighDecision;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleCalibration;
import io.cordwatch.infer.Bundles;
import io.cordwatch.trainer.dataset.PhantomData;
import io.cordwatch.trainer.export.BundleExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch train} end to end on phantom studies with a tiny ResNet and a tiny localizer
 * (one epoch of small views, enough to run the whole path, not to learn the canal): a bundle that
 * the appliance verifies, with provenance (clinical_use false, validation metrics with intervals),
 * a localizer with its held-out IoU reported, a model card and training curves; and clear refusals
 * of unusable arguments.
 */
class TrainCommandTest {
  @TempDir static Path shared;
  private static Path phantom;

  @BeforeAll
  static void data() {
    phantom = PhantomData.write(shared.resolve("phantom"), 3, 6, 31);
  }

  private static String[] tiny(Path out, String... more) {
    String[] base = {
      "train",
      "--data",
      phantom.toString(),
      "--out",
      out.toString(),
      "--epochs",
      "1",
      "--input-size",
      "32",
      "--batch",
      "4",
      "--width-divisor",
      "16",
      "--blocks",
      "1,1,1,1",
      "--allow-empty-classes",
      "--localizer-epochs",
      "1",
      "--localizer-input-size",
      "48",
      "--localizer-width",
      "4"
    };
    return TrainerRun.concat(base, more);
  }

  @Test
  void trainsAVerifiedBundleWithProvenanceModelCardAndCurves(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("bundle");
    TrainerRun r = TrainerRun.run(tiny(out, "--fp16"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("epoch 1/1"), r.err());
    assertTrue(r.err().contains("img/s"), r.err());
    assertTrue(r.err().contains("verified"), r.err());

    Bundle b = Bundles.verify(out).bundle();
    assertFalse(b.provenance().clinicalUse());
    assertEquals(32, b.preprocessing().inputSize());
    assertEquals(Bundle.DEFAULT_CLASSES, b.classes());
    assertTrue(
        b.provenance().metrics().containsKey("val_slices"), b.provenance().metrics().toString());
    assertTrue(b.provenance().metrics().containsKey("val_specificity_ci_low"));
    assertTrue(b.provenance().trainingData().contains("studies"), b.provenance().trainingData());
    assertTrue(b.oodScale() > 0);
    assertTrue(b.localizer().isPresent(), "the localizer is trained unless --no-localizer");
    assertEquals(48, b.localizer().get().spec().inputSize());
    assertTrue(r.err().contains("localizer epoch 1/1"), r.err());
    assertTrue(
        r.err().matches("(?s).*localizer IoU, held-out phantom: \\d+ slices: IoU >= 0\\.8 on .*"),
        r.err());

    String card = Files.readString(out.resolve(BundleExport.MODEL_CARD));
    assertTrue(card.contains("clinical_use: false"), card);
    assertTrue(card.contains("Gwet's AC1"), card);
    assertTrue(card.contains("float16"), card);
    assertTrue(card.contains("## Canal localizer"), card);
    assertFalse(card.contains("none in this bundle"), card);
    assertTrue(card.contains("held-out phantom: "), card);
    // The card words the decision rule as `bundle info` does, from the bundle it describes.
    String rule = HighDecision.of(b).formula();
    assertTrue(
        card.contains("- High/low decision: " + rule)
            || card.contains("- High/low decision: " + "nearest prototype"),
        card);
    assertEquals(
        b.highThreshold().isPresent(), card.contains(rule + " (head.high_threshold)"), card);
    // INT8 calibration slices by default: every training slice here (fewer than 256).
    BundleCalibration cal = b.calibration().orElseThrow();
    assertTrue(r.err().contains("calibration: " + cal.slices() + " training slices of 32 x 32"));
    assertTrue(cal.slices() > 1 && cal.slices() <= 256, "slices " + cal.slices());
    assertTrue(card.contains("## INT8 calibration slices"), card);
    assertEquals(2, Files.readAllLines(out.resolve(BundleExport.CURVES)).size());
    assertTrue(Files.exists(tmp.resolve("bundle.work").resolve("checkpoint.bin")));
  }

  @Test
  void noLocalizerLeavesTheBundleWithoutOneAndItStillVerifies(@TempDir Path tmp)
      throws IOException {
    Path out = tmp.resolve("bundle");
    TrainerRun r = TrainerRun.run(tiny(out, "--no-localizer", "--calibration-slices", "0"));
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("localizer"), r.err());
    assertTrue(Bundles.verify(out).bundle().localizer().isEmpty());
    assertTrue(Bundles.load(out).calibration().isEmpty(), "--calibration-slices 0: none");
    assertFalse(Files.readString(out.resolve("bundle.json")).contains("localizer"));
    String card = Files.readString(out.resolve(BundleExport.MODEL_CARD));
    assertTrue(card.contains("Localizer: none in this bundle"), card);
    assertFalse(card.contains("Canal localizer"), card);
  }

  @Test
  void refusesALocalizerEpochCountBelowOneBeforeTraining(@TempDir Path tmp) {
    TrainerRun r =
        TrainerRun.run(
            "train",
            "--data",
            phantom.toString(),
            "--out",
            tmp.resolve("bundle").toString(),
            "--input-size",
            "32",
            "--allow-empty-classes",
            "--localizer-epochs",
            "0");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--localizer-epochs must be at least 1"), r.err());
    assertFalse(r.err().contains("epoch 1/1"), "refused before training: " + r.err());
  }

  @Test
  void refusesAnOutputFolderThatIsNotEmpty(@TempDir Path tmp) throws IOException {
    Path out = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(out.resolve("x"), "x");
    TrainerRun r = TrainerRun.run(tiny(out));
    assertEquals(1, r.code());
    assertTrue(r.err().contains("not empty"), r.err());
  }

  @Test
  void refusesMissingDataAndEmptyClassesWithTheirReason(@TempDir Path tmp) {
    TrainerRun missing =
        TrainerRun.run(
            "train",
            "--data",
            tmp.resolve("none").toString(),
            "--out",
            tmp.resolve("o").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("no such folder"), missing.err());
    assertTrue(missing.err().contains("NO_DATA"), missing.err());

    TrainerRun empty =
        TrainerRun.run(
            "train",
            "--data",
            phantom.toString(),
            "--out",
            tmp.resolve("o2").toString(),
            "--input-size",
            "32");
    assertEquals(1, empty.code());
    assertTrue(empty.err().contains("EMPTY_CLASS"), empty.err());
    assertTrue(empty.err().contains("--allow-empty-classes"), empty.err());
    assertFalse(Files.exists(tmp.resolve("o2")), "nothing written before the data was accepted");
  }
}
