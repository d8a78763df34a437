package io.cordwatch.bench;

import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The few order statistics the benchmarks report: the median of per-run figures, the nearest-rank
 * percentile of exact samples, and a percentile read from a Micrometer bucket histogram. One place,
 * so every table means the same thing by "p50" and "median".
 */
final class BenchStats {
  private BenchStats() {}

  /**
   * The median of {@code f} over {@code samples} (mean of the middle two for an even count); NaN
   * when there are none. NaN values (a figure a run or a peer does not have) sort above every
   * number, as {@link Arrays#sort(double[])} places them, so a column without figures is NaN.
   */
  static <T> double median(List<T> samples, ToDoubleFunction<? super T> f) {
    double[] v = samples.stream().mapToDouble(f).toArray();
    int n = v.length;
    if (n == 0) {
      return Double.NaN;
    }
    Arrays.sort(v);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /**
   * The nearest-rank {@code q} quantile (0 < q <= 1) of ascending values: the smallest value with
   * at least {@code q} of the sample at or below it.
   */
  static double nearestRank(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /**
   * The {@code q} quantile in ms from a cumulative bucket histogram, interpolating linearly inside
   * the bucket that holds it; past the last bucket, the recorded maximum; NaN when it is empty.
   */
  static double histogramMs(HistogramSnapshot s, double q) {
    long total = s.count();
    if (total == 0) {
      return Double.NaN;
    }
    double target = q * total;
    double lower = 0;
    double below = 0;
    for (CountAtBucket b : s.histogramCounts()) {
      double upper = b.bucket(TimeUnit.MILLISECONDS);
      if (b.count() >= target) {
        double inBucket = b.count() - below;
        double frac = inBucket <= 0 ? 1 : (target - below) / inBucket;
        return Math.min(lower + frac * (upper - lower), s.max(TimeUnit.MILLISECONDS));
      }
      lower = upper;
      below = b.count();
    }
    return s.max(TimeUnit.MILLISECONDS);
  }
}
