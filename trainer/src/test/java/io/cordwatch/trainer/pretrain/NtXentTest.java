package io.cordwatch.trainer.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cordwatch.trainer.model.DjlResNet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * NT-Xent on tiny batches whose value can be worked out by hand, and on a random batch against a
 * plain-Java evaluation of the formula; PyTorch's autograd is trusted for the gradient.
 */
class NtXentTest {
  private static double loss(float[] z, int rows, int width, double tau) {
    try (NDManager m = DjlResNet.engine().newBaseManager()) {
      return NtXent.loss(m.create(z, new Shape(rows, width)), tau).loss().getFloat();
    }
  }

  @Test
  void viewsThatAgreeGiveLogOfOnePlusTwoOverE() {
    // Two crops, unit vectors (1,0) and (0,1), each view equal to its crop's. For every row: the
    // positive has similarity 1, the two negatives 0, so -log(e / (e + 2)) = log(1 + 2/e).
    float[] z = {1, 0, 0, 1, 1, 0, 0, 1};
    assertEquals(Math.log(1 + 2 / Math.E), loss(z, 4, 2, 1.0), 1e-6);
    assertEquals(0.5514437, loss(z, 4, 2, 1.0), 1e-6);
  }

  @Test
  void normalisesLengthsAndDividesByTheTemperature() {
    // Crops (3,0) and (0,2); second views (0,5) and (4,0): each positive is orthogonal to its row,
    // one negative is parallel. Per row at tau 0.5: logits 0 (negative), 0 (positive), 2
    // (parallel negative), so -log(1 / (2 + e^2)) = log(2 + e^2) = 2.2395449.
    float[] z = {3, 0, 0, 2, 0, 5, 4, 0};
    assertEquals(Math.log(2 + Math.exp(2)), loss(z, 4, 2, 0.5), 1e-5);
    assertEquals(2.2395449, loss(z, 4, 2, 0.5), 1e-5);
  }

  @Test
  void matchesThePlainFormulaOnARandomBatchAndCountsNearestPositives() {
    int n = 5;
    int p = 7;
    double tau = 0.3;
    Random r = new Random(3);
    float[] z = new float[2 * n * p];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) r.nextGaussian();
    }
    // The positive of crop i's second view: its first view plus a little noise, so most rows
    // find their positive nearest.
    for (int i = 0; i < n * p; i++) {
      z[n * p + i] = z[i] + (float) (0.05 * r.nextGaussian());
    }
    double expected = 0;
    int m = 2 * n;
    double[][] u = new double[m][p];
    for (int i = 0; i < m; i++) {
      double norm = 0;
      for (int k = 0; k < p; k++) {
        norm += z[i * p + k] * z[i * p + k];
      }
      for (int k = 0; k < p; k++) {
        u[i][k] = z[i * p + k] / Math.sqrt(norm);
      }
    }
    for (int i = 0; i < m; i++) {
      double sum = 0;
      double pos = 0;
      for (int j = 0; j < m; j++) {
        if (j == i) {
          continue;
        }
        double s = 0;
        for (int k = 0; k < p; k++) {
          s += u[i][k] * u[j][k];
        }
        sum += Math.exp(s / tau);
        if (j == (i + n) % m) {
          pos = s / tau;
        }
      }
      expected += -(pos - Math.log(sum));
    }
    expected /= m;
    try (NDManager mgr = DjlResNet.engine().newBaseManager()) {
      NtXent.Result res = NtXent.loss(mgr.create(z, new Shape(m, p)), tau);
      assertEquals(expected, res.loss().getFloat(), 1e-5);
      assertEquals(1.0, res.positiveTop1(), "near-copies are each other's nearest rows");
    }
  }

  @Test
  void refusesAnOddOrTooSmallBatch() {
    try (NDManager m = DjlResNet.engine().newBaseManager()) {
      assertThrows(
          IllegalArgumentException.class, () -> NtXent.loss(m.create(new Shape(3, 2)), 0.5));
      assertThrows(
          IllegalArgumentException.class, () -> NtXent.loss(m.create(new Shape(2, 2)), 0.5));
      assertThrows(IllegalArgumentException.class, () -> NtXent.loss(m.create(new Shape(4, 2)), 0));
    }
  }
}
