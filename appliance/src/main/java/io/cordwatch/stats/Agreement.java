package io.cordwatch.stats;

import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Chance-corrected agreement between two raters on q categories, with variances and 95% intervals.
 *
 * <p>Gwet's AC1 (Gwet 2008, "Computing inter-rater reliability and its variance in the presence of
 * high agreement", Br J Math Stat Psychol 61:29-48). With p_kl the proportion of subjects put in k
 * by the reference and l by the reader, p_a = sum_k p_kk, pi_k = (p_k+ + p_+k) / 2 and p_e = sum_k
 * pi_k (1 - pi_k) / (q - 1), AC1 = (p_a - p_e) / (1 - p_e). Its variance, conditional on the two
 * raters, is the paper's two-rater formula (with sampling fraction f = 0, i.e. an infinite
 * population of subjects):
 *
 * <pre>
 * v = 1 / (n (1 - p_e)^2) * [ p_a (1 - p_a)
 *       - 4 (1 - AC1) ( sum_k p_kk (1 - pi_k) / (q - 1) - p_a p_e )
 *       + 4 (1 - AC1)^2 ( sum_kl p_kl (1 - (pi_k + pi_l) / 2)^2 / (q - 1)^2 - p_e^2 ) ]
 * </pre>
 *
 * The interval is AC1 +/- t(0.975, n - 1) sqrt(v), as in Gwet's Handbook of Inter-Rater Reliability
 * and his irrCAC / AgreeStat software, whose published results the tests reproduce; the t quantile
 * differs from 1.96 by under 1% from n = 60 on. Bounds are clipped to [-1, 1]. AC1 was designed for
 * the case this appliance meets: a dominant category (most slices are grade 0), where kappa
 * collapses although the raters almost always agree.
 *
 * <p>Cohen's kappa (1960) and weighted kappa (Cohen 1968) with weights w_kl: p_o = sum p_kl w_kl,
 * p_c = sum p_k+ p_+l w_kl, kappa = (p_o - p_c) / (1 - p_c). The standard error is the large-sample
 * (non-null) one of Fleiss, Cohen and Everitt (1969, "Large sample standard errors of kappa and
 * weighted kappa", Psychol Bull 72:323-327), with wbar_k. = sum_l p_+l w_kl and wbar_.l = sum_k
 * p_k+ w_kl:
 *
 * <pre>
 * var = [ sum_kl p_kl (w_kl - (wbar_k. + wbar_.l)(1 - kappa))^2 - (kappa - p_c (1 - kappa))^2 ]
 *       / (n (1 - p_c)^2)
 * </pre>
 *
 * and the interval kappa +/- 1.96 se, clipped to [-1, 1]. Identity weights give unweighted kappa;
 * linear weights w_kl = 1 - |k - l| / (q - 1) suit the six ordered Bilsky grades. When chance
 * agreement p_c is 1 (both raters used a single category) kappa is 0/0 and is reported undefined.
 */
public final class Agreement {
  /** The 0.975 quantile of the standard normal. */
  static final double Z_975 = 1.959963984540054;

  private Agreement() {}

  /** Gwet's AC1 with its Gwet (2008) standard error and 95% interval. */
  public static Interval gwetAc1(ConfusionMatrix m) {
    m.requireSubjects("Gwet's AC1");
    int q = m.q();
    double n = m.n();
    double[][] p = proportions(m);
    double[] pi = new double[q];
    for (int k = 0; k < q; k++) {
      pi[k] = (m.referenceTotal(k) + m.readerTotal(k)) / (2 * n);
    }
    double pa = m.agreements() / n;
    double pe = 0;
    for (int k = 0; k < q; k++) {
      pe += pi[k] * (1 - pi[k]);
    }
    pe /= q - 1;
    double ac1 = (pa - pe) / (1 - pe);

    double diagonal = 0;
    double all = 0;
    for (int k = 0; k < q; k++) {
      diagonal += p[k][k] * (1 - pi[k]);
      for (int l = 0; l < q; l++) {
        double c = 1 - (pi[k] + pi[l]) / 2;
        all += p[k][l] * c * c;
      }
    }
    diagonal /= q - 1;
    all /= (double) (q - 1) * (q - 1);
    double bracket =
        pa * (1 - pa)
            - 4 * (1 - ac1) * (diagonal - pa * pe)
            + 4 * (1 - ac1) * (1 - ac1) * (all - pe * pe);
    // Rounding can leave -1e-17 where the exact value is 0 (perfect agreement).
    double variance = Math.max(0, bracket) / (n * (1 - pe) * (1 - pe));
    double se = Math.sqrt(variance);
    if (m.n() < 2) {
      return new Interval(ac1, se, Double.NaN, Double.NaN);
    }
    double t = TDistribution.of(n - 1).inverseCumulativeProbability(0.975);
    return new Interval(ac1, se, clip(ac1 - t * se), clip(ac1 + t * se));
  }

  /** Cohen's (unweighted) kappa with its Fleiss-Cohen-Everitt standard error and 95% interval. */
  public static Interval cohenKappa(ConfusionMatrix m) {
    int q = m.q();
    double[][] w = new double[q][q];
    for (int k = 0; k < q; k++) {
      w[k][k] = 1;
    }
    return weightedKappa(m, w, "Cohen's kappa");
  }

  /**
   * Kappa with linear weights 1 - |k - l| / (q - 1): a one-grade miss counts as partly agreeing,
   * for ordered categories such as the Bilsky grades.
   */
  public static Interval linearWeightedKappa(ConfusionMatrix m) {
    int q = m.q();
    double[][] w = new double[q][q];
    for (int k = 0; k < q; k++) {
      for (int l = 0; l < q; l++) {
        w[k][l] = 1 - Math.abs(k - l) / (double) (q - 1);
      }
    }
    return weightedKappa(m, w, "weighted kappa");
  }

  private static Interval weightedKappa(ConfusionMatrix m, double[][] w, String what) {
    m.requireSubjects(what);
    int q = m.q();
    double n = m.n();
    double[][] p = proportions(m);
    double[] row = new double[q];
    double[] col = new double[q];
    for (int k = 0; k < q; k++) {
      row[k] = m.referenceTotal(k) / n;
      col[k] = m.readerTotal(k) / n;
    }
    double po = 0;
    double pc = 0;
    for (int k = 0; k < q; k++) {
      for (int l = 0; l < q; l++) {
        po += p[k][l] * w[k][l];
        pc += row[k] * col[l] * w[k][l];
      }
    }
    // Chance agreement of 1 (within rounding) means both raters used one category only.
    if (pc >= 1 - 1e-12) {
      return Interval.UNDEFINED;
    }
    double kappa = (po - pc) / (1 - pc);
    double[] wRow = new double[q];
    double[] wCol = new double[q];
    for (int k = 0; k < q; k++) {
      for (int l = 0; l < q; l++) {
        wRow[k] += col[l] * w[k][l];
        wCol[l] += row[k] * w[k][l];
      }
    }
    double sum = 0;
    for (int k = 0; k < q; k++) {
      for (int l = 0; l < q; l++) {
        double d = w[k][l] - (wRow[k] + wCol[l]) * (1 - kappa);
        sum += p[k][l] * d * d;
      }
    }
    double last = kappa - pc * (1 - kappa);
    double variance = Math.max(0, sum - last * last) / (n * (1 - pc) * (1 - pc));
    double se = Math.sqrt(variance);
    return new Interval(kappa, se, clip(kappa - Z_975 * se), clip(kappa + Z_975 * se));
  }

  private static double[][] proportions(ConfusionMatrix m) {
    int q = m.q();
    double n = m.n();
    double[][] p = new double[q][q];
    for (int k = 0; k < q; k++) {
      for (int l = 0; l < q; l++) {
        p[k][l] = m.count(k, l) / n;
      }
    }
    return p;
  }

  private static double clip(double v) {
    return Math.max(-1, Math.min(1, v));
  }
}
