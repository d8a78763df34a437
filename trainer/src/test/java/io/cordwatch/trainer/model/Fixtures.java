package io.cordwatch.trainer.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

/** Seeded weights and inputs shared by the model tests. */
final class Fixtures {
  private Fixtures() {}

  /**
   * He-initialised weights whose batch norms are far from identity, so that a wrong or missing fold
   * (gamma, beta, mean or variance dropped, eps misplaced) changes the embedding visibly.
   */
  static Weights withBatchNormStatistics(LayerSpec spec, long seed) {
    Weights w = Weights.heNormal(spec, seed);
    Random random = new Random(seed + 1);
    for (LayerSpec.Conv c : spec.convs()) {
      int n = c.outChannels();
      float[] gamma = new float[n];
      float[] beta = new float[n];
      float[] mean = new float[n];
      float[] var = new float[n];
      for (int o = 0; o < n; o++) {
        gamma[o] = (float) (0.5 + random.nextDouble());
        beta[o] = (float) (0.3 * random.nextGaussian());
        mean[o] = (float) (0.3 * random.nextGaussian());
        var[o] = (float) (0.25 + 2 * random.nextDouble());
      }
      w.put(c.gammaName(), gamma);
      w.put(c.betaName(), beta);
      w.put(c.meanName(), mean);
      w.put(c.varianceName(), var);
    }
    return w;
  }

  static float[] gaussian(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  static FloatBuffer direct(float[] values) {
    FloatBuffer b =
        ByteBuffer.allocateDirect(values.length * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    b.put(values).flip();
    return b;
  }

  /** max |got - want| / max |want|: the error relative to the embedding's scale. */
  static double maxRelativeError(float[][] got, float[][] want) {
    double maxAbs = 0;
    double maxErr = 0;
    for (int i = 0; i < want.length; i++) {
      for (int j = 0; j < want[i].length; j++) {
        maxAbs = Math.max(maxAbs, Math.abs(want[i][j]));
        maxErr = Math.max(maxErr, Math.abs((double) got[i][j] - want[i][j]));
      }
    }
    return maxErr / maxAbs;
  }
}
