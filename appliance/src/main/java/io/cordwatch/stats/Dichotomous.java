package io.cordwatch.stats;

import java.util.List;

/**
 * Agreement on high grade versus low grade from a 2 x 2 table, reference against reader: what the
 * study reports (AC1, sensitivity, specificity) plus Cohen's kappa for comparison with older work.
 * A sensitivity with no reference positives (or a specificity with no reference negatives) is
 * {@link Interval#UNDEFINED}, not 0 or 1.
 *
 * @param truePositives reference high, reader high
 * @param falseNegatives reference high, reader low
 * @param falsePositives reference low, reader high
 * @param trueNegatives reference low, reader low
 * @param ac1 Gwet's AC1 (q = 2) with its 95% interval
 * @param cohenKappa Cohen's kappa with its 95% interval
 * @param sensitivity TP / (TP + FN) with its Clopper-Pearson 95% interval
 * @param specificity TN / (TN + FP) with its Clopper-Pearson 95% interval
 */
public record Dichotomous(
    long truePositives,
    long falseNegatives,
    long falsePositives,
    long trueNegatives,
    Interval ac1,
    Interval cohenKappa,
    Interval sensitivity,
    Interval specificity) {

  /** The statistics of a 2 x 2 table; throws when a count is negative or all are 0. */
  public static Dichotomous of(long tp, long fn, long fp, long tn) {
    ConfusionMatrix m =
        ConfusionMatrix.of(List.of("high", "low"), new long[][] {{tp, fn}, {fp, tn}});
    m.requireSubjects("agreement");
    return new Dichotomous(
        tp,
        fn,
        fp,
        tn,
        Agreement.gwetAc1(m),
        Agreement.cohenKappa(m),
        tp + fn == 0 ? Interval.UNDEFINED : ClopperPearson.interval(tp, tp + fn),
        tn + fp == 0 ? Interval.UNDEFINED : ClopperPearson.interval(tn, tn + fp));
  }

  /** The statistics of a table made by {@link ConfusionMatrix#dichotomize}. */
  public static Dichotomous of(ConfusionMatrix highLow) {
    if (highLow.q() != 2) {
      throw new IllegalArgumentException(
          "a 2 x 2 table is needed, got " + highLow.q() + " x " + highLow.q());
    }
    return of(highLow.count(0, 0), highLow.count(0, 1), highLow.count(1, 0), highLow.count(1, 1));
  }

  /** The number of subjects. */
  public long n() {
    return truePositives + falseNegatives + falsePositives + trueNegatives;
  }
}
