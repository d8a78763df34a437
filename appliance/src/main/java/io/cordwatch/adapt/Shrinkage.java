package io.cordwatch.adapt;

import io.cordwatch.stats.NearestRank;
import java.util.Arrays;
import java.util.List;

/**
 * The re-enrolment rule, in two levels. A new scanner or protocol moves the embeddings of every
 * grade; a site's own readers and anatomy move single grades. So:
 *
 * <pre>
 * offset  d   = N / (N + w) * mean_i (e_i - p_{y_i})             (all N site slices)
 * residual r_k = mean_k - (p_k + d)                               (the n_k slices of grade k)
 * p'_k        = p_k + d + n_k / (n_k + w) * r_k
 * </pre>
 *
 * <p>Why: a prototype is a class mean (BILSKY.md). Taking the parent's prototypes plus one shared
 * site offset as the prior of the site's class means, each with the weight of {@code w} slices,
 * these are the posterior means of a normal hierarchical model. The offset is estimated from all
 * slices, so the rare grades (2 and 3 are a few percent of slices) move with the site's common
 * shift even when the site has graded few of them; only their grade-specific residual waits for
 * data. A one-level rule (each grade's mean shrunk toward its own parent prototype) moves grade 0,
 * with hundreds of slices, to the site while leaving grades 2 and 3 where the parent had them, and
 * on held-out studies of a contrast the parent was not trained on that lost sensitivity
 * (docs/validation.md, "Site adaptation"). A grade with fewer than {@code minPerGrade} slices keeps
 * no residual of its own (it still moves with the offset).
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
    double[] offset = new double[d];
    int[] n = new int[k];
    for (EnrolledSlice s : slices) {
      n[s.label()]++;
      float[] e = s.embedding();
      for (int j = 0; j < d; j++) {
        sums[s.label()][j] += e[j];
        offset[j] += e[j] - parent[s.label()][j];
      }
    }
    int total = slices.size();
    for (int j = 0; j < d; j++) {
      offset[j] = total == 0 ? 0 : offset[j] / (total + weight);
    }
    float[][] out = new float[k][d];
    for (int c = 0; c < k; c++) {
      boolean own = n[c] >= Math.max(1, minPerGrade);
      double keep = own ? n[c] / (n[c] + weight) : 0;
      for (int j = 0; j < d; j++) {
        double centre = parent[c][j] + offset[j];
        double residual = own ? sums[c][j] / n[c] - centre : 0;
        out[c][j] = (float) (centre + keep * residual);
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
      double local = NearestRank.quantile(dist, 0.99);
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
