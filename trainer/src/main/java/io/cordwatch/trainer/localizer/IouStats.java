package io.cordwatch.trainer.localizer;

import java.util.Arrays;
import java.util.Locale;

/**
 * How well located boxes match the labels on a set of slices: the IoU distribution, with a slice
 * where the localizer found nothing counted as IoU 0 (for the grader it is a lost slice).
 *
 * @param slices number of slices scored
 * @param missed slices with no box
 * @param min lowest IoU
 * @param p01 1st percentile (linear interpolation, numpy's default)
 * @param median median IoU
 * @param mean mean IoU
 * @param shareAtLeast share of slices with IoU at or above {@link #TARGET}
 */
public record IouStats(
    int slices,
    int missed,
    double min,
    double p01,
    double median,
    double mean,
    double shareAtLeast) {

  /** The IoU a located box must reach (issue 5). */
  public static final double TARGET = 0.8;

  /**
   * Summarises per-slice IoUs (0 for a slice without a box).
   *
   * @param missed how many of them had no box
   */
  public static IouStats of(double[] ious, int missed) {
    if (ious.length == 0) {
      throw new IllegalArgumentException("no slices to summarise");
    }
    double[] s = ious.clone();
    Arrays.sort(s);
    int hits = 0;
    double sum = 0;
    for (double v : s) {
      sum += v;
      if (v >= TARGET) {
        hits++;
      }
    }
    return new IouStats(
        s.length,
        missed,
        s[0],
        percentile(s, 1),
        percentile(s, 50),
        sum / s.length,
        (double) hits / s.length);
  }

  private static double percentile(double[] sorted, double percent) {
    double r = percent / 100 * (sorted.length - 1);
    int i = (int) Math.floor(r);
    int next = Math.min(i + 1, sorted.length - 1);
    return sorted[i] + (r - i) * (sorted[next] - sorted[i]);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%d slices: IoU >= %.1f on %.2f%%, min %.3f, 1st pct %.3f, median %.3f, mean %.3f,"
            + " %d without a box",
        slices,
        TARGET,
        100 * shareAtLeast,
        min,
        p01,
        median,
        mean,
        missed);
  }
}
