package io.cordwatch.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.Preprocessing;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The geometry around the localizer network: views, coverage targets, reading a box from a map, and
 * the two-pass search. A network that returned exactly the trained target (the coverage of the true
 * box) must give back the labelled box, on any matrix and wherever the canal is.
 */
class CanalLocatorTest {
  private static final LocalizerSpec SPEC = LocalizerSpec.defaults();

  @Test
  void wholeViewOfAViewSizedSliceIsTheSliceItself() {
    int v = 16;
    float[] unit = ramp(v, v);
    float[] view = CanalLocator.sample(unit, v, v, CanalLocator.View.whole(v, v, v));
    assertArrayEquals(unit, view, 1e-6f);
  }

  @Test
  void halvingAveragesEachTwoByTwoBlock() {
    float[] unit = ramp(8, 8);
    float[] view = CanalLocator.sample(unit, 8, 8, CanalLocator.View.whole(8, 8, 4));
    for (int w = 0; w < 4; w++) {
      for (int u = 0; u < 4; u++) {
        double mean =
            (unit[2 * w * 8 + 2 * u]
                    + unit[2 * w * 8 + 2 * u + 1]
                    + unit[(2 * w + 1) * 8 + 2 * u]
                    + unit[(2 * w + 1) * 8 + 2 * u + 1])
                / 4;
        assertEquals(mean, view[w * 4 + u], 1e-6, "view pixel " + u + "," + w);
      }
    }
  }

  @Test
  void outsideTheSliceIsZeroAndANonSquareSliceKeepsItsAspect() {
    float[] unit = new float[4 * 2];
    java.util.Arrays.fill(unit, 1f);
    // 4 x 2 slice in a 4 x 4 square: the top and bottom rows of the view lie outside it.
    float[] view = CanalLocator.sample(unit, 4, 2, CanalLocator.View.whole(4, 2, 4));
    assertArrayEquals(new float[] {0, 0, 0, 0}, java.util.Arrays.copyOfRange(view, 0, 4));
    assertArrayEquals(new float[] {1, 1, 1, 1}, java.util.Arrays.copyOfRange(view, 4, 8));
    assertArrayEquals(new float[] {0, 0, 0, 0}, java.util.Arrays.copyOfRange(view, 12, 16));
  }

  @Test
  void theSlicesWindowEqualsTheSortingReference() {
    Random r = new Random(8);
    for (int n : new int[] {1, 2, 3, 7, 100, 4097, 65_536}) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values (12-bit pixels) and some negatives (rescaled data).
        v[i] = r.nextInt(3) == 0 ? r.nextInt(40) - 10 : (float) (r.nextGaussian() * 300);
      }
      for (double[] p : new double[][] {{0.5, 99.5}, {0, 100}, {1, 99}, {50, 50.5}}) {
        Preprocessing.Window ref = Preprocessing.window(java.util.List.of(v), p[0], p[1]);
        Preprocessing.Window fast = CanalLocator.window(v, p[0], p[1]);
        assertEquals(ref.low(), fast.low(), 0.0, n + " values, " + p[0] + "%");
        assertEquals(ref.high(), fast.high(), 0.0, n + " values, " + p[1] + "%");
      }
    }
  }

  @Test
  void coverageIsTheShareOfEachPixelInsideTheBox() {
    var view = new CanalLocator.View(0, 0, 4, 4);
    float[] c = CanalLocator.coverage(new Preprocessing.Box(0.5, 1, 2.25, 3), view);
    assertArrayEquals(
        new float[] {0, 0, 0, 0, 0.5f, 1, 0.25f, 0, 0.5f, 1, 0.25f, 0, 0, 0, 0, 0}, c, 1e-6f);
  }

  @Test
  void decodeReadsSubPixelEdgesFromACoverageMap() {
    int v = 32;
    var view = new CanalLocator.View(0, 0, v, v);
    Preprocessing.Box truth = new Preprocessing.Box(7.3, 9.8, 19.6, 21.15);
    CanalLocator.Decoded d = CanalLocator.decode(CanalLocator.coverage(truth, view), v, 0.5);
    assertNotNull(d.box());
    assertEquals(truth.x0(), d.box().x0(), 1e-5);
    assertEquals(truth.y0(), d.box().y0(), 1e-5);
    assertEquals(truth.x1(), d.box().x1(), 1e-5);
    assertEquals(truth.y1(), d.box().y1(), 1e-5);
    assertEquals(1.0, d.peak(), 1e-6);
  }

  @Test
  void aSecondBlobDoesNotStretchTheBox() {
    int v = 32;
    var view = new CanalLocator.View(0, 0, v, v);
    float[] p = CanalLocator.coverage(new Preprocessing.Box(4, 4, 12, 12), view);
    float[] blob = CanalLocator.coverage(new Preprocessing.Box(20, 20, 24, 24), view);
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.max(p[i], 0.9f * blob[i]);
    }
    CanalLocator.Decoded d = CanalLocator.decode(p, v, 0.5);
    assertEquals(new Preprocessing.Box(4, 4, 12, 12), d.box());
  }

  @Test
  void aMapBelowTheThresholdHasNoBox() {
    float[] p = new float[16 * 16];
    java.util.Arrays.fill(p, 0.3f);
    CanalLocator.Decoded d = CanalLocator.decode(p, 16, 0.5);
    assertNull(d.box());
    assertEquals(0.3, d.peak(), 1e-6);
  }

  @Test
  void aNetThatPassesABrightBoxThroughFindsItExactlyOnEveryMatrix() {
    // The slice is the box itself (1 inside, 0 outside), so a view of it is close to the box's
    // coverage, the target the network is trained to return; an identity "network" then stands in
    // for a perfect one, and the two passes must land on the labelled pixels.
    Random r = new Random(3);
    for (int size : new int[] {256, 320, 384, 512}) {
      for (int trial = 0; trial < 25; trial++) {
        int bw = 20 + r.nextInt(23);
        int bh = 19 + r.nextInt(17);
        int x0 = 40 + r.nextInt(size - 80 - bw);
        int y0 = 40 + r.nextInt(size - 80 - bh);
        CanalBox truth = new CanalBox(x0, y0, x0 + bw - 1, y0 + bh - 1);
        CanalLocator.Result result = IDENTITY.locateUnit(indicator(truth, size), size, size);
        assertTrue(result.found(), () -> "no box for " + truth + ": " + result.reason());
        assertEquals(truth, result.box(), "matrix " + size);
      }
    }
  }

  @Test
  void aNetThatSeesNothingGivesNoBoxWithAReason() {
    CanalLocator silent = new CanalLocator(SPEC, (views, n) -> new float[views.length]);
    CanalLocator.Result result = silent.locate(blank(64, 64));
    assertFalse(result.found());
    assertNull(result.box());
    assertTrue(result.reason().startsWith("localizer found no canal"), result.reason());
  }

  @Test
  void aCanalLostOnTheCloseViewIsNoBoxWithAReason() {
    CanalBox truth = new CanalBox(100, 100, 130, 125);
    int[] calls = {0};
    CanalLocator onceOnly =
        new CanalLocator(
            SPEC, (views, n) -> calls[0]++ == 0 ? views.clone() : new float[views.length]);
    CanalLocator.Result result = onceOnly.locateUnit(indicator(truth, 256), 256, 256);
    assertFalse(result.found());
    assertEquals(2, calls[0]);
    assertTrue(result.reason().contains("close view"), result.reason());
  }

  @Test
  void aSliverOfABoxIsNoCanal() {
    // A confident speck two pixels wide and one high (what the demo localizer returned on a real
    // lumbar slice) is not graded: the slice is "no ROI" with the reason.
    for (CanalBox speck :
        new CanalBox[] {new CanalBox(20, 30, 21, 30), new CanalBox(20, 30, 50, 32)}) {
      CanalLocator.Result result = IDENTITY.locateUnit(indicator(speck, 64), 64, 64);
      assertFalse(result.found(), speck::toString);
      assertTrue(result.reason().contains("too small to be a spinal canal"), result.reason());
    }
    CanalBox smallest = new CanalBox(20, 30, 23, 33);
    assertEquals(smallest, IDENTITY.locateUnit(indicator(smallest, 64), 64, 64).box());
  }

  @Test
  void whereThePixelSpacingIsKnownABoxUnderSixMillimetresIsNoCanal() {
    // 20 x 30 pixels: 5 x 7.5 mm at 0.25 mm, 10 x 15 mm at 0.5 mm; the pixel floor passes both.
    CanalBox box = new CanalBox(100, 100, 119, 129);
    float[] unit = indicator(box, 256);
    CanalLocator.Result fine = IDENTITY.locate(new SlicePixels(unit, 256, 256, false, 0.25, 0.25));
    assertFalse(fine.found());
    assertEquals(
        "localizer box 5.0 x 7.5 mm is too small to be a spinal canal (needs 6 mm a side)",
        fine.reason());
    // Only the columns are fine: the box is 5 mm across and 15 mm deep.
    assertFalse(IDENTITY.locate(new SlicePixels(unit, 256, 256, false, 0.5, 0.25)).found());
    assertEquals(box, IDENTITY.locate(new SlicePixels(unit, 256, 256, false, 0.5, 0.5)).box());
    assertEquals(box, IDENTITY.locate(new SlicePixels(unit, 256, 256, false)).box());
    assertThrows(
        IllegalArgumentException.class, () -> new SlicePixels(unit, 256, 256, false, 0, 0.5));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SlicePixels(unit, 256, 256, false, Double.NaN, 0.5));
  }

  @Test
  void aNetReturningTheWrongNumberOfValuesIsAnError() {
    CanalLocator broken = new CanalLocator(SPEC, (views, n) -> new float[3]);
    assertThrows(IllegalStateException.class, () -> broken.locate(blank(64, 64)));
  }

  @Test
  void pixelBoxesRoundTheEdgesAndStayInsideTheSlice() {
    assertEquals(
        new CanalBox(10, 20, 29, 39),
        CanalLocator.toPixels(new Preprocessing.Box(10.4, 19.6, 30.49, 40.2), 100, 100));
    assertEquals(
        new CanalBox(0, 0, 99, 49),
        CanalLocator.toPixels(new Preprocessing.Box(-5, -3, 120, 50), 100, 50));
    assertNull(CanalLocator.toPixels(new Preprocessing.Box(100.6, 10, 120, 20), 100, 100));
  }

  @Test
  void iouCountsInclusivePixels() {
    CanalBox a = new CanalBox(0, 0, 9, 9);
    assertEquals(1.0, a.iou(a));
    assertEquals(50.0 / 150.0, a.iou(new CanalBox(5, 0, 14, 9)), 1e-12);
    assertEquals(0.0, a.iou(new CanalBox(10, 10, 12, 12)));
  }

  private static final CanalLocator IDENTITY =
      new CanalLocator(SPEC, (views, count) -> views.clone());

  private static float[] indicator(CanalBox box, int size) {
    float[] out = new float[size * size];
    for (int y = box.y0(); y <= box.y1(); y++) {
      for (int x = box.x0(); x <= box.x1(); x++) {
        out[y * size + x] = 1;
      }
    }
    return out;
  }

  private static SlicePixels blank(int w, int h) {
    return new SlicePixels(new float[w * h], w, h, false);
  }

  private static float[] ramp(int w, int h) {
    float[] out = new float[w * h];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) i / out.length;
    }
    return out;
  }
}
