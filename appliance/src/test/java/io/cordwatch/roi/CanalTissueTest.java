package io.cordwatch.roi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.OnnxSegmenter;
import io.cordwatch.infer.TinySegmenter;
import io.cordwatch.infer.TorchFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tumour area the canal segmenter sees inside a box, measured through ONNX Runtime with a
 * segmenter that calls bright pixels tumour ({@link TinySegmenter}), on slices where the answer is
 * known: a 10 x 10 mm bright square inside the box reads 100 mm², a dark box reads nothing, and the
 * area follows Pixel Spacing.
 */
class CanalTissueTest {
  @TempDir Path tmp;

  /** 100 x 100 pixels, dark, with a bright 20 x 20 pixel square at 40..59. */
  private static SlicePixels slice(double spacing) {
    float[] v = new float[100 * 100];
    for (int y = 0; y < 100; y++) {
      for (int x = 0; x < 100; x++) {
        v[y * 100 + x] = x >= 40 && x < 60 && y >= 40 && y < 60 ? 1100 : 100;
      }
    }
    return Double.isNaN(spacing)
        ? new SlicePixels(v, 100, 100, false)
        : new SlicePixels(v, 100, 100, false, spacing, spacing);
  }

  private CanalTissue opened() throws Exception {
    Path dir = tmp.resolve("bundle");
    TorchFixture.bundle(dir);
    Path onnx = TinySegmenter.write(tmp.resolve("seg.onnx"), 32, TinySegmenter.metadata(32));
    Bundle b =
        Bundles.addSegmenter(dir, onnx, OnnxSegmenter.storedSpec(onnx, 12).orElseThrow()).bundle();
    return CanalTissue.open(b);
  }

  @Test
  void theSegmentersTumourInsideTheBoxIsMeasuredInSquareMillimetres() throws Exception {
    CanalBox square = new CanalBox(40, 40, 59, 59);
    CanalBox dark = new CanalBox(2, 2, 21, 21);
    List<SlicePixels> slices = new ArrayList<>();
    List<CanalBox> boxes = new ArrayList<>();
    // More than one batch of views, alternating, so the batches keep their order.
    for (int i = 0; i < CanalTissue.BATCH + 3; i++) {
      slices.add(slice(0.5));
      boxes.add(i % 2 == 0 ? square : dark);
    }
    slices.add(slice(Double.NaN));
    boxes.add(square);
    double[] mm2;
    try (CanalTissue tissue = opened()) {
      assertEquals(12, tissue.spec().vetoBelowMm2());
      assertTrue(tissue.description().contains("12.0 mm²"), tissue.description());
      mm2 = tissue.tumourInBoxMm2(slices, boxes);
    }
    for (int i = 0; i < CanalTissue.BATCH + 3; i++) {
      if (i % 2 == 0) {
        assertEquals(100, mm2[i], 10, "the 10 x 10 mm square, slice " + i);
      } else {
        assertEquals(0, mm2[i], 0.5, "a dark box, slice " + i);
      }
    }
    // Without Pixel Spacing a pixel counts as 1 mm: four times the area.
    assertEquals(4 * mm2[0], mm2[mm2.length - 1], 1e-6);
  }

  @Test
  void aBundleWithoutASegmenterHasNothingToOpen() throws Exception {
    Bundle b = TorchFixture.bundle(tmp.resolve("plain"));
    BundleException e = assertThrows(BundleException.class, () -> CanalTissue.open(b));
    assertTrue(e.getMessage().contains("has no segmenter"), e.getMessage());
    try (ConfiguredBoxes boxes = ConfiguredBoxes.open(b, null)) {
      assertEquals(null, boxes.tissue());
    }
  }
}
