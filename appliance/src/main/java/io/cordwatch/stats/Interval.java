package io.cordwatch.stats;

/**
 * An estimate with its standard error and confidence interval. A coefficient that is undefined for
 * the data (kappa when chance agreement is 1, a proportion of nothing) has NaN fields, never a
 * made-up number; {@link #defined()} tells which.
 *
 * @param value the point estimate
 * @param standardError its standard error; NaN where the method has none (exact intervals)
 * @param lower lower bound of the interval
 * @param upper upper bound of the interval
 */
public record Interval(double value, double standardError, double lower, double upper) {

  /** The undefined estimate. */
  public static final Interval UNDEFINED =
      new Interval(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /** Whether the point estimate exists. */
  public boolean defined() {
    return !Double.isNaN(value);
  }
}
