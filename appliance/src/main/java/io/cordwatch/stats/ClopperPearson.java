package io.cordwatch.stats;

import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * Exact (Clopper and Pearson 1934, Biometrika 26:404-413) confidence interval for a binomial
 * proportion: the lower bound is the alpha/2 quantile of Beta(x, n - x + 1), the upper bound the 1
 * - alpha/2 quantile of Beta(x + 1, n - x), with 0 below when x = 0 and 1 above when x = n. It is
 * conservative (coverage at least the nominal level), which is why diagnostic accuracy studies,
 * including the one this appliance reproduces, report it. The beta quantiles come from Apache
 * Commons Statistics.
 */
public final class ClopperPearson {
  private ClopperPearson() {}

  /** The proportion x / n with its exact 95% interval (standard error NaN: not a Wald interval). */
  public static Interval interval(long x, long n) {
    return interval(x, n, 0.95);
  }

  /** The proportion x / n with its exact interval at {@code level} (e.g. 0.95). */
  public static Interval interval(long x, long n, double level) {
    if (n <= 0) {
      throw new IllegalArgumentException("a proportion needs n > 0 trials, got n = " + n);
    }
    if (x < 0 || x > n) {
      throw new IllegalArgumentException(
          "successes must be in [0, n], got x = " + x + ", n = " + n);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
    }
    double alpha = 1 - level;
    double lower = x == 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1);
    double upper = x == n ? 1 : betaQuantile(1 - alpha / 2, x + 1, n - x);
    return new Interval((double) x / n, Double.NaN, lower, upper);
  }

  private static double betaQuantile(double p, double a, double b) {
    return BetaDistribution.of(a, b).inverseCumulativeProbability(p);
  }
}
