package io.cordwatch.stats;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap intervals for high-vs-low agreement when slices come in clusters (studies).
 *
 * <p>Slices of one study are not independent: neighbours share the patient, the scanner and often
 * the lesion, so intervals that treat every slice as a subject (Gwet 2008, Clopper-Pearson) are too
 * narrow. Here whole studies are drawn with replacement, as many as there are, and each statistic
 * is recomputed on the pooled 2 x 2 table of the draw; the interval is the 2.5th and 97.5th
 * percentile of the replicates that define it (a draw without reference positives has no
 * sensitivity and is left out of that statistic's replicates only). The point estimate is the
 * statistic of the original table. A fixed seed makes the interval reproducible.
 */
public final class ClusteredBootstrap {
  /** Replicates drawn unless told otherwise. */
  public static final int DEFAULT_REPLICATES = 2000;

  private ClusteredBootstrap() {}

  /**
   * One cluster's 2 x 2 counts (reference high/low against reader high/low).
   *
   * @param truePositives reference high, reader high
   * @param falseNegatives reference high, reader low
   * @param falsePositives reference low, reader high
   * @param trueNegatives reference low, reader low
   */
  public record Cluster(
      long truePositives, long falseNegatives, long falsePositives, long trueNegatives) {
    long n() {
      return truePositives + falseNegatives + falsePositives + trueNegatives;
    }
  }

  /**
   * The three statistics with study-clustered intervals.
   *
   * @param clusters number of clusters (studies)
   * @param replicates replicates drawn
   * @param ac1 Gwet's AC1 for two categories
   * @param sensitivity TP / (TP + FN)
   * @param specificity TN / (TN + FP)
   */
  public record Result(
      int clusters, int replicates, Interval ac1, Interval sensitivity, Interval specificity) {}

  /**
   * Intervals for {@code clusters} from {@code replicates} draws seeded with {@code seed}.
   *
   * @throws IllegalArgumentException when there are no clusters, no slices, or fewer than 100
   *     replicates are asked for
   */
  public static Result of(List<Cluster> clusters, int replicates, long seed) {
    if (clusters.isEmpty() || clusters.stream().mapToLong(Cluster::n).sum() == 0) {
      throw new IllegalArgumentException("a bootstrap needs at least one cluster with slices");
    }
    if (replicates < 100) {
      throw new IllegalArgumentException("at least 100 replicates, not " + replicates);
    }
    int k = clusters.size();
    long[] total = sum(clusters, null);
    double[][] stats = new double[3][replicates];
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] pick = new int[k];
    for (int b = 0; b < replicates; b++) {
      for (int i = 0; i < k; i++) {
        pick[i] = rnd.nextInt(k);
      }
      long[] t = sum(clusters, pick);
      stats[0][b] = ac1(t);
      stats[1][b] = sensitivity(t);
      stats[2][b] = specificity(t);
    }
    return new Result(
        k,
        replicates,
        interval(ClusteredBootstrap::ac1, total, stats[0]),
        interval(ClusteredBootstrap::sensitivity, total, stats[1]),
        interval(ClusteredBootstrap::specificity, total, stats[2]));
  }

  private static long[] sum(List<Cluster> clusters, int[] pick) {
    long[] t = new long[4];
    int n = pick == null ? clusters.size() : pick.length;
    for (int i = 0; i < n; i++) {
      Cluster c = clusters.get(pick == null ? i : pick[i]);
      t[0] += c.truePositives();
      t[1] += c.falseNegatives();
      t[2] += c.falsePositives();
      t[3] += c.trueNegatives();
    }
    return t;
  }

  private static Interval interval(ToDoubleFunction<long[]> f, long[] total, double[] reps) {
    double value = f.applyAsDouble(total);
    double[] defined = Arrays.stream(reps).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (Double.isNaN(value) || defined.length == 0) {
      return Interval.UNDEFINED;
    }
    return new Interval(value, Double.NaN, quantile(defined, 0.025), quantile(defined, 0.975));
  }

  /** The type-7 sample quantile (linear between order statistics) of sorted values. */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Gwet's AC1 for a 2 x 2 table {TP, FN, FP, TN}; NaN when chance agreement is 1. */
  static double ac1(long[] t) {
    double n = t[0] + t[1] + t[2] + t[3];
    if (n == 0) {
      return Double.NaN;
    }
    double pa = (t[0] + t[3]) / n;
    double pi = ((t[0] + t[1]) + (t[0] + t[2])) / (2 * n);
    double pe = 2 * pi * (1 - pi);
    return pe == 1 ? Double.NaN : (pa - pe) / (1 - pe);
  }

  private static double sensitivity(long[] t) {
    return t[0] + t[1] == 0 ? Double.NaN : (double) t[0] / (t[0] + t[1]);
  }

  private static double specificity(long[] t) {
    return t[2] + t[3] == 0 ? Double.NaN : (double) t[3] / (t[2] + t[3]);
  }
}
