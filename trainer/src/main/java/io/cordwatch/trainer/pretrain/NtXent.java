package io.cordwatch.trainer.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The normalised-temperature cross-entropy of SimCLR (Chen et al. 2020) on DJL arrays, so that
 * PyTorch differentiates it. For a batch of N crops, each seen in two views, the 2N projections are
 * stacked as rows {@code 0..N-1} (first views) and {@code N..2N-1} (second views); row i's positive
 * is row {@code (i + N) mod 2N}, every other row of the batch is a negative:
 *
 * <pre>{@code
 * u_i      = z_i / ||z_i||
 * s_ij     = u_i . u_j / tau                 (j != i)
 * loss     = mean_i -log( exp(s_i,pos(i)) / sum_{j != i} exp(s_ij) )
 * }</pre>
 *
 * <p>The self-similarity is excluded by subtracting a large constant on the diagonal before the
 * log-softmax (its probability is then exactly 0, and so is its gradient). At random projections
 * the loss is about {@code log(2N - 1)}; it falls as views of one crop come to agree. The norm is
 * {@code sqrt(sum z^2 + 1e-12)}, which stays differentiable at a zero row.
 */
public final class NtXent {
  private NtXent() {}

  private static final float SELF = 1e9f;

  /** The loss and how often the positive was the nearest other row. */
  public record Result(NDArray loss, double positiveTop1) {}

  /**
   * The mean NT-Xent loss of {@code z [2N, P]} (first views, then second views).
   *
   * @param temperature tau, greater than 0
   */
  public static Result loss(NDArray z, double temperature) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    long m = z.getShape().get(0);
    if (m < 4 || m % 2 != 0) {
      throw new IllegalArgumentException(
          "NT-Xent needs an even number of rows, at least 4 (two views of two crops), got " + m);
    }
    int rows = (int) m;
    int n = rows / 2;
    NDManager scope = z.getManager();
    NDArray u = z.div(z.square().sum(new int[] {1}, true).add(1e-12f).sqrt());
    NDArray logits =
        u.matMul(u.transpose()).div((float) temperature).sub(scope.eye(rows).mul(SELF));
    float[] positive = new float[rows * rows];
    int[] target = new int[rows];
    for (int i = 0; i < rows; i++) {
      target[i] = (i + n) % rows;
      positive[i * rows + target[i]] = 1;
    }
    NDArray pos = scope.create(positive, new Shape(rows, rows));
    NDArray loss = logits.logSoftmax(1).mul(pos).sum(new int[] {1}).neg().mean();
    long[] nearest = logits.stopGradient().argMax(1).toLongArray();
    int right = 0;
    for (int i = 0; i < rows; i++) {
      if (nearest[i] == target[i]) {
        right++;
      }
    }
    return new Result(loss, right / (double) rows);
  }
}
