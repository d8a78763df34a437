package io.cordwatch.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cordwatch.gpu.KernelReference.PreprocessCase;
import io.cordwatch.infer.Preprocessing;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * cw_preprocess_run (host build, the arithmetic the CUDA kernel shares) against {@link
 * Preprocessing}. Tolerance: 1e-6 on unit-range values (docs/model-bundle.md), which after
 * normalisation is {@code 1e-6 / std + 1e-6 |ref|} on fp32; fp16 must be within one binary16 step
 * of the reference.
 */
class PreprocessKernelTest {
  private static final InputSpec RGB224 = new InputSpec(224, 3, 0.1, 0.1937, 0.1420);

  static List<PreprocessCase> cases() {
    SplittableRandom r = new SplittableRandom(20260601);
    List<PreprocessCase> cases = new ArrayList<>();
    SampleEncoding u16 = new SampleEncoding(16, false, 1, 0, false);
    SampleEncoding u12 = new SampleEncoding(12, false, 1, 0, false);
    SampleEncoding s12 = new SampleEncoding(12, true, 2.5, -1024, false);
    SampleEncoding u12mono1 = new SampleEncoding(12, false, 1, 0, true);
    SampleEncoding u8 = new SampleEncoding(8, false, 1, 0, false);
    SampleEncoding fractional = new SampleEncoding(10, false, 0.37, 12.25, false);

    cases.add(make("canal boxes, 16-bit, RGB 224", r, 3, 64, 48, u16, RGB224, null));
    cases.add(make("canal boxes, 12-bit with garbage high bits", r, 4, 80, 96, u12, RGB224, null));
    cases.add(
        make(
            "signed 12-bit, slope 2.5, intercept -1024, 1 channel, odd size",
            r,
            2,
            45,
            37,
            s12,
            new InputSpec(17, 1, 0, 0.5, 0.25),
            null));
    cases.add(make("MONOCHROME1", r, 2, 64, 64, u12mono1, RGB224, null));
    cases.add(
        make(
            "8-bit samples widened to 16", r, 2, 40, 30, u8, new InputSpec(8, 3, 0.2, 0, 1), null));
    cases.add(
        make(
            "fractional slope and intercept",
            r,
            2,
            50,
            50,
            fractional,
            new InputSpec(31, 1, 0.1, 0.3, 0.2),
            null));
    cases.add(
        make(
            "whole image 320x320 downscaled to 224, margin 0",
            r,
            2,
            320,
            320,
            u12,
            new InputSpec(224, 3, 0, 0.1937, 0.1420),
            KernelReference.sameBoxes(2, 0, 0, 320, 320)));
    cases.add(
        make(
            "box at the top-left edge",
            r,
            2,
            60,
            40,
            u12,
            RGB224,
            KernelReference.sameBoxes(2, 0, 0, 12, 9)));
    cases.add(
        make(
            "box at the bottom-right edge",
            r,
            2,
            60,
            40,
            u12,
            RGB224,
            KernelReference.sameBoxes(2, 50, 33, 60, 40)));
    cases.add(
        make(
            "box partly outside the image, margin 2",
            r,
            2,
            60,
            40,
            u12,
            new InputSpec(64, 3, 2, 0.1937, 0.1420),
            KernelReference.sameBoxes(2, -5, -3, 8, 6)));
    cases.add(
        make(
            "one-pixel box upsampled to 224",
            r,
            1,
            30,
            30,
            u12,
            new InputSpec(224, 1, 0, 0.1937, 0.1420),
            KernelReference.sameBoxes(1, 14, 9, 15, 10)));
    cases.add(
        make(
            "fractional box",
            r,
            2,
            64,
            64,
            u16,
            RGB224,
            KernelReference.sameBoxes(2, 10.25, 7.5, 31.75, 29.125)));
    cases.add(
        make(
            "one-pixel image",
            r,
            1,
            1,
            1,
            u12,
            new InputSpec(8, 3, 0.1, 0.1937, 0.1420),
            KernelReference.sameBoxes(1, 0, 0, 1, 1)));
    cases.add(
        make(
            "70 slices: two launch chunks",
            r,
            70,
            16,
            12,
            u12,
            new InputSpec(8, 3, 0.1, 0, 1),
            null));

    // A window narrower than the data (values clip at 0 and 1) and a constant series (high <= low).
    List<short[]> s = KernelReference.slices(r, 2, 48, 48, u12);
    cases.add(
        new PreprocessCase(
            "narrow window, clipping",
            s,
            48,
            48,
            u12,
            new Preprocessing.Window(1500.5, 1700.25),
            KernelReference.canalBoxes(r, 2, 48, 48),
            RGB224));
    cases.add(
        new PreprocessCase(
            "constant series (high <= low)",
            s,
            48,
            48,
            u12,
            new Preprocessing.Window(900, 900),
            KernelReference.canalBoxes(r, 2, 48, 48),
            RGB224));
    return cases;
  }

  private static PreprocessCase make(
      String name,
      SplittableRandom r,
      int n,
      int w,
      int h,
      SampleEncoding enc,
      InputSpec spec,
      double[] boxes) {
    List<short[]> slices = KernelReference.slices(r, n, w, h, enc);
    return new PreprocessCase(
        name,
        slices,
        w,
        h,
        enc,
        KernelReference.window(slices, enc),
        boxes != null ? boxes : KernelReference.canalBoxes(r, n, w, h),
        spec);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostBuildMatchesTheJavaReference(PreprocessCase c) {
    float[] ref = c.reference();
    HostRun.Preprocessed got = HostRun.preprocess(c);
    assertEquals(ref.length, got.f32().length);
    double worst32 = 0;
    double worst16 = 0;
    for (int i = 0; i < ref.length; i++) {
      double d32 = Math.abs(got.f32()[i] - ref[i]);
      if (!(d32 <= c.tolerance(ref[i]))) {
        fail(c + ": fp32 value " + i + " is " + got.f32()[i] + ", reference " + ref[i]);
      }
      double d16 = Math.abs(Float.float16ToFloat(got.f16()[i]) - ref[i]);
      if (!(d16 <= KernelReference.halfUlp(ref[i]) + c.tolerance(ref[i]))) {
        fail(
            c
                + ": fp16 value "
                + i
                + " is "
                + Float.float16ToFloat(got.f16()[i])
                + ", reference "
                + ref[i]);
      }
      worst32 = Math.max(worst32, d32);
      worst16 = Math.max(worst16, d16);
    }
    // Measured differences, for the record (target/surefire-reports/*-output.txt).
    System.out.printf(
        "preprocess %s: max |fp32 - ref| = %.3g, max |fp16 - ref| = %.3g%n", c, worst32, worst16);
  }

  @Test
  void fp16IsTheFp32ResultRoundedToNearestEven() {
    PreprocessCase c = cases().getFirst();
    HostRun.Preprocessed got = HostRun.preprocess(c);
    for (int i = 0; i < got.f32().length; i++) {
      assertEquals(Float.floatToFloat16(got.f32()[i]), got.f16()[i], "value " + i);
    }
  }

  @Test
  void everyChannelHoldsTheSamePlane() {
    PreprocessCase c = cases().getFirst();
    float[] f = HostRun.preprocess(c).f32();
    int plane = c.spec().size() * c.spec().size();
    for (int s = 0; s < c.n(); s++) {
      for (int i = 0; i < plane; i++) {
        float v = f[s * 3 * plane + i];
        assertEquals(v, f[s * 3 * plane + plane + i]);
        assertEquals(v, f[s * 3 * plane + 2 * plane + i]);
      }
    }
  }

  @Test
  void monochrome1IsTheInverseOfMonochrome2() {
    SplittableRandom r = new SplittableRandom(7);
    SampleEncoding m2 = new SampleEncoding(12, false, 1, 0, false);
    SampleEncoding m1 = new SampleEncoding(12, false, 1, 0, true);
    List<short[]> slices = KernelReference.slices(r, 1, 40, 40, m2);
    double[] boxes = KernelReference.sameBoxes(1, 5, 5, 30, 30);
    Preprocessing.Window w = KernelReference.window(slices, m2);
    InputSpec unit = new InputSpec(16, 1, 0, 0, 1);
    float[] a =
        HostRun.preprocess(new PreprocessCase("m2", slices, 40, 40, m2, w, boxes, unit)).f32();
    float[] b =
        HostRun.preprocess(new PreprocessCase("m1", slices, 40, 40, m1, w, boxes, unit)).f32();
    for (int i = 0; i < a.length; i++) {
      assertEquals(1.0, a[i] + b[i], 1e-6, "value " + i);
      assertTrue(a[i] >= 0 && a[i] <= 1);
    }
  }
}
