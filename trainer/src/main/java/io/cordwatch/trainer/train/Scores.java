package io.cordwatch.trainer.train;

import io.cordwatch.stats.ConfusionMatrix;
import io.cordwatch.stats.Dichotomous;
import java.util.List;

/**
 * How a model's grades compare with the reference on a set of slices, with the appliance's
 * statistics: the K-class confusion matrix and the dichotomous (high versus low grade) agreement
 * the source study reports: Gwet's AC1, sensitivity and specificity with 95% intervals.
 *
 * @param grades K x K, reference rows, model columns
 * @param dichotomous high versus low grade; null when the set is empty
 * @param accuracy fraction of slices graded exactly right (NaN for an empty set)
 */
public record Scores(ConfusionMatrix grades, Dichotomous dichotomous, double accuracy) {

  /** Scores of predictions against truth (class indices), high grade as {@code highGrade} names. */
  public static Scores of(
      int[] truth, int[] predicted, List<String> classes, List<String> highGrade) {
    if (truth.length != predicted.length) {
      throw new IllegalArgumentException(
          truth.length + " reference grades but " + predicted.length + " predictions");
    }
    long[][] counts = new long[classes.size()][classes.size()];
    long tp = 0;
    long fn = 0;
    long fp = 0;
    long tn = 0;
    long right = 0;
    for (int i = 0; i < truth.length; i++) {
      counts[truth[i]][predicted[i]]++;
      boolean refHigh = highGrade.contains(classes.get(truth[i]));
      boolean modelHigh = highGrade.contains(classes.get(predicted[i]));
      if (refHigh) {
        if (modelHigh) {
          tp++;
        } else {
          fn++;
        }
      } else if (modelHigh) {
        fp++;
      } else {
        tn++;
      }
      if (truth[i] == predicted[i]) {
        right++;
      }
    }
    return new Scores(
        ConfusionMatrix.of(classes, counts),
        truth.length == 0 ? null : Dichotomous.of(tp, fn, fp, tn),
        truth.length == 0 ? Double.NaN : (double) right / truth.length);
  }

  /** The number of slices. */
  public long n() {
    return grades.n();
  }
}
