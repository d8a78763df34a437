package io.cordwatch.trainer.localizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.OnnxLocalizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported localizer graph computes what the DJL network computes: same probabilities from ONNX
 * Runtime as from PyTorch in inference mode, with batch norms far from identity (so a wrong fold
 * shows), the nearest-neighbour upsampling and the dilated convolution all exercised.
 */
class LocalizerOnnxTest {
  private static final LocalizerSpec SPEC =
      new LocalizerSpec(48, 0.5, 99.5, LocalizerSpec.BOX_PROBABILITY, 0.5, 2.0, 1);

  @TempDir Path tmp;

  @Test
  void onnxRuntimeReproducesTheDjlNetwork() throws IOException {
    LocalizerGraph graph = LocalizerGraph.of(8);
    Random r = new Random(12);
    Map<String, float[]> weights = FarFromIdentity.weights(graph, 11, r, 0.2, 0);
    int n = 3;
    int size = SPEC.inputSize();
    float[] views = new float[n * size * size];
    for (int i = 0; i < views.length; i++) {
      views[i] = r.nextFloat();
    }

    float[] djl;
    try (DjlLocalizer net = DjlLocalizer.of(graph, weights)) {
      djl = net.probabilities(views, n, size);
    }
    Path file = tmp.resolve("localizer.onnx");
    LocalizerOnnx.write(graph, weights, SPEC, file);
    float[] ort;
    try (OnnxLocalizer engine = OnnxLocalizer.open(file, SPEC)) {
      ort = engine.probabilities(views, n);
    }

    double maxAbs = 0;
    double maxLogit = 0;
    double spread = 0;
    int unsaturated = 0;
    for (int i = 0; i < djl.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(djl[i] - ort[i]));
      spread = Math.max(spread, Math.abs(djl[i] - djl[0]));
      // Where float32 still resolves the sigmoid, compare the logits too (relative precision).
      if (djl[i] > 0.01 && djl[i] < 0.99) {
        unsaturated++;
        maxLogit = Math.max(maxLogit, Math.abs(logit(djl[i]) - logit(ort[i])));
      }
    }
    System.out.printf(
        "localizer parity, width 8, %d views of %d px: max |p_djl - p_ort| = %.2e, max logit"
            + " difference %.2e%n",
        n, size, maxAbs, maxLogit);
    assertTrue(spread > 0.1, "the test input must give varied outputs, spread " + spread);
    assertTrue(unsaturated > djl.length / 20, "too few unsaturated outputs: " + unsaturated);
    assertTrue(maxAbs <= 1e-5, "probabilities differ by " + maxAbs);
    assertTrue(maxLogit <= 1e-4, "logits differ by " + maxLogit);
  }

  @Test
  void theSpecTravelsInTheModelsMetadata() throws IOException {
    LocalizerGraph graph = LocalizerGraph.of(4);
    Path file = tmp.resolve("localizer.onnx");
    try (DjlLocalizer net = DjlLocalizer.initialise(graph, 1)) {
      LocalizerOnnx.write(graph, net.snapshot(), SPEC, file);
    }
    assertEquals(SPEC, OnnxLocalizer.storedSpec(file).orElseThrow());
  }

  @Test
  void missingWeightsAreNamed() {
    LocalizerGraph graph = LocalizerGraph.of(4);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalizerOnnx.write(graph, Map.of(), SPEC, tmp.resolve("x.onnx")));
    assertTrue(e.getMessage().contains("enc1.conv1.weight"), e.getMessage());
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }
}
