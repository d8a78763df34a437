package io.cordwatch.infer;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * The series baseline discount, as bundle.json's {@code head.series_baseline} records it
 * (docs/grading.md, "The series baseline discount"). Anatomy or an acquisition the model was not
 * trained on raises P(high) on every slice of a series, normal ones included, while a lesion raises
 * it on a few. The lower {@link #quantile} of a series' logit P(high) is its normal level; where it
 * lies above {@link #referenceLogit} (the same level's upper reference limit over validation
 * series), the difference is taken off every slice's logit before the triage threshold and the
 * confident band are applied. The rule-out threshold reads the undiscounted P(high), so the
 * discount can move a series from {@code high} to {@code indeterminate}, never to {@code low}.
 *
 * @param quantile the share of a series' graded slices below its normal level ({@code quantile}, in
 *     (0, 0.5])
 * @param minSlices the fewest graded slices a series needs to be discounted at all ({@code
 *     min_slices}, at least 5): a short series is often all lesion
 * @param referenceLogit the normal level no series is discounted below ({@code reference_logit}):
 *     chosen on validation series ({@code cordwatch bundle set-baseline})
 */
public record SeriesBaseline(
    @JsonProperty(value = QUANTILE, required = true) double quantile,
    @JsonProperty(value = MIN_SLICES, required = true) int minSlices,
    @JsonProperty(value = REFERENCE_LOGIT, required = true) double referenceLogit) {

  static final String QUANTILE = "quantile";
  static final String MIN_SLICES = "min_slices";
  static final String REFERENCE_LOGIT = "reference_logit";

  /** P(high) is clipped to [EPS, 1 - EPS] before its logit is taken (a float softmax reaches 0). */
  static final double EPS = 1e-7;

  /**
   * @throws IllegalArgumentException naming the key that is out of range
   */
  public SeriesBaseline {
    if (!(quantile > 0 && quantile <= 0.5)) {
      throw new IllegalArgumentException(QUANTILE + " must be in (0, 0.5], got " + quantile);
    }
    if (minSlices < 5 || minSlices > 10_000) {
      throw new IllegalArgumentException(MIN_SLICES + " must be 5..10000, got " + minSlices);
    }
    if (!(Math.abs(referenceLogit) <= logit(1 - EPS))) {
      throw new IllegalArgumentException(
          REFERENCE_LOGIT + " must be a logit in [-16.1, 16.1], got " + referenceLogit);
    }
  }

  /**
   * A series' normal level: the {@link #quantile} of the logits of its slices' P(high) (linear
   * between order statistics, as numpy's default), or NaN with fewer than {@link #minSlices}.
   */
  public double level(double[] pHigh) {
    if (pHigh.length < minSlices) {
      return Double.NaN;
    }
    double[] l = new double[pHigh.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = logit(pHigh[i]);
    }
    Arrays.sort(l);
    return quantile(l, quantile);
  }

  /**
   * The {@code q} quantile of sorted values, linear between order statistics (numpy's default, so
   * that figures computed beside the appliance agree with it).
   */
  public static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** The discount, in logits, of a series with these P(high): 0 unless its level is above. */
  public double discount(double[] pHigh) {
    double level = level(pHigh);
    return Double.isNaN(level) ? 0 : Math.max(0, level - referenceLogit);
  }

  /** The logit of p, p clipped to [EPS, 1 - EPS]. */
  public static double logit(double p) {
    double q = Math.min(Math.max(p, EPS), 1 - EPS);
    return Math.log(q / (1 - q));
  }

  /** The probability whose logit is {@code logit(p) + d}: a threshold raised by a discount d. */
  public static double raise(double p, double d) {
    return probability(logit(p) + d);
  }

  /** The probability with this logit (the inverse of {@link #logit}, short of its clipping). */
  public static double probability(double logit) {
    return 1 / (1 + Math.exp(-logit));
  }
}
