package io.cordwatch.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import io.cordwatch.infer.OnnxRuntimeEngine;
import io.cordwatch.trainer.TinyNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlResNetTest {
  /** The variant OnnxWriterTest uses: 1/16 width, one block per stage, D = 128. */
  private static final LayerSpec TINY = TinyNet.SPEC;

  private static final int SIZE = 32;

  @TempDir Path tmp;

  @Test
  void pytorchEngineStartsOfflineFromTheClassPath() throws IOException {
    Engine engine = DjlResNet.engine();
    System.out.printf(
        "DJL %s, engine %s %s, offline=%s, libtorch unpacked under %s%n",
        Engine.getDjlVersion(),
        engine.getEngineName(),
        engine.getVersion(),
        Utils.isOfflineMode(),
        Utils.getEngineCacheDir());
    assertEquals("PyTorch", engine.getEngineName());
    assertTrue(Utils.isOfflineMode(), "DJL must never download at run time");
    // The native library is the one the pytorch-native-cpu jar carries: its version, unpacked
    // into this build's cache directory (the surefire configuration points DJL at target/).
    assertTrue(engine.getVersion().startsWith("2.7.1"), engine.getVersion());
    Path cache = Utils.getEngineCacheDir("pytorch");
    assertTrue(
        cache.toAbsolutePath().normalize().startsWith(Path.of("target").toAbsolutePath()),
        "libtorch must come from this build's class path, found under " + cache);
    try (Stream<Path> files = Files.walk(cache)) {
      assertTrue(
          files.anyMatch(p -> p.getFileName().toString().equals("libtorch_cpu.so")),
          "libtorch_cpu.so unpacked from the class path under " + cache);
    }
  }

  @Test
  void djlForwardMatchesTheReferenceAndTheExportedGraph() throws IOException {
    Weights weights = Fixtures.withBatchNormStatistics(TINY, 11);
    float[] input = Fixtures.gaussian(2 * 3 * SIZE * SIZE, 5);
    float[][] reference = new ReferenceForward(weights).embed(input, 2, SIZE);
    Path onnx = tmp.resolve("tiny.onnx");
    OnnxWriter.write(weights, SIZE, onnx);
    float[][] ort;
    try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(onnx, SIZE)) {
      ort = engine.embed(Fixtures.direct(input), 2);
    }

    try (DjlResNet djl = DjlResNet.of(weights)) {
      float[][] got = djl.embed(input, 2, SIZE);
      assertEquals(2, got.length);
      assertEquals(TINY.embeddingWidth(), got[0].length);
      double vsReference = Fixtures.maxRelativeError(got, reference);
      double vsOnnx = Fixtures.maxRelativeError(got, ort);
      System.out.printf(
          "tiny ResNet (D=128, 3x%dx%d, batch 2): DJL/PyTorch vs ReferenceForward max relative"
              + " error %.3g, vs ONNX Runtime %.3g%n",
          SIZE, SIZE, vsReference, vsOnnx);
      assertTrue(vsReference <= 1e-4, "DJL vs reference: max relative error " + vsReference);
      assertTrue(vsOnnx <= 1e-4, "DJL vs ONNX Runtime: max relative error " + vsOnnx);
    }
  }

  @Test
  void storeHandsBackTheParametersLoadTookIn() {
    Weights weights = Fixtures.withBatchNormStatistics(TINY, 3);
    Weights copy = Weights.heNormal(TINY, 99);
    try (DjlResNet djl = DjlResNet.of(weights)) {
      djl.store(copy);
    }
    for (String name : weights.names()) {
      assertArrayEquals(weights.get(name), copy.get(name), name);
    }
  }
}
