package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cordwatch.infer.Preprocessing.Box;
import io.cordwatch.infer.Preprocessing.PixelEncoding;
import io.cordwatch.infer.Preprocessing.Window;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
  /** 0, 1, ..., 15 row by row: the value at (row i, column j) is 4i + j. */
  private static float[] ramp4x4() {
    float[] v = new float[16];
    for (int k = 0; k < 16; k++) {
      v[k] = k;
    }
    return v;
  }

  @Test
  void downscalingWholeImageByTwoAveragesEachTwoByTwoBlockLikeTorch() {
    float[] out = Preprocessing.cropResize(ramp4x4(), 4, 4, Box.of(4, 4), 0, 2);
    // torch.nn.functional.interpolate(x, size=(2, 2), mode="bilinear", align_corners=False)
    assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, out, 0f);
  }

  @Test
  void upscalingWholeImageByTwoSamplesQuarterPixelsAndClampsAtTheEdges() {
    float[] out = Preprocessing.cropResize(ramp4x4(), 4, 4, Box.of(4, 4), 0, 8);
    // Source columns -0.25 (clamped to 0), 0.25, 0.75, ..., 3.25 (clamped to 3); rows the same.
    float[] row0 = {0, 0.25f, 0.75f, 1.25f, 1.75f, 2.25f, 2.75f, 3};
    float[] row1 = {1, 1.25f, 1.75f, 2.25f, 2.75f, 3.25f, 3.75f, 4};
    float[] row7 = {12, 12.25f, 12.75f, 13.25f, 13.75f, 14.25f, 14.75f, 15};
    assertArrayEquals(row0, java.util.Arrays.copyOfRange(out, 0, 8), 1e-6f);
    assertArrayEquals(row1, java.util.Arrays.copyOfRange(out, 8, 16), 1e-6f);
    assertArrayEquals(row7, java.util.Arrays.copyOfRange(out, 56, 64), 1e-6f);
  }

  @Test
  void boxAtTheCornerGrowsPastTheImageAndSamplesOutsideTakeTheEdgePixel() {
    // Box [2,4) x [2,4) with margin 0.5 becomes [1,5) x [1,5): sample centres 2 and 4 in pixel
    // units, i.e. indices 1.5 and 3.5, the latter clamped to 3.
    float[] out = Preprocessing.cropResize(ramp4x4(), 4, 4, new Box(2, 2, 4, 4), 0.5, 2);
    assertArrayEquals(new float[] {7.5f, 9f, 13.5f, 15f}, out, 1e-6f);
  }

  @Test
  void marginIsAFractionOfEachSideOfTheBox() {
    // A 1-pixel box around pixel (1, 2) with margin 1 covers [1,4) x [0,3): 3 x 3 pixels; at S=3
    // each output pixel is exactly one source pixel.
    float[] out = Preprocessing.cropResize(ramp4x4(), 4, 4, new Box(2, 1, 3, 2), 1, 3);
    assertArrayEquals(new float[] {1, 2, 3, 5, 6, 7, 9, 10, 11}, out, 1e-6f);
  }

  @Test
  void boxEntirelyOutsideTheImageIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Preprocessing.cropResize(ramp4x4(), 4, 4, new Box(5, 5, 6, 6), 0, 2));
  }

  @Test
  void storedValuesKeepBitsStoredAndSignExtendWhenSigned() {
    // 12 bits stored in 16 allocated; 0xF000 garbage above the stored bits must be ignored.
    short[] stored = {(short) 0xF001, (short) 0x0FFF, (short) 0x0800};
    assertArrayEquals(
        new float[] {1, 4095, 2048},
        Preprocessing.modalityValues(stored, new PixelEncoding(16, 12, false, 1, 0, false)),
        0f);
    assertArrayEquals(
        new float[] {1, -1, -2048},
        Preprocessing.modalityValues(stored, new PixelEncoding(16, 12, true, 1, 0, false)),
        0f);
  }

  @Test
  void rescaleSlopeAndInterceptApplyAfterSignExtension() {
    short[] stored = {(short) 0xFFFE, 10};
    assertArrayEquals(
        new float[] {-1024 + 2 * -2, -1024 + 2 * 10},
        Preprocessing.modalityValues(stored, new PixelEncoding(16, 16, true, 2, -1024, false)),
        0f);
  }

  @Test
  void eightBitSamplesReadUnsigned() {
    short[] stored = {(short) 0xFF, 0x80};
    assertArrayEquals(
        new float[] {255, 128},
        Preprocessing.modalityValues(stored, new PixelEncoding(8, 8, false, 1, 0, false)),
        0f);
  }

  @Test
  void percentileInterpolatesLinearlyBetweenOrderStatisticsLikeNumpy() {
    float[] sorted = {0, 10, 20, 30, 40};
    assertEquals(0.0, Preprocessing.percentile(sorted, 0), 0);
    assertEquals(40.0, Preprocessing.percentile(sorted, 100), 0);
    // numpy.percentile([0,10,20,30,40], 0.5) == 0.2 and 99.5 -> 39.8
    assertEquals(0.2, Preprocessing.percentile(sorted, 0.5), 1e-12);
    assertEquals(39.8, Preprocessing.percentile(sorted, 99.5), 1e-12);
  }

  @Test
  void windowIsTakenOverTheWholeSeriesNotPerSlice() {
    Window w =
        Preprocessing.window(List.of(new float[] {0, 10}, new float[] {20, 30, 40}), 0.5, 99.5);
    assertEquals(new Window(0.2, 39.8), new Window(w.low(), Math.round(w.high() * 1e9) / 1e9));
  }

  @Test
  void windowFromStoredValuesEqualsTheSortedReferenceExactly() {
    java.util.Random r = new java.util.Random(42);
    List<PixelEncoding> encodings =
        List.of(
            PixelEncoding.unsigned16(),
            new PixelEncoding(16, 12, false, 1, 0, false),
            new PixelEncoding(16, 12, true, 0.37, -1024, false),
            new PixelEncoding(16, 16, true, 2.5, 7, false),
            new PixelEncoding(8, 8, false, 1, 0, false),
            new PixelEncoding(16, 12, false, -1, 100, false));
    for (PixelEncoding enc : encodings) {
      for (int trial = 0; trial < 20; trial++) {
        List<short[]> slices = new java.util.ArrayList<>();
        int count = 1 + r.nextInt(4);
        for (int k = 0; k < count; k++) {
          short[] s = new short[1 + r.nextInt(500)];
          int spread = 1 + r.nextInt(1 << enc.bitsStored());
          for (int i = 0; i < s.length; i++) {
            s[i] = (short) r.nextInt(spread);
          }
          slices.add(s);
        }
        for (double[] p : new double[][] {{0.5, 99.5}, {0, 100}, {13.7, 50}, {1, 2}}) {
          Window expected =
              Preprocessing.window(
                  slices.stream().map(s -> Preprocessing.modalityValues(s, enc)).toList(),
                  p[0],
                  p[1]);
          assertEquals(expected, Preprocessing.windowOfStored(slices, enc, p[0], p[1]), enc + "");
        }
      }
    }
  }

  @Test
  void unitRangeClipsOutsideTheWindow() {
    float[] out =
        Preprocessing.toUnit(new float[] {-5, 0, 25, 100, 200}, new Window(0, 100), false);
    assertArrayEquals(new float[] {0, 0, 0.25f, 1, 1}, out, 0f);
  }

  @Test
  void monochromeOneIsInvertedAfterWindowing() {
    float[] out = Preprocessing.toUnit(new float[] {-5, 0, 25, 100, 200}, new Window(0, 100), true);
    assertArrayEquals(new float[] {1, 1, 0.75f, 0, 0}, out, 0f);
  }

  @Test
  void constantImageMapsToZeroAndNormalisesToMinusMeanOverStd() {
    PreprocessingSpec spec = new PreprocessingSpec(8, 0.5, 99.5, 0, "bilinear", 0.1937, 0.1420);
    Preprocessing p = new Preprocessing(spec, 3);
    float[] flat = new float[16];
    java.util.Arrays.fill(flat, 700);
    Window w = p.window(List.of(flat));
    FloatBuffer out = FloatBuffer.allocate(p.itemSize());

    p.slice(flat, 4, 4, w, false, Box.of(4, 4), out);

    float expected = (float) ((0 - 0.1937) / 0.1420);
    for (int k = 0; k < p.itemSize(); k++) {
      assertEquals(expected, out.get(k), 0f);
    }
    assertEquals(-1.3640845f, expected, 1e-6f);
  }

  @Test
  void wholeChainOnMonochromeOneSignedRescaledSliceGivesPinnedTensor() {
    // 2x2 signed 16-bit MONOCHROME1 slice, slope 2 intercept 10: modality values 8, 10, 12, 14.
    PixelEncoding enc = new PixelEncoding(16, 16, true, 2, 10, true);
    float[] v = Preprocessing.modalityValues(new short[] {-1, 0, 1, 2}, enc);
    assertArrayEquals(new float[] {8, 10, 12, 14}, v, 0f);
    PreprocessingSpec spec = new PreprocessingSpec(8, 0, 100, 0, "bilinear", 0.5, 0.25);
    Preprocessing p = new Preprocessing(spec, 3);
    Window w = p.window(List.of(v));
    assertEquals(new Window(8, 14), w);
    FloatBuffer out = FloatBuffer.allocate(p.itemSize());

    p.slice(v, 2, 2, w, enc.monochrome1(), Box.of(2, 2), out);

    // Unit values after inversion: 1, 2/3, 1/3, 0. Output (row 0, col 0) samples index (-0.375,
    // -0.375), clamped to pixel (0,0): (1 - 0.5) / 0.25 = 2. Bottom-right: (0 - 0.5) / 0.25 = -2.
    assertEquals(2f, out.get(0), 1e-6f);
    assertEquals(-2f, out.get(63), 1e-6f);
    // Row 0, column 3 samples x index 0.375: 1 + 0.375 * (2/3 - 1) = 0.875 -> 1.5.
    assertEquals(1.5f, out.get(3), 1e-6f);
    // The three channels are the same plane.
    for (int k = 0; k < 64; k++) {
      assertEquals(out.get(k), out.get(64 + k), 0f);
      assertEquals(out.get(k), out.get(128 + k), 0f);
    }
  }

  @Test
  void sliceFromStoredSamplesThroughTheUnitTableEqualsTheReferenceBitForBit() {
    java.util.Random r = new java.util.Random(7);
    List<PixelEncoding> encodings =
        List.of(
            PixelEncoding.unsigned16(),
            new PixelEncoding(16, 12, false, 1, 0, true),
            new PixelEncoding(16, 12, true, 0.37, -1024, false),
            new PixelEncoding(16, 16, true, 2.5, 7, true),
            new PixelEncoding(8, 8, false, 1, 0, false),
            new PixelEncoding(16, 12, false, -1, 100, false));
    for (PixelEncoding enc : encodings) {
      for (int trial = 0; trial < 25; trial++) {
        int width = 1 + r.nextInt(40);
        int height = 1 + r.nextInt(40);
        short[] stored = new short[width * height];
        // Sometimes a constant slice: an empty window, where every unit value is 0.
        int spread = trial % 8 == 0 ? 1 : 1 + r.nextInt(1 << enc.bitsStored());
        for (int i = 0; i < stored.length; i++) {
          stored[i] = (short) r.nextInt(spread);
        }
        float[] values = Preprocessing.modalityValues(stored, enc);
        Window w =
            trial % 5 == 0
                ? new Window(values[0], values[0] + r.nextDouble() * 50)
                : Preprocessing.window(List.of(values), 0.5, 99.5);
        double x0 = r.nextDouble() * width - 2;
        double y0 = r.nextDouble() * height - 2;
        Box box =
            new Box(
                Math.min(x0, width - 0.5),
                Math.min(y0, height - 0.5),
                Math.max(x0, 0) + 0.5 + r.nextDouble() * width,
                Math.max(y0, 0) + 0.5 + r.nextDouble() * height);
        int size = 8 + r.nextInt(24);
        PreprocessingSpec spec =
            new PreprocessingSpec(size, 0.5, 99.5, r.nextDouble() * 0.3, "bilinear", 0.2, 0.15);
        Preprocessing p = new Preprocessing(spec, 3);
        FloatBuffer reference = FloatBuffer.allocate(p.itemSize());
        FloatBuffer fast = FloatBuffer.allocate(p.itemSize());

        p.slice(values, width, height, w, enc.monochrome1(), box, reference);
        p.sliceStored(stored, Preprocessing.unitTable(enc, w), width, height, box, fast);

        for (int k = 0; k < p.itemSize(); k++) {
          assertEquals(
              Float.floatToRawIntBits(reference.get(k)),
              Float.floatToRawIntBits(fast.get(k)),
              enc + " trial " + trial + " at " + k);
        }
      }
    }
  }

  @Test
  void sliceFromStoredSamplesRefusesABoxOutsideTheImageWithTheReferenceMessage() {
    PreprocessingSpec spec = new PreprocessingSpec(8, 0.5, 99.5, 0, "bilinear", 0.2, 0.15);
    Preprocessing p = new Preprocessing(spec, 1);
    Box outside = new Box(5, 0, 7, 2);
    Window w = new Window(0, 10);
    IllegalArgumentException reference =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.slice(new float[16], 4, 4, w, false, outside, FloatBuffer.allocate(64)));
    IllegalArgumentException fast =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                p.sliceStored(
                    new short[16],
                    Preprocessing.unitTable(PixelEncoding.unsigned16(), w),
                    4,
                    4,
                    outside,
                    FloatBuffer.allocate(64)));
    assertEquals(reference.getMessage(), fast.getMessage());
  }

  @Test
  void specOutOfRangeNamesTheBundleKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PreprocessingSpec(224, 0.5, 99.5, 0.1, "bilinear", 0.19, 0));
    assertEquals("std must be a finite number > 0, got 0.0", e.getMessage());
  }
}
