package io.cordwatch.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cordwatch.infer.Preprocessing;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * cw_histogram_clear / accumulate / window (host build) against {@link
 * Preprocessing#windowOfStored} and a plainly counted histogram. Tolerance: none — counts are
 * integers and the window is the same double arithmetic on the same order statistics, so both must
 * be equal exactly.
 */
class HistogramKernelTest {

  static List<SampleEncoding> encodings() {
    return List.of(
        new SampleEncoding(12, false, 1, 0, false),
        new SampleEncoding(16, false, 1, 0, false),
        new SampleEncoding(12, true, 0.5, 10, false),
        new SampleEncoding(16, true, 1, -1024, false),
        new SampleEncoding(13, false, 1.75, 0, false),
        new SampleEncoding(14, false, 1, 0, false),
        new SampleEncoding(1, false, 1, 0, false));
  }

  @ParameterizedTest
  @MethodSource("encodings")
  void countsAndWindowEqualTheReference(SampleEncoding enc) {
    SplittableRandom r = new SplittableRandom(enc.hashCode());
    List<short[]> slices = KernelReference.slices(r, 5, 37, 29, enc);
    long[] expected = KernelReference.counts(slices, enc);
    assertArrayEquals(expected, HostRun.histogram(slices, enc, 1));
    assertArrayEquals(expected, HostRun.histogram(slices, enc, 3), "accumulated in three batches");

    Preprocessing.PixelEncoding pe =
        new Preprocessing.PixelEncoding(
            16, enc.bitsStored(), enc.signed(), enc.slope(), enc.intercept(), false);
    double[][] percentiles = {{0.5, 99.5}, {0, 100}, {50, 50}, {2.5, 97.25}, {99.99, 100}};
    for (double[] p : percentiles) {
      Preprocessing.Window ref = Preprocessing.windowOfStored(slices, pe, p[0], p[1]);
      double[] got = HostRun.window(expected, enc, p[0], p[1]);
      assertEquals(ref.low(), got[0], 0.0, enc + " low " + p[0]);
      assertEquals(ref.high(), got[1], 0.0, enc + " high " + p[1]);
    }
  }

  @ParameterizedTest
  @MethodSource("encodings")
  void aSinglePixelIsItsOwnWindow(SampleEncoding enc) {
    List<short[]> one = List.of(new short[] {(short) 1});
    long[] counts = HostRun.histogram(one, enc, 1);
    double[] got = HostRun.window(counts, enc, 0.5, 99.5);
    Preprocessing.Window ref =
        Preprocessing.windowOfStored(
            one,
            new Preprocessing.PixelEncoding(
                16, enc.bitsStored(), enc.signed(), enc.slope(), enc.intercept(), false),
            0.5,
            99.5);
    assertEquals(ref.low(), got[0], 0.0);
    assertEquals(ref.high(), got[1], 0.0);
  }
}
