package io.cordwatch.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.cordwatch.trainer.model.DjlResNet;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each loss term against values worked out by hand on tensors small enough to check on paper, and
 * the virtual adversarial direction against central finite differences of the KL divergence and
 * against PyTorch's own autograd.
 *
 * <p>The hand example: D = 2, prototypes p0 = (0, 0) and p1 = (3, 0), T = 2. Sample A, e = (1, 0),
 * grade 1: squared distances (1, 4), logits (-0.5, -2), p(1) = 1 / (1 + e^1.5), so its
 * cross-entropy is log(1 + e^1.5) = 1.5 + log(1 + e^-1.5). Sample B, e = (0, 0), grade 0: distances
 * (0, 9), logits (0, -4.5), cross-entropy log(1 + e^-4.5).
 */
class LossesTest {
  private NDManager m;

  @BeforeEach
  void open() {
    m = DjlResNet.engine().newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  private NDArray protos() {
    return m.create(new float[] {0, 0, 3, 0}, new Shape(2, 2));
  }

  private NDArray embeddings() {
    return m.create(new float[] {1, 0, 0, 0}, new Shape(2, 2));
  }

  private NDArray oneHot() {
    return m.create(new float[] {0, 1, 1, 0}, new Shape(2, 2));
  }

  @Test
  void squaredDistancesAreSumsOfSquaredDifferences() {
    float[] d = Losses.squaredDistances(embeddings(), protos()).toFloatArray();
    assertArrayEquals(new float[] {1, 4, 0, 9}, d, 0f);
  }

  @Test
  void crossEntropyIsTheClassWeightedMeanOfNegativeLogLikelihoods() {
    NDArray d = Losses.squaredDistances(embeddings(), protos());
    double ceA = 1.5 + Math.log1p(Math.exp(-1.5)); // 1.70141...
    double ceB = Math.log1p(Math.exp(-4.5)); // 0.01104...
    // Unweighted (equal weights): the plain mean.
    float plain = Losses.crossEntropy(d, oneHot(), m.create(new float[] {1, 1}), 2).getFloat();
    assertEquals((ceA + ceB) / 2, plain, 1e-6);
    // Weights w0 = 0.25, w1 = 1: torch's weighted mean, sum(w_y * nll) / sum(w_y).
    float weighted =
        Losses.crossEntropy(d, oneHot(), m.create(new float[] {0.25f, 1f}), 2).getFloat();
    assertEquals((1.0 * ceA + 0.25 * ceB) / 1.25, weighted, 1e-6);
    assertEquals(1.3633402, weighted, 1e-6);
  }

  @Test
  void compactTermIsTheMeanSquaredDistanceToTheOwnPrototype() {
    NDArray d = Losses.squaredDistances(embeddings(), protos());
    // A is 4 from p1 (its class), B is 0 from p0: mean 2.
    assertEquals(2.0, Losses.compact(d, oneHot()).getFloat(), 1e-6);
  }

  @Test
  void vatLossIsTheKlDivergenceBetweenCleanAndPerturbedPredictions() {
    NDArray e = m.create(new float[] {1, 0}, new Shape(1, 2));
    NDArray direction = m.create(new float[] {1, 0}, new Shape(1, 2));
    // Clean: logits (-0.5, -2). Moved by eps = 0.1 along (1, 0): e = (1.1, 0), distances
    // (1.21, 3.61), logits (-0.605, -1.805).
    double p0 = 1 / (1 + Math.exp(-1.5));
    double q0 = 1 / (1 + Math.exp(-1.2));
    double kl = p0 * Math.log(p0 / q0) + (1 - p0) * Math.log((1 - p0) / (1 - q0));
    float got = Losses.vat(e, protos(), 2, 0.1, direction, m).getFloat();
    assertEquals(kl, got, 1e-6);
    assertEquals(0.0071415, got, 1e-6);
  }

  @Test
  void totalIsCrossEntropyPlusLambdaCompactPlusVat() {
    NDArray r = m.create(new float[] {0.3f, -1f, 2f, 0.5f}, new Shape(2, 2));
    Losses.Terms t =
        Losses.terms(
            embeddings(),
            protos(),
            oneHot(),
            m.create(new float[] {0.25f, 1f}),
            new Losses.Weights(2, 0.1, 0.1, 0.1),
            r,
            m);
    assertEquals(
        t.crossEntropy().getFloat() + 0.1 * t.compact().getFloat() + t.vat().getFloat(),
        t.total().getFloat(),
        1e-6);
    Losses.Terms noVat =
        Losses.terms(
            embeddings(),
            protos(),
            oneHot(),
            m.create(new float[] {0.25f, 1f}),
            new Losses.Weights(2, 0.1, 0.1, 0),
            r,
            m);
    assertEquals(null, noVat.vat());
  }

  /** KL(p(e) || p(e + r)) for one sample, in double: the function VAT's power iteration climbs. */
  private static double kl(double[] e, double[] r, double[][] p, double t) {
    int k = p.length;
    double[] a = new double[k];
    double[] b = new double[k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < e.length; j++) {
        a[c] -= (e[j] - p[c][j]) * (e[j] - p[c][j]) / t;
        b[c] -= (e[j] + r[j] - p[c][j]) * (e[j] + r[j] - p[c][j]) / t;
      }
    }
    double la = logSumExp(a);
    double lb = logSumExp(b);
    double s = 0;
    for (int c = 0; c < k; c++) {
      s += Math.exp(a[c] - la) * ((a[c] - la) - (b[c] - lb));
    }
    return s;
  }

  private static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : x) {
      s += Math.exp(v - max);
    }
    return max + Math.log(s);
  }

  @Test
  void vatDirectionIsTheNormalisedGradientByFiniteDifferences() {
    int n = 3;
    int d = 5;
    int k = 4;
    double t = 2;
    double xi = 0.1;
    Random random = new Random(5);
    double[][] e = new double[n][d];
    double[][] p = new double[k][d];
    double[][] start = new double[n][d];
    for (double[][] a : new double[][][] {e, p, start}) {
      for (double[] row : a) {
        for (int j = 0; j < d; j++) {
          row[j] = random.nextGaussian();
        }
      }
    }
    float[] dir =
        Losses.vatDirection(
                m.create(floats(e), new Shape(n, d)),
                m.create(floats(p), new Shape(k, d)),
                t,
                xi,
                m.create(floats(start), new Shape(n, d)),
                m)
            .toFloatArray();
    double h = 1e-5;
    for (int i = 0; i < n; i++) {
      double norm = 0;
      for (double v : start[i]) {
        norm += v * v;
      }
      double[] r = new double[d];
      for (int j = 0; j < d; j++) {
        r[j] = xi * start[i][j] / Math.sqrt(norm);
      }
      double[] g = new double[d];
      double gNorm = 0;
      for (int j = 0; j < d; j++) {
        double[] plus = r.clone();
        double[] minus = r.clone();
        plus[j] += h;
        minus[j] -= h;
        g[j] = (kl(e[i], plus, p, t) - kl(e[i], minus, p, t)) / (2 * h);
        gNorm += g[j] * g[j];
      }
      for (int j = 0; j < d; j++) {
        assertEquals(
            g[j] / Math.sqrt(gNorm), dir[i * d + j], 2e-3, "sample " + i + ", component " + j);
      }
    }
  }

  @Test
  void vatDirectionMatchesPyTorchAutograd() {
    int n = 4;
    int d = 6;
    int k = 3;
    Random random = new Random(9);
    float[] e = gaussian(random, n * d);
    float[] p = gaussian(random, k * d);
    float[] start = gaussian(random, n * d);
    NDArray eA = m.create(e, new Shape(n, d));
    NDArray pA = m.create(p, new Shape(k, d));
    float[] closed =
        Losses.vatDirection(eA, pA, 2, 0.1, m.create(start, new Shape(n, d)), m).toFloatArray();

    NDArray r = Losses.normalise(m.create(start, new Shape(n, d))).mul(0.1f);
    r.setRequiresGradient(true);
    try (GradientCollector gc = DjlResNet.engine().newGradientCollector()) {
      NDArray logp = Losses.squaredDistances(eA, pA).div(-2f).logSoftmax(1);
      NDArray logq = Losses.squaredDistances(eA.add(r), pA).div(-2f).logSoftmax(1);
      gc.backward(logp.exp().mul(logp.sub(logq)).sum());
    }
    float[] autograd = Losses.normalise(r.getGradient()).toFloatArray();
    assertArrayEquals(autograd, closed, 1e-4f);
    // Unit length per sample.
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += closed[i * d + j] * closed[i * d + j];
      }
      assertEquals(1, s, 1e-5);
    }
  }

  @Test
  void vatGradientReachesEmbeddingsAndPrototypesButNotTheCleanPrediction() {
    NDArray e = m.create(new float[] {1, 0.5f}, new Shape(1, 2));
    NDArray p = protos();
    e.setRequiresGradient(true);
    p.setRequiresGradient(true);
    try (GradientCollector gc = DjlResNet.engine().newGradientCollector()) {
      NDArray dir =
          Losses.vatDirection(e, p, 2, 0.1, m.create(new float[] {1, 1}, new Shape(1, 2)), m);
      gc.backward(Losses.vat(e, p, 2, 0.1, dir, m));
    }
    assertTrue(e.getGradient().abs().sum().getFloat() > 0, "no gradient into the embedding");
    assertTrue(p.getGradient().abs().sum().getFloat() > 0, "no gradient into the prototypes");
  }

  private static float[] floats(double[][] a) {
    float[] f = new float[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        f[i * a[i].length + j] = (float) a[i][j];
      }
    }
    return f;
  }

  private static float[] gaussian(Random random, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) random.nextGaussian();
    }
    return f;
  }
}
