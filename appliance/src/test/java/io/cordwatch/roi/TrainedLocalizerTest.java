package io.cordwatch.roi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.PhantomLocalizer;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained localizer ({@link PhantomLocalizer}) on phantom studies it never saw, of both scanner
 * styles, through the appliance's own path (DICOM decode, {@link LocalizerBoxes}, ONNX Runtime):
 * the boxes it finds must match the phantom's labels. A small sample, so the bar is set below the
 * held-out figure that training reports (docs/model-bundle.md), but a broken view, threshold or box
 * reading would miss it by far.
 */
class TrainedLocalizerTest {
  @TempDir static Path tmp;
  static Bundle bundle;

  @BeforeAll
  static void bundleWithTrainedLocalizer() throws IOException {
    bundle = PhantomLocalizer.bundle(tmp.resolve("bundle"));
  }

  @Test
  void findsTheCanalOnUnseenPhantomsOfBothStyles() throws IOException {
    // The two styles the localizer was trained on; the randomized style is not one of them.
    for (StudyPlan.Style style : List.of(StudyPlan.Style.INTERNAL, StudyPlan.Style.EXTERNAL)) {
      Path dir = tmp.resolve(style.name());
      Phantom.Result phantom =
          Phantom.generate(new Phantom.Options(dir, 2, 90_210, style, 10, false, false));
      SuppliedBoxes labels = SuppliedBoxes.load(phantom.labels());
      List<Double> ious = new ArrayList<>();
      try (LocalizerBoxes localizer = LocalizerBoxes.open(bundle);
          Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".dcm")).sorted().toList()) {
          for (DicomPixels.Frame fr : DicomPixels.read(f)) {
            var label = labels.box(fr.sopInstanceUid(), fr.frame());
            if (label.isEmpty()) {
              continue;
            }
            BoxSource.Located found =
                localizer.locate(fr.sopInstanceUid(), fr.frame(), () -> pixels(fr));
            ious.add(found.found() ? found.box().iou(label.get()) : 0.0);
          }
        }
      }
      long good = ious.stream().filter(v -> v >= 0.8).count();
      double min = ious.stream().mapToDouble(Double::doubleValue).min().orElse(0);
      System.out.printf(
          Locale.ROOT,
          "trained localizer, %s phantoms: IoU >= 0.8 on %d of %d slices, lowest %.3f%n",
          style,
          good,
          ious.size(),
          min);
      assertTrue(ious.size() >= 20, style + ": only " + ious.size() + " labelled slices");
      assertTrue(good >= 0.95 * ious.size(), style + ": " + good + " of " + ious.size());
    }
  }

  @Test
  void noiseWithoutAnatomyIsNoRoi() {
    Random r = new Random(4);
    float[] noise = new float[256 * 256];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) Math.abs(100 * r.nextGaussian());
    }
    try (LocalizerBoxes localizer = LocalizerBoxes.open(bundle)) {
      BoxSource.Located none =
          localizer.locate("1.2.3", 1, () -> new SlicePixels(noise, 256, 256, false));
      assertFalse(none.found(), () -> "a box in pure noise: " + none.box());
      assertTrue(none.reason().startsWith("localizer found no canal"), none.reason());
    }
  }

  private static SlicePixels pixels(DicomPixels.Frame f) {
    return new SlicePixels(
        Preprocessing.modalityValues(
            f.stored(),
            new Preprocessing.PixelEncoding(
                f.bitsAllocated(), f.bitsStored(), f.signed(), f.slope(), f.intercept(), false)),
        f.columns(),
        f.rows(),
        f.monochrome1());
  }
}
