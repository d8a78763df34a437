package io.cordwatch.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Reliability (calibration) bins: predicted probability of an event against how often it happened.
 * Equal-width bins on [0, 1], the form of a reliability diagram (DeGroot and Fienberg 1983); a
 * well-calibrated model's points lie on the diagonal. Empty bins are left out rather than drawn at
 * an invented frequency.
 */
public final class Reliability {
  private Reliability() {}

  /**
   * One bin.
   *
   * @param lower lower edge (inclusive)
   * @param upper upper edge (exclusive, except the last bin which includes 1)
   * @param count predictions in the bin
   * @param meanPredicted mean predicted probability in the bin
   * @param observed fraction of the bin's predictions whose event happened
   */
  public record Bin(double lower, double upper, int count, double meanPredicted, double observed) {}

  /** The non-empty bins of {@code predicted} against {@code happened}, in {@code bins} bins. */
  public static List<Bin> bins(double[] predicted, boolean[] happened, int bins) {
    if (predicted.length != happened.length) {
      throw new IllegalArgumentException(
          predicted.length + " predictions but " + happened.length + " outcomes");
    }
    if (bins < 1) {
      throw new IllegalArgumentException("need at least one bin, got " + bins);
    }
    int[] count = new int[bins];
    double[] sum = new double[bins];
    int[] events = new int[bins];
    for (int i = 0; i < predicted.length; i++) {
      double p = predicted[i];
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probability " + p + " is outside [0, 1]");
      }
      int b = Math.min(bins - 1, (int) (p * bins));
      count[b]++;
      sum[b] += p;
      events[b] += happened[i] ? 1 : 0;
    }
    List<Bin> out = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      if (count[b] > 0) {
        out.add(
            new Bin(
                (double) b / bins,
                (double) (b + 1) / bins,
                count[b],
                sum[b] / count[b],
                (double) events[b] / count[b]));
      }
    }
    return out;
  }
}
