package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.BoxSource;
import io.cordwatch.roi.CanalLocator;
import io.cordwatch.roi.SlicePixels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grader hands a box source each slice's Pixel Spacing with its pixels, so that the localizer
 * can refuse a box too small in millimetres to be a spinal canal; such a slice is "no ROI" with the
 * size in its reason.
 */
class SliceSpacingTest {
  @TempDir Path tmp;

  @Test
  void theLocatorSeesTheSpacingAndASmallBoxIsNoRoi() throws Exception {
    Bundle bundle = TorchFixture.bundle(tmp.resolve("tiny"));
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 17, StudyPlan.Style.INTERNAL, 6, false, false));
    List<SeriesGrader.Input> inputs;
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      inputs =
          s.filter(p -> p.getFileName().toString().matches("ax-t2-\\d+\\.dcm"))
              .sorted()
              .map(p -> new SeriesGrader.Input(null, p))
              .toList();
    }
    AttributeList first = new AttributeList();
    first.read(inputs.getFirst().file().toFile());
    double[] spacing =
        com.pixelmed.dicom.Attribute.getDoubleValues(first, TagFromName.PixelSpacing);
    // A "network" that lights a small square in the middle of the whole view (k view pixels, at
    // least 4 slice pixels: over the pixel floor) and, on the close views, the middle half (which
    // keeps the box as found). The box is then under 6 mm at this phantom's spacing.
    int v = LocalizerSpec.defaults().inputSize();
    int side =
        Math.max(
            first.get(TagFromName.Rows).getSingleIntegerValueOrDefault(0),
            first.get(TagFromName.Columns).getSingleIntegerValueOrDefault(0));
    int k = (int) Math.ceil(4.0 * v / side);
    assertTrue(k * (double) side / v * Math.min(spacing[0], spacing[1]) < 6, "the premise");
    int[] calls = {0};
    CanalLocator square =
        new CanalLocator(
            LocalizerSpec.defaults(),
            (views, count) -> {
              int lit = calls[0]++ % 3 == 0 ? k : v / 2;
              float[] p = new float[views.length];
              for (int y = (v - lit) / 2; y < (v - lit) / 2 + lit; y++) {
                for (int x = (v - lit) / 2; x < (v - lit) / 2 + lit; x++) {
                  p[y * v + x] = 1;
                }
              }
              return p;
            });
    List<SlicePixels> seen = new ArrayList<>();
    BoxSource located =
        new BoxSource() {
          @Override
          public Optional<io.cordwatch.roi.CanalBox> box(String sop, int frame) {
            return Optional.empty();
          }

          @Override
          public Located locate(String sop, int frame, Supplier<SlicePixels> pixels) {
            SlicePixels slice = pixels.get();
            seen.add(slice);
            CanalLocator.Result r = square.locate(slice);
            return r.found() ? Located.found(r.box(), LOCALIZER) : Located.none(r.reason());
          }
        };
    SeriesResult result;
    try (BackboneEngine engine = Bundles.openEngine(bundle)) {
      result = new SeriesGrader(bundle, engine, located).grade("study", "series", inputs);
    }
    assertEquals(inputs.size(), seen.size());
    for (SlicePixels s : seen) {
      assertEquals(spacing[0], s.rowSpacing(), 1e-9);
      assertEquals(spacing[1], s.columnSpacing(), 1e-9);
    }
    for (SliceResult sl : result.slices()) {
      assertFalse(sl.status().equals(SliceResult.GRADED), sl.sopInstanceUid());
      assertTrue(
          sl.reason()
              .matches("localizer box [0-9.]+ x [0-9.]+ mm is too small to be a spinal canal .*"),
          sl.reason());
    }
  }
}
