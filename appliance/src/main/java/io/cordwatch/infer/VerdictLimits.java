package io.cordwatch.infer;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * When a series verdict is {@code indeterminate} ("read manually") because too little of it was
 * seen with confidence. These are the only defaults of the rule (docs/grading.md, "Indeterminate");
 * a bundle may set its own in {@code head.max_uncertain_fraction} and {@code
 * head.max_no_roi_fraction}.
 *
 * @param maxUncertainFraction the most uncertain slices, as a share of graded slices, a series may
 *     have and still be called; in [0, 1]
 * @param maxNoRoiFraction the most slices without a canal box, as a share of all slices, a series
 *     may have and still be called; in [0, 1]
 * @param confidentHighThreshold the P(high) a high call needs to be confident ({@code
 *     head.confident_high_threshold}, chosen on validation for a stated precision); a high call
 *     below it is borderline and makes a series indeterminate, not high. 0: every high call is
 *     confident (bundles without the key)
 * @param ruleOutThreshold the P(high) below which a slice that is not called high rules high grade
 *     out ({@code head.rule_out_threshold}, chosen on validation series, docs/grading.md); a
 *     confident slice at or above it that is not called high is a possible high and makes a series
 *     without high calls indeterminate, not low. 0: every slice not called high rules it out
 *     (bundles without the key)
 * @param seriesBaseline the series baseline discount ({@code head.series_baseline}); null for none.
 *     In a verdict's limits the confident band is then the one its series was judged by, raised by
 *     the series' discount ({@code io.cordwatch.grade.BaselineDiscount})
 */
public record VerdictLimits(
    double maxUncertainFraction,
    double maxNoRoiFraction,
    double confidentHighThreshold,
    double ruleOutThreshold,
    @JsonInclude(JsonInclude.Include.NON_NULL) SeriesBaseline seriesBaseline) {
  public static final double DEFAULT_MAX_UNCERTAIN_FRACTION = 0.25;
  public static final double DEFAULT_MAX_NO_ROI_FRACTION = 0.5;
  public static final VerdictLimits DEFAULTS =
      new VerdictLimits(DEFAULT_MAX_UNCERTAIN_FRACTION, DEFAULT_MAX_NO_ROI_FRACTION);

  public VerdictLimits {
    check(BundleManifest.Head.MAX_UNCERTAIN_FRACTION, maxUncertainFraction);
    check(BundleManifest.Head.MAX_NO_ROI_FRACTION, maxNoRoiFraction);
    if (!(confidentHighThreshold >= 0 && confidentHighThreshold < 1)) {
      throw new IllegalArgumentException(
          BundleManifest.Head.CONFIDENT_HIGH_THRESHOLD
              + " must be in [0, 1), got "
              + confidentHighThreshold);
    }
    if (!(ruleOutThreshold >= 0 && ruleOutThreshold < 1)) {
      throw new IllegalArgumentException(
          BundleManifest.Head.RULE_OUT_THRESHOLD + " must be in [0, 1), got " + ruleOutThreshold);
    }
  }

  /** Limits without a series baseline discount. */
  public VerdictLimits(
      double maxUncertainFraction,
      double maxNoRoiFraction,
      double confidentHighThreshold,
      double ruleOutThreshold) {
    this(maxUncertainFraction, maxNoRoiFraction, confidentHighThreshold, ruleOutThreshold, null);
  }

  /** Limits without a rule-out threshold. */
  public VerdictLimits(
      double maxUncertainFraction, double maxNoRoiFraction, double confidentHighThreshold) {
    this(maxUncertainFraction, maxNoRoiFraction, confidentHighThreshold, 0);
  }

  /** Limits where every high call is confident. */
  public VerdictLimits(double maxUncertainFraction, double maxNoRoiFraction) {
    this(maxUncertainFraction, maxNoRoiFraction, 0);
  }

  /** These limits with the confident band starting at {@code threshold}. */
  public VerdictLimits withConfidentHighThreshold(double threshold) {
    return new VerdictLimits(
        maxUncertainFraction, maxNoRoiFraction, threshold, ruleOutThreshold, seriesBaseline);
  }

  /** These limits with the rule-out threshold {@code threshold} (0: none). */
  public VerdictLimits withRuleOutThreshold(double threshold) {
    return new VerdictLimits(
        maxUncertainFraction, maxNoRoiFraction, confidentHighThreshold, threshold, seriesBaseline);
  }

  /** These limits with the series baseline discount {@code baseline} (null: none). */
  public VerdictLimits withSeriesBaseline(SeriesBaseline baseline) {
    return new VerdictLimits(
        maxUncertainFraction, maxNoRoiFraction, confidentHighThreshold, ruleOutThreshold, baseline);
  }

  /**
   * Whether a confident slice that is not called high, with this P(high), still leaves high grade
   * possible: at or above the rule-out threshold (none: never; null P(high): not known, so no).
   */
  public boolean possibleHigh(Double pHigh) {
    return pHigh != null && possibleHigh(ruleOutThreshold, pHigh);
  }

  /**
   * Whether a confident slice not called high, with P(high) {@code pHigh}, reaches a rule-out
   * threshold {@code threshold} (0: none, never; NaN P(high): not known, so no).
   */
  public static boolean possibleHigh(double threshold, double pHigh) {
    return threshold > 0 && pHigh >= threshold;
  }

  /** Whether a high call with this P(high) is below the confident band (null: not known). */
  public boolean borderline(Double pHigh) {
    return pHigh != null && borderline(confidentHighThreshold, pHigh);
  }

  /**
   * Whether a high call with P(high) {@code pHigh} lies below a confident band starting at {@code
   * threshold} (0: no band; NaN P(high): not known, so not borderline).
   */
  public static boolean borderline(double threshold, double pHigh) {
    return threshold > 0 && pHigh < threshold;
  }

  private static void check(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
    }
  }
}
