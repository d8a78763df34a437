package io.cordwatch.stats;

/** Nearest-rank quantiles of samples. */
public final class NearestRank {
  private NearestRank() {}

  /**
   * The nearest-rank {@code q}-quantile of ascending {@code sorted}: the smallest value with at
   * least a share {@code q} of the samples at or below it (the 99th percentile of 100 values is the
   * 99th smallest).
   *
   * @throws IllegalArgumentException when there are no samples or q is outside (0, 1]
   */
  public static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in (0, 1], got " + q);
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }
}
