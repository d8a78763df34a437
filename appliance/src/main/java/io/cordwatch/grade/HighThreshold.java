package io.cordwatch.grade;

import java.util.Arrays;
import java.util.Optional;

/**
 * Chooses the bundle's {@code high_threshold} on validation slices: the largest threshold t whose
 * slice-level sensitivity (share of truly high-grade slices with {@code P(high) >= t}) is at least
 * the target. The largest such t is the most specific one that keeps the promised sensitivity.
 *
 * <p>With P positive slices and target s, at least {@code ceil(s * P)} of them must be at or above
 * t, so t is the {@code ceil(s * P)}-th largest positive P(high). The appliance reads thresholds in
 * the open interval (0, 1), so a choice of exactly 0 or 1 is moved just inside it.
 */
public final class HighThreshold {
  private HighThreshold() {}

  /**
   * A chosen threshold and how both decisions did on the validation slices.
   *
   * @param threshold in (0, 1)
   * @param sensitivity of {@code P(high) >= threshold} on the validation slices
   * @param specificity of the same; NaN without low-grade slices
   * @param positives high-grade validation slices
   * @param negatives low-grade validation slices
   */
  public record Choice(
      double threshold, double sensitivity, double specificity, int positives, int negatives) {
    /**
     * Whether the threshold keeps the sensitivity it was chosen for. It does unless the rule had to
     * move a choice of 0 inside (0, 1): when more than {@code 1 - target} of the high-grade slices
     * have P(high) exactly 0 (a collapsed model: a diverged run gave 0.17 for a target of 0.90), no
     * threshold the appliance can read reaches the target.
     */
    public boolean reaches(double target) {
      return sensitivity >= target - 1e-9;
    }
  }

  /**
   * @param pHigh each validation slice's P(high)
   * @param high whether each slice is truly high grade
   * @param target the sensitivity to reach, in (0, 1]
   * @return empty when there is no high-grade slice to choose on
   */
  public static Optional<Choice> choose(double[] pHigh, boolean[] high, double target) {
    if (!(target > 0 && target <= 1)) {
      throw new IllegalArgumentException("target sensitivity must be in (0, 1], got " + target);
    }
    if (pHigh.length != high.length) {
      throw new IllegalArgumentException(pHigh.length + " scores for " + high.length + " labels");
    }
    double[] positives =
        java.util.stream.IntStream.range(0, pHigh.length)
            .filter(i -> high[i])
            .mapToDouble(i -> pHigh[i])
            .toArray();
    if (positives.length == 0) {
      return Optional.empty();
    }
    return Optional.of(evaluate(pHigh, high, threshold(positives, target)));
  }

  /**
   * The rule alone: the largest threshold in (0, 1) that at least {@code target} of the high-grade
   * slices' P(high) reach (the site's operating point uses it too).
   *
   * @param positives P(high) of the high-grade slices, at least one
   * @param target the sensitivity to reach, in (0, 1]
   */
  public static double threshold(double[] positives, double target) {
    if (positives.length == 0) {
      throw new IllegalArgumentException("no high-grade slices to choose a threshold on");
    }
    double[] sorted = positives.clone();
    Arrays.sort(sorted);
    // A small epsilon keeps 0.95 * 20 = 19.000000000000004 from asking for 20 slices.
    int needed = (int) Math.ceil(target * sorted.length - 1e-9);
    double t = sorted[sorted.length - Math.max(1, needed)];
    return Math.min(Math.max(t, Double.MIN_NORMAL), Math.nextDown(1.0));
  }

  /** Sensitivity and specificity of {@code P(high) >= threshold}. */
  public static Choice evaluate(double[] pHigh, boolean[] high, double threshold) {
    int tp = 0;
    int fn = 0;
    int tn = 0;
    int fp = 0;
    for (int i = 0; i < pHigh.length; i++) {
      boolean called = pHigh[i] >= threshold;
      if (high[i]) {
        tp += called ? 1 : 0;
        fn += called ? 0 : 1;
      } else {
        fp += called ? 1 : 0;
        tn += called ? 0 : 1;
      }
    }
    return new Choice(
        threshold,
        tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn),
        tn + fp == 0 ? Double.NaN : (double) tn / (tn + fp),
        tp + fn,
        tn + fp);
  }
}
