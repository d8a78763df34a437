package io.cordwatch.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.OnnxRuntimeEngine;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResNet50ExportTest {
  private static final int SIZE = 224;
  private static final int TIMED_RUNS = 5;

  @TempDir Path tmp;

  /**
   * The whole ResNet50 graph (all 16 blocks, every stride and projection) against the reference, at
   * 64x64 so the plain-Java pass stays near a second on two cores.
   */
  @Test
  void fullResNet50MatchesTheReferenceForwardPassAt64() throws IOException {
    LayerSpec spec = LayerSpec.resnet50(3);
    Weights weights = Fixtures.withBatchNormStatistics(spec, 51);
    Path onnx = tmp.resolve("resnet50-64.onnx");
    OnnxWriter.write(weights, 64, onnx);
    float[] input = Fixtures.gaussian(3 * 64 * 64, 4);
    float[][] want = new ReferenceForward(weights).embed(input, 1, 64);
    try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(onnx, 64)) {
      double error = Fixtures.maxRelativeError(engine.embed(Fixtures.direct(input), 1), want);
      System.out.printf(
          "ResNet50 (D=2048, 3x64x64): ONNX Runtime vs ReferenceForward max relative error %.3g%n",
          error);
      assertTrue(error <= 1e-4, "max relative error " + error);
    } finally {
      Files.deleteIfExists(onnx);
    }
  }

  @Test
  void fullResNet50ExportsAndRunsInOnnxRuntime() throws IOException {
    LayerSpec spec = LayerSpec.resnet50(3);
    // A temp dir of our own rather than @TempDir: the ~100 MB file goes as soon as ORT has it.
    Path dir = Files.createTempDirectory("cordwatch-resnet50");
    Path onnx = dir.resolve("resnet50.onnx");
    try {
      long t0 = System.nanoTime();
      long bytes = OnnxWriter.write(Weights.heNormal(spec, 50), SIZE, onnx);
      long exportMs = (System.nanoTime() - t0) / 1_000_000;
      try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(onnx, SIZE)) {
        assertEquals(2048, engine.embeddingWidth());
        FloatBuffer image = Fixtures.direct(Fixtures.gaussian(3 * SIZE * SIZE, 3));
        float[][] out = engine.embed(image, 1);
        assertEquals(1, out.length);
        assertEquals(2048, out[0].length);
        for (float v : out[0]) {
          assertTrue(Float.isFinite(v) && v >= 0, "embedding value " + v);
        }
        long[] ns = new long[TIMED_RUNS];
        for (int i = 0; i < TIMED_RUNS; i++) {
          long start = System.nanoTime();
          engine.embed(image.duplicate(), 1);
          ns[i] = System.nanoTime() - start;
        }
        Arrays.sort(ns);
        System.out.printf(
            "ResNet50 3x%dx%d: ONNX file %.1f MB written in %d ms; ONNX Runtime, %d cores: median"
                + " %.1f ms per image (min %.1f, max %.1f over %d runs after warm-up)%n",
            SIZE,
            SIZE,
            bytes / 1e6,
            exportMs,
            Runtime.getRuntime().availableProcessors(),
            ns[TIMED_RUNS / 2] / 1e6,
            ns[0] / 1e6,
            ns[TIMED_RUNS - 1] / 1e6,
            TIMED_RUNS);
      }
    } finally {
      Files.deleteIfExists(onnx);
      Files.deleteIfExists(dir);
    }
  }
}
