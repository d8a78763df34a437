package io.cordwatch.adapt;

import java.util.Arrays;
import java.util.List;

/**
 * The re-enrolment rule. A grade's new prototype is the mean of the site's embeddings of that grade
 * shrunk toward the parent's prototype:
 *
 * <pre>p'_k = (n_k * mean_k + w * p_k) / (n_k + w)</pre>
 *
 * <p>Why: a prototype is a class mean (BILSKY.md). Taking the parent's prototype as the prior of
 * the site's class mean, with the weight of {@code w} slices, the posterior mean under a normal
 * model is exactly this average: with no local slices of a grade the parent's prototype stays, with
 * a few it moves part of the way, with many it becomes the local mean. Rare grades (2 and 3 are a
 * few percent of slices) therefore move little unless the site has graded enough of them, which is
 * what a handful of confirmed cases can support. A grade with fewer than {@code minPerGrade} slices
 * keeps the parent's prototype exactly, so a single odd slice never moves a class.
 *
 * <p>The OOD scale is re-fitted the same way: the 99th percentile of the enrolled slices' squared
 * distance to their own new prototype (the trainer's definition), averaged with the parent's scale
 * with weight {@code w}. The OOD threshold, the temperature and the decision thresholds are kept:
 * they are in units of these, and changing them is the site's operating-point decision, not
 * re-enrolment's.
 */
public final class Shrinkage {
  private Shrinkage() {}

  /** The result of one fit: K x D prototypes, the OOD scale, and the slices per grade used. */
  public record Fit(float[][] prototypes, double oodScale, int[] perGrade) {}

  /**
   * @param parent the parent's K x D prototypes
   * @param parentOodScale the parent's OOD scale
   * @param slices the site's slices to fit on
   * @param weight {@code w} above, > 0
   * @param minPerGrade fewer slices than this leave a grade's prototype as the parent's
   */
  public static Fit fit(
      float[][] parent,
      double parentOodScale,
      List<EnrolledSlice> slices,
      double weight,
      int minPerGrade) {
    if (!(weight > 0)) {
      throw new IllegalArgumentException("prior weight must be > 0, got " + weight);
    }
    int k = parent.length;
    int d = parent[0].length;
    double[][] sums = new double[k][d];
    int[] n = new int[k];
    for (EnrolledSlice s : slices) {
      n[s.label()]++;
      float[] e = s.embedding();
      for (int j = 0; j < d; j++) {
        sums[s.label()][j] += e[j];
      }
    }
    float[][] out = new float[k][];
    for (int c = 0; c < k; c++) {
      if (n[c] < Math.max(1, minPerGrade)) {
        out[c] = parent[c].clone();
        continue;
      }
      out[c] = new float[d];
      for (int j = 0; j < d; j++) {
        out[c][j] = (float) ((sums[c][j] + weight * parent[c][j]) / (n[c] + weight));
      }
    }
    double scale = parentOodScale;
    if (!slices.isEmpty()) {
      double[] dist = new double[slices.size()];
      for (int i = 0; i < dist.length; i++) {
        EnrolledSlice s = slices.get(i);
        dist[i] = squaredDistance(s.embedding(), out[s.label()]);
      }
      Arrays.sort(dist);
      double local = dist[(int) Math.min(dist.length - 1, Math.ceil(0.99 * dist.length) - 1)];
      if (local > 0) {
        scale = (dist.length * local + weight * parentOodScale) / (dist.length + weight);
      }
    }
    return new Fit(out, scale, n);
  }

  static double squaredDistance(float[] a, float[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      double t = (double) a[j] - b[j];
      s += t * t;
    }
    return s;
  }
}
