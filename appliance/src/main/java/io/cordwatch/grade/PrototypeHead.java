package io.cordwatch.grade;

import io.cordwatch.infer.Bundle;
import java.util.Objects;

/**
 * The prototype head: from an embedding e to the grade, the class probabilities and an
 * out-of-distribution score.
 *
 * <p>The maths (BILSKY.md): {@code d_k = ||e - p_k||^2}, {@code p(k|e) = softmax_k(-d_k / T)}, the
 * grade is {@code argmin_k d_k}. Three decisions make it safe to mirror in a GPU kernel and to
 * trust at the extremes:
 *
 * <ul>
 *   <li>Distances are summed from differences, {@code sum_j (e_j - p_kj)^2}, not expanded as {@code
 *       ||e||^2 - 2 e.p + ||p||^2}: the expansion cancels catastrophically exactly when an
 *       embedding is close to a prototype, which is when the grade matters. The float path keeps
 *       eight partial sums, which both vectorises and bounds the rounding error.
 *   <li>The softmax is computed on {@code (d_k - d_min) / T}, the max-logit subtraction written in
 *       distances: the nearest class always has exponent 0, so the sum is >= 1 and nothing is 0/0,
 *       whatever T (1e-30 or 1e30) and however large the distances. Distances that overflow to
 *       +infinity still give a distribution (mass on the nearest finite ones, or uniform over the
 *       infinite ones when none is finite) and never NaN.
 *   <li>Ties go to the lowest class index, as {@code torch.argmax} on the probabilities does in the
 *       trainer's evaluation, so training metrics and service agree slice by slice.
 * </ul>
 *
 * <p><b>Out-of-distribution score</b>: {@code ood = d_min / ood_scale}, the squared distance to the
 * nearest prototype in units of the bundle's {@code ood_scale} (the trainer sets the scale to, for
 * example, the 99th percentile of training embeddings' distance to their own prototype, so a score
 * above 1 means farther than almost all training slices). A slice with {@code ood > ood_threshold}
 * is marked uncertain; its grade is still reported, since a radiologist may want it. An embedding
 * that is not finite is a broken engine, not an unusual slice: it is refused with an exception.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PrototypeHead {
  private final float[][] prototypes;
  private final int d;
  private final double temperature;
  private final double oodScale;
  private final double oodThreshold;

  /**
   * @param prototypes K x D, finite
   * @param temperature T > 0
   * @param oodScale > 0
   * @param oodThreshold > 0, or +infinity for no OOD check
   */
  public PrototypeHead(
      float[][] prototypes, double temperature, double oodScale, double oodThreshold) {
    Objects.requireNonNull(prototypes, "prototypes");
    if (prototypes.length == 0 || prototypes[0].length == 0) {
      throw new IllegalArgumentException("need at least one prototype of width >= 1");
    }
    this.d = prototypes[0].length;
    this.prototypes = new float[prototypes.length][];
    for (int k = 0; k < prototypes.length; k++) {
      if (prototypes[k].length != d) {
        throw new IllegalArgumentException(
            "prototype " + k + " has width " + prototypes[k].length + ", prototype 0 has " + d);
      }
      this.prototypes[k] = prototypes[k].clone();
    }
    if (!(temperature > 0) || Double.isNaN(temperature)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    if (!(oodScale > 0)) {
      throw new IllegalArgumentException("ood scale must be > 0, got " + oodScale);
    }
    if (!(oodThreshold > 0)) {
      throw new IllegalArgumentException("ood threshold must be > 0, got " + oodThreshold);
    }
    this.temperature = temperature;
    this.oodScale = oodScale;
    this.oodThreshold = oodThreshold;
  }

  /** The head a bundle describes. */
  public static PrototypeHead of(Bundle bundle) {
    return new PrototypeHead(
        bundle.prototypes(), bundle.temperature(), bundle.oodScale(), bundle.oodThreshold());
  }

  public int classCount() {
    return prototypes.length;
  }

  public int embeddingWidth() {
    return d;
  }

  /** Grades one embedding (float path, what production runs). */
  public SliceGrade grade(float[] embedding) {
    checkEmbedding(embedding);
    int k = prototypes.length;
    float[] dist = new float[k];
    for (int c = 0; c < k; c++) {
      dist[c] = squaredDistance(embedding, prototypes[c]);
    }
    int nearest = 0;
    for (int c = 1; c < k; c++) {
      if (dist[c] < dist[nearest]) {
        nearest = c;
      }
    }
    float dMin = dist[nearest];
    float[] p = new float[k];
    float sum = 0;
    for (int c = 0; c < k; c++) {
      // Equal distances, including two infinities, are exponent 0 rather than inf - inf = NaN.
      float shifted = dist[c] == dMin ? 0f : (float) ((dist[c] - (double) dMin) / temperature);
      p[c] = (float) Math.exp(-shifted);
      sum += p[c];
    }
    for (int c = 0; c < k; c++) {
      p[c] /= sum;
    }
    float ood = (float) (dMin / oodScale);
    return new SliceGrade(nearest, p, dist, ood, ood > oodThreshold);
  }

  /** Grades a batch. */
  public SliceGrade[] grade(float[][] embeddings) {
    SliceGrade[] out = new SliceGrade[embeddings.length];
    for (int i = 0; i < embeddings.length; i++) {
      out[i] = grade(embeddings[i]);
    }
    return out;
  }

  private void checkEmbedding(float[] e) {
    if (e.length != d) {
      throw new IllegalArgumentException("embedding width " + e.length + ", prototypes have " + d);
    }
    for (int j = 0; j < d; j++) {
      if (!Float.isFinite(e[j])) {
        throw new IllegalArgumentException(
            "embedding holds " + e[j] + " at index " + j + ": the backbone output is broken");
      }
    }
  }

  private static float squaredDistance(float[] e, float[] p) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int n = e.length;
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      float a0 = e[j] - p[j];
      float a1 = e[j + 1] - p[j + 1];
      float a2 = e[j + 2] - p[j + 2];
      float a3 = e[j + 3] - p[j + 3];
      float a4 = e[j + 4] - p[j + 4];
      float a5 = e[j + 5] - p[j + 5];
      float a6 = e[j + 6] - p[j + 6];
      float a7 = e[j + 7] - p[j + 7];
      s0 += a0 * a0;
      s1 += a1 * a1;
      s2 += a2 * a2;
      s3 += a3 * a3;
      s4 += a4 * a4;
      s5 += a5 * a5;
      s6 += a6 * a6;
      s7 += a7 * a7;
    }
    for (; j < n; j++) {
      float a = e[j] - p[j];
      s0 += a * a;
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /**
   * The double-precision reference every faster path (this class's float path, the CUDA {@code
   * prototype_head} kernel) is tested against. Same conventions: ties to the lowest index, softmax
   * on {@code (d_k - d_min) / T}, {@code ood = d_min / oodScale}, uncertain when {@code ood >
   * oodThreshold}.
   */
  public static ReferenceGrade reference(
      double[][] prototypes,
      double temperature,
      double oodScale,
      double oodThreshold,
      double[] embedding) {
    int k = prototypes.length;
    double[] dist = new double[k];
    for (int c = 0; c < k; c++) {
      if (prototypes[c].length != embedding.length) {
        throw new IllegalArgumentException("prototype " + c + " width differs from embedding");
      }
      double s = 0;
      for (int j = 0; j < embedding.length; j++) {
        double a = embedding[j] - prototypes[c][j];
        s += a * a;
      }
      dist[c] = s;
    }
    int nearest = 0;
    for (int c = 1; c < k; c++) {
      if (dist[c] < dist[nearest]) {
        nearest = c;
      }
    }
    double dMin = dist[nearest];
    double[] p = new double[k];
    double sum = 0;
    for (int c = 0; c < k; c++) {
      p[c] = dist[c] == dMin ? 1 : Math.exp(-(dist[c] - dMin) / temperature);
      sum += p[c];
    }
    for (int c = 0; c < k; c++) {
      p[c] /= sum;
    }
    double ood = dMin / oodScale;
    return new ReferenceGrade(nearest, p, dist, ood, ood > oodThreshold);
  }
}
