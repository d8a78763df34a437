package io.cordwatch.trainer.localizer;

import java.util.Map;
import java.util.Random;

/**
 * Test weights for export parity checks: a freshly initialised {@link LocalizerGraph} whose batch
 * norms are moved far from identity and whose biases are non-zero, so that a wrong fold or a
 * dropped bias in an exported graph shows in its outputs.
 */
public final class FarFromIdentity {
  private FarFromIdentity() {}

  /**
   * The parameters of {@code graph} initialised from {@code seed}, then perturbed from {@code
   * random}; {@code headScale} &gt; 0 also redraws the head's kernel (a several-class head starts
   * near silent, which would leave a Softmax flat).
   */
  public static Map<String, float[]> weights(
      LocalizerGraph graph, long seed, Random random, double biasScale, double headScale) {
    Map<String, float[]> weights;
    try (DjlLocalizer init = DjlLocalizer.initialise(graph, seed)) {
      weights = init.snapshot();
    }
    weights.forEach(
        (name, v) -> {
          for (int i = 0; i < v.length; i++) {
            if (name.endsWith(".gamma")) {
              v[i] = (float) (0.5 + random.nextDouble());
            } else if (name.endsWith(".beta") || name.endsWith(".running_mean")) {
              v[i] = (float) (0.3 * random.nextGaussian());
            } else if (name.endsWith(".running_var")) {
              v[i] = (float) (0.25 + 2 * random.nextDouble());
            } else if (name.endsWith(".bias")) {
              v[i] = (float) (biasScale * random.nextGaussian());
            } else if (headScale > 0 && name.equals("head.weight")) {
              v[i] = (float) (headScale * random.nextGaussian());
            }
          }
        });
    return weights;
  }
}
