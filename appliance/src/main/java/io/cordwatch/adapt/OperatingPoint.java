package io.cordwatch.adapt;

import io.cordwatch.grade.HighThreshold;
import io.cordwatch.stats.ClopperPearson;
import io.cordwatch.stats.Interval;
import java.util.Arrays;

/**
 * A site's own P(high) threshold: the highest threshold whose high calls find at least the target
 * share of the site's high-grade slices, with the sensitivity and specificity it gives on those
 * slices and their exact (Clopper-Pearson) 95% intervals. The interval is what the data allows: 20
 * high-grade slices cannot show a sensitivity of 0.95 to better than about 0.75-1.00, and the
 * report says so rather than the point estimate alone.
 *
 * @param threshold P(high) at or above which a slice is called high
 * @param sensitivity share of high-grade slices called high, with its interval
 * @param specificity share of low-grade slices called low, with its interval
 * @param positives high-grade slices used
 * @param negatives low-grade slices used
 */
public record OperatingPoint(
    double threshold, Interval sensitivity, Interval specificity, int positives, int negatives) {

  /**
   * @param positives P(high) of the reference high-grade slices
   * @param negatives P(high) of the reference low-grade slices
   * @param target sensitivity wanted, in (0, 1]
   * @throws AdaptException when there are no high-grade slices to choose from
   */
  public static OperatingPoint forSensitivity(
      double[] positives, double[] negatives, double target) {
    if (!(target > 0 && target <= 1)) {
      throw new AdaptException("target sensitivity must be in (0, 1], got " + target);
    }
    if (positives.length == 0) {
      throw new AdaptException("no high-grade slices: a sensitivity cannot be chosen");
    }
    int n = positives.length;
    // The trainer's rule, so that a site's threshold and a bundle's are chosen alike.
    double t = HighThreshold.threshold(positives, target);
    long found = Arrays.stream(positives).filter(x -> x >= t).count();
    long rejected = Arrays.stream(negatives).filter(x -> x < t).count();
    return new OperatingPoint(
        t,
        ClopperPearson.interval(found, n),
        negatives.length == 0
            ? Interval.UNDEFINED
            : ClopperPearson.interval(rejected, negatives.length),
        n,
        negatives.length);
  }
}
