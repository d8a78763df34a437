package io.cordwatch.trainer.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.infer.OnnxSegmenter;
import io.cordwatch.infer.SegmenterSpec;
import io.cordwatch.trainer.localizer.DjlLocalizer;
import io.cordwatch.trainer.localizer.FarFromIdentity;
import io.cordwatch.trainer.localizer.LocalizerGraph;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported segmenter computes what the DJL network computes: the same class probabilities from
 * ONNX Runtime as from PyTorch in inference mode (batch norms far from identity, so a wrong fold
 * shows; the Softmax over the class axis, not over pixels), carries the spec a runtime needs, and
 * opens as a bundle's segmenter in the appliance with the same probabilities.
 */
class SegmenterOnnxTest {
  @TempDir Path tmp;

  @Test
  void onnxRuntimeReproducesTheDjlSegmenterAndCarriesItsSpec() throws Exception {
    int width = 4;
    int size = 32;
    int k = SegmentData.CLASSES.size();
    LocalizerGraph graph = LocalizerGraph.of(width, k);
    Random r = new Random(6);
    Map<String, float[]> weights = FarFromIdentity.weights(graph, 5, r, 0.5, 0.5);
    int n = 2;
    float[] views = new float[n * size * size];
    for (int i = 0; i < views.length; i++) {
      views[i] = r.nextFloat();
    }
    float[] djl;
    try (DjlLocalizer net = DjlLocalizer.of(graph, weights)) {
      djl = net.classProbabilities(views, n, size);
    }
    Path file = tmp.resolve("segmenter.onnx");
    SegmenterOnnx.write(width, size, weights, file);

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] ort;
    String spec;
    try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor x =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(views), new long[] {n, 1, size, size});
        OrtSession.Result out = session.run(Map.of(LocalizerGraph.INPUT, x))) {
      OnnxTensor p = (OnnxTensor) out.get(SegmenterOnnx.OUTPUT).orElseThrow();
      assertEquals(
          java.util.List.of(2L, (long) k, (long) size, (long) size),
          java.util.Arrays.stream(p.getInfo().getShape()).boxed().toList());
      FloatBuffer b = p.getFloatBuffer();
      ort = new float[b.remaining()];
      b.get(ort);
      spec = session.getMetadata().getCustomMetadata().get(SegmenterOnnx.METADATA_KEY);
    }
    double maxAbs = 0;
    double spread = 0;
    for (int i = 0; i < djl.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(djl[i] - ort[i]));
      spread = Math.max(spread, Math.abs(djl[i] - djl[0]));
    }
    // Each pixel's probabilities sum to one over the classes.
    int plane = size * size;
    for (int q = 0; q < plane; q += 97) {
      double sum = 0;
      for (int c = 0; c < k; c++) {
        sum += ort[c * plane + q];
      }
      assertEquals(1.0, sum, 1e-5, "pixel " + q);
    }
    assertTrue(spread > 0.1, "the test input must give varied outputs, spread " + spread);
    assertTrue(maxAbs <= 1e-5, "probabilities differ by " + maxAbs);

    JsonNode s = new ObjectMapper().readTree(spec);
    assertEquals(size, s.get("input_size").asInt());
    assertEquals(SegmenterTraining.CONTEXT, s.get("context").asDouble());
    assertEquals("tumour", s.get("classes").get(SegmentData.TUMOUR).asText());
    // The veto threshold is chosen on validation later, by bundle add-segmenter, never stored here.
    assertTrue(s.get("veto_below_mm2") == null, "the metadata carries no veto threshold: " + spec);

    // The appliance reads the same file as a bundle's segmenter: the stored spec with the veto
    // threshold given beside it, and the same probabilities through its own runtime.
    SegmenterSpec read = OnnxSegmenter.storedSpec(file, 12).orElseThrow();
    assertEquals(size, read.inputSize());
    assertEquals(SegmentData.CLASSES, read.classes());
    assertEquals(SegmentData.TUMOUR, read.tumourChannel());
    assertEquals(12, read.vetoBelowMm2());
    try (OnnxSegmenter appliance = OnnxSegmenter.open(file, read)) {
      float[] app = appliance.probabilities(views, n);
      double worst = 0;
      for (int i = 0; i < djl.length; i++) {
        worst = Math.max(worst, Math.abs(djl[i] - app[i]));
      }
      assertTrue(worst <= 1e-5, "the appliance's probabilities differ by " + worst);
    }
  }
}
