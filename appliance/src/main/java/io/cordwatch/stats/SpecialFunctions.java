package io.cordwatch.stats;

/**
 * The special functions behind exact binomial intervals and Student's t quantiles, in plain double
 * precision with no library.
 *
 * <p>Method. {@link #logGamma} is Lanczos' approximation with g = 7 and the nine coefficients
 * popularised by Godfrey (relative error near 1e-15 for positive arguments), with the reflection
 * formula below 1/2. The regularized incomplete beta I_x(a, b) uses the continued fraction of
 * Abramowitz and Stegun 26.5.8, evaluated by the modified Lentz algorithm (Press et al., Numerical
 * Recipes, 3rd ed., section 6.4): it converges fast for x &lt; (a + 1) / (a + b + 2), and the
 * symmetry I_x(a, b) = 1 - I_{1-x}(b, a) covers the other side. Its inverse is found by bisection
 * on [0, 1]: I_x is monotone in x, so bisection cannot fail or leave the interval, and 200 halvings
 * reach the spacing of doubles, far below what a 95% interval reported to four digits needs. Speed
 * is irrelevant here (a handful of calls per report); robustness at the edges (x = 0, x = n, tiny
 * n) is what matters, which is why Newton steps are not used.
 */
public final class SpecialFunctions {
  private static final double[] LANCZOS = {
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7
  };
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final double TINY = 1e-300;

  private SpecialFunctions() {}

  /** ln Gamma(x) for x &gt; 0. */
  public static double logGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
    }
    if (x < 0.5) {
      // Reflection keeps the series in its accurate range: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    }
    double z = x - 1;
    double a = LANCZOS[0];
    double t = z + 7.5;
    for (int i = 1; i < LANCZOS.length; i++) {
      a += LANCZOS[i] / (z + i);
    }
    return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /** The regularized incomplete beta function I_x(a, b), for a, b &gt; 0 and 0 &le; x &le; 1. */
  public static double regularizedBeta(double x, double a, double b) {
    if (!(a > 0) || !(b > 0)) {
      throw new IllegalArgumentException("incomplete beta needs a, b > 0, got " + a + ", " + b);
    }
    if (!(x >= 0 && x <= 1)) {
      throw new IllegalArgumentException("incomplete beta needs 0 <= x <= 1, got " + x);
    }
    if (x == 0 || x == 1) {
      return x;
    }
    double logFront =
        logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
    if (x < (a + 1) / (a + b + 2)) {
      return Math.exp(logFront) * continuedFraction(x, a, b) / a;
    }
    return 1 - Math.exp(logFront) * continuedFraction(1 - x, b, a) / b;
  }

  /** Lentz's evaluation of the continued fraction for I_x(a, b) (Numerical Recipes 6.4). */
  private static double continuedFraction(double x, double a, double b) {
    double qab = a + b;
    double qap = a + 1;
    double qam = a - 1;
    double c = 1;
    double d = 1 - qab * x / qap;
    if (Math.abs(d) < TINY) {
      d = TINY;
    }
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 10_000; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
      d = 1 + aa * d;
      d = Math.abs(d) < TINY ? TINY : d;
      c = 1 + aa / c;
      c = Math.abs(c) < TINY ? TINY : c;
      d = 1 / d;
      h *= d * c;
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
      d = 1 + aa * d;
      d = Math.abs(d) < TINY ? TINY : d;
      c = 1 + aa / c;
      c = Math.abs(c) < TINY ? TINY : c;
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-16) {
        return h;
      }
    }
    throw new ArithmeticException(
        "incomplete beta continued fraction did not converge for x=" + x + " a=" + a + " b=" + b);
  }

  /** The x with I_x(a, b) = p: the p-quantile of the Beta(a, b) distribution. */
  public static double inverseRegularizedBeta(double p, double a, double b) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
    }
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 200 && hi - lo > 0; i++) {
      double mid = 0.5 * (lo + hi);
      if (mid == lo || mid == hi) {
        break;
      }
      if (regularizedBeta(mid, a, b) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /**
   * The p-quantile of Student's t with {@code df} degrees of freedom, for p in (0, 1), from P(|T|
   * &gt; t) = I_{df/(df+t^2)}(df/2, 1/2).
   */
  public static double studentTQuantile(double p, double df) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
    }
    if (!(df > 0)) {
      throw new IllegalArgumentException("degrees of freedom must be > 0, got " + df);
    }
    if (p == 0.5) {
      return 0;
    }
    double tail = 2 * Math.min(p, 1 - p);
    double x = inverseRegularizedBeta(tail, df / 2, 0.5);
    double t = Math.sqrt(df * (1 - x) / x);
    return p > 0.5 ? t : -t;
  }
}
