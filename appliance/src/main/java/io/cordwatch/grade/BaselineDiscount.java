package io.cordwatch.grade;

import io.cordwatch.infer.SeriesBaseline;
import io.cordwatch.infer.VerdictLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The series baseline discount applied to one series (docs/grading.md, "The series baseline
 * discount"; {@link SeriesBaseline} says why). Taking d logits off every slice's P(high) is the
 * same as raising the triage threshold and the confident band by d in logit space, which is how it
 * is applied: the slices keep the P(high) the model gave, their high calls are made again against
 * the raised threshold, and the series is judged by limits whose confident band is the raised one.
 * The rule-out threshold is not raised, so a slice the discount stops calling high still keeps its
 * series from {@code low}.
 *
 * @param logits the discount d; 0 when the bundle has none, the series is too short, or its normal
 *     level lies at or below the reference
 * @param limits the limits the series is judged by: the bundle's, the confident band raised by d
 * @param takenBack confident slices the undiscounted rule calls high in the confident band and the
 *     discounted one does not: they make a series {@code indeterminate} ({@value
 *     Verdict#REASON_BASELINE_RAISED}) rather than {@code high}
 * @param triage the P(high) threshold the slices were called by before the discount, when the
 *     bundle's series baseline was in force for the series (0 logits when none was due); empty when
 *     it was not (no baseline, or calls by the nearest prototype)
 */
public record BaselineDiscount(
    double logits, VerdictLimits limits, int takenBack, OptionalDouble triage) {

  /** No baseline in force: the bundle's limits as they are. */
  public static BaselineDiscount none(VerdictLimits limits) {
    return new BaselineDiscount(0, limits, 0, OptionalDouble.empty());
  }

  /**
   * Discounts a series: replaces, in {@code results}, every graded slice's high call by the call
   * against the raised triage threshold, and returns what was done.
   *
   * @param results the series' slice results (null entries are skipped)
   * @param triage the P(high) threshold the slices were called by; empty (nearest-prototype calls):
   *     no discount
   * @param limits the bundle's limits, with its {@link SeriesBaseline} or without
   */
  public static BaselineDiscount apply(
      List<SliceResult> results, OptionalDouble triage, VerdictLimits limits) {
    SeriesBaseline baseline = limits.seriesBaseline();
    if (baseline == null || triage.isEmpty()) {
      return none(limits);
    }
    List<Double> graded = new ArrayList<>();
    for (SliceResult r : results) {
      if (r != null && r.isGraded() && r.pHigh() != null) {
        graded.add(r.pHigh());
      }
    }
    double d = baseline.discount(graded.stream().mapToDouble(Double::doubleValue).toArray());
    if (!(d > 0)) {
      return new BaselineDiscount(0, limits, 0, triage);
    }
    double t = triage.getAsDouble();
    // Without a band every call is confident: the undiscounted confident calls start at t.
    double band = Math.max(limits.confidentHighThreshold(), t);
    double raisedTriage = SeriesBaseline.raise(t, d);
    double raisedBand = SeriesBaseline.raise(band, d);
    int takenBack = 0;
    for (int i = 0; i < results.size(); i++) {
      SliceResult r = results.get(i);
      if (r == null || !r.isGraded() || r.pHigh() == null) {
        continue;
      }
      double p = r.pHigh();
      if (r.isConfident() && p >= band && p < raisedBand) {
        takenBack++;
      }
      results.set(i, r.withHighCall(p >= raisedTriage));
    }
    return new BaselineDiscount(
        d, limits.withConfidentHighThreshold(raisedBand), takenBack, triage);
  }

  /**
   * Chooses a series baseline on validation series: the {@code referenceQuantile} of their normal
   * levels (each series' {@code quantile} of logit P(high), series with at least {@code minSlices}
   * graded slices), an upper reference limit, so that a series of the kind the model was validated
   * on is seldom discounted.
   *
   * @param series each validation series' graded slices' P(high)
   * @throws IllegalArgumentException for parameters out of range, or fewer than {@link
   *     #MIN_REFERENCE_SERIES} series long enough to have a level
   */
  public static SeriesBaseline choose(
      List<double[]> series, double quantile, int minSlices, double referenceQuantile) {
    if (!(referenceQuantile >= 0.5 && referenceQuantile <= 1)) {
      throw new IllegalArgumentException(
          "the reference quantile must be in [0.5, 1], got " + referenceQuantile);
    }
    // Checks quantile and minSlices; the reference is set below.
    SeriesBaseline probe = new SeriesBaseline(quantile, minSlices, 0);
    double[] levels =
        series.stream().mapToDouble(probe::level).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (levels.length < MIN_REFERENCE_SERIES) {
      throw new IllegalArgumentException(
          levels.length
              + " validation series have at least "
              + minSlices
              + " graded slices; a reference needs "
              + MIN_REFERENCE_SERIES);
    }
    return new SeriesBaseline(
        quantile, minSlices, SeriesBaseline.quantile(levels, referenceQuantile));
  }

  /** The fewest validation series a reference is chosen from. */
  public static final int MIN_REFERENCE_SERIES = 10;

  /** Whether the bundle's series baseline was in force for the series (a discount due or not). */
  public boolean inForce() {
    return triage.isPresent();
  }

  /** The triage threshold the series' calls were made against; only while {@link #inForce()}. */
  public double raisedTriage() {
    return SeriesBaseline.raise(triage.getAsDouble(), logits);
  }
}
