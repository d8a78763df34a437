package io.cordwatch.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.InputShape;
import io.cordwatch.infer.OnnxRuntimeEngine;
import io.cordwatch.trainer.TinyNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxWriterTest {
  /** ResNet50's shape at 1/16 width with one block per stage: D = 128, every block kind present. */
  private static final LayerSpec TINY = TinyNet.SPEC;

  private static final int SIZE = 32;

  @TempDir Path tmp;

  @Test
  void exportedGraphReproducesTheReferenceForwardPassInOnnxRuntime() throws IOException {
    Weights weights = Fixtures.withBatchNormStatistics(TINY, 11);
    Path onnx = tmp.resolve("tiny.onnx");
    OnnxWriter.write(weights, SIZE, onnx);
    float[] input = Fixtures.gaussian(2 * 3 * SIZE * SIZE, 5);

    float[][] want = new ReferenceForward(weights).embed(input, 2, SIZE);
    try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(onnx, SIZE)) {
      assertEquals(new InputShape(3, SIZE, SIZE), engine.inputShape());
      assertEquals(128, engine.embeddingWidth());
      float[][] got = engine.embed(Fixtures.direct(input), 2);

      double error = Fixtures.maxRelativeError(got, want);
      System.out.printf(
          "tiny ResNet (D=128, 3x%dx%d, batch 2): ONNX Runtime vs ReferenceForward max relative"
              + " error %.3g (max |diff| / max |reference|)%n",
          SIZE, SIZE, error);
      assertTrue(error <= 1e-4, "max relative error " + error);
      assertTrue(
          Arrays.stream(want).allMatch(row -> Arrays.stream(toDouble(row)).anyMatch(v -> v > 0)),
          "a dead embedding would hide a wrong graph");
    }
  }

  @Test
  void exportedGraphAcceptsAnyBatchSize() throws IOException {
    Weights weights = Fixtures.withBatchNormStatistics(TINY, 12);
    Path onnx = tmp.resolve("tiny.onnx");
    OnnxWriter.write(weights, SIZE, onnx);
    ReferenceForward reference = new ReferenceForward(weights);
    try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(onnx, SIZE)) {
      for (int batch : new int[] {1, 3}) {
        float[] input = Fixtures.gaussian(batch * 3 * SIZE * SIZE, 20 + batch);
        float[][] got = engine.embed(Fixtures.direct(input), batch);
        assertEquals(batch, got.length);
        double error = Fixtures.maxRelativeError(got, reference.embed(input, batch, SIZE));
        assertTrue(error <= 1e-4, "batch " + batch + ": max relative error " + error);
      }
    }
  }

  @Test
  void oneChannelNetworkExportsWithOneChannelInput() throws IOException {
    LayerSpec grey = LayerSpec.bottleneck(1, 16, 1, 1);
    Weights weights = Fixtures.withBatchNormStatistics(grey, 13);
    Path onnx = tmp.resolve("grey.onnx");
    OnnxWriter.write(weights, SIZE, onnx);
    float[] input = Fixtures.gaussian(SIZE * SIZE, 7);
    try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(onnx, SIZE)) {
      assertEquals(new InputShape(1, SIZE, SIZE), engine.inputShape());
      assertEquals(grey.embeddingWidth(), engine.embeddingWidth());
      double error =
          Fixtures.maxRelativeError(
              engine.embed(Fixtures.direct(input), 1),
              new ReferenceForward(weights).embed(input, 1, SIZE));
      assertTrue(error <= 1e-4, "max relative error " + error);
    }
  }

  @Test
  void foldingMatchesHandValuesOnAOneChannelOneByOneConv() {
    // s = gamma / sqrt(var + eps) = 3 / sqrt(3 + 1) = 1.5; W' = 2 * 1.5 = 3; b' = 0.5 - 1 * 1.5.
    OnnxWriter.Folded f =
        OnnxWriter.fold(
            new float[] {2f},
            new float[] {3f},
            new float[] {0.5f},
            new float[] {1f},
            new float[] {3f},
            1.0);
    assertArrayEquals(new float[] {3f}, f.weight());
    assertArrayEquals(new float[] {-1f}, f.bias());

    // The folded conv is the unfolded conv followed by batch norm, for any input x.
    float x = 0.7f;
    double unfolded = 3 * (2 * x - 1) / Math.sqrt(3 + 1) + 0.5;
    assertEquals(unfolded, f.weight()[0] * x + f.bias()[0], 1e-6);
  }

  @Test
  void foldingScalesEachOutputChannelByItsOwnStatistics() {
    // Two output channels of a 1-channel 1x1 conv: channel 1 must not borrow channel 0's scale.
    OnnxWriter.Folded f =
        OnnxWriter.fold(
            new float[] {1f, 1f},
            new float[] {1f, 2f},
            new float[] {0f, 1f},
            new float[] {0f, 2f},
            new float[] {1f, 4f},
            0.0);
    assertArrayEquals(new float[] {1f, 1f}, f.weight());
    assertArrayEquals(new float[] {0f, -1f}, f.bias());
  }

  @Test
  void foldingRefusesBatchNormTensorsOfDifferentLengths() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                OnnxWriter.fold(
                    new float[4], new float[2], new float[2], new float[1], new float[2], 1e-5));
    assertTrue(e.getMessage().contains("mean 1"), e.getMessage());
  }

  @Test
  void writtenFileDeclaresIrVersionOpsetAndBatchDimension() throws IOException {
    Path onnx = tmp.resolve("tiny.onnx");
    long written = OnnxWriter.write(Weights.heNormal(TINY, 1), SIZE, onnx);
    byte[] bytes = Files.readAllBytes(onnx);
    assertEquals(written, bytes.length);
    // Field 1 (ir_version), varint 8: the first two bytes of the model.
    assertEquals(0x08, bytes[0]);
    assertEquals(8, bytes[1]);
    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("layer4.0.downsample.0.weight"), "torchvision initializer names");
    assertTrue(!text.contains("BatchNormalization"), "batch norm must be folded away");
  }

  @Test
  void nonPositiveInputSizeIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxWriter.write(Weights.heNormal(TINY, 1), 0, tmp.resolve("x.onnx")));
    assertTrue(e.getMessage().contains("inputSize"), e.getMessage());
  }

  private static double[] toDouble(float[] row) {
    double[] d = new double[row.length];
    for (int i = 0; i < row.length; i++) {
      d[i] = row[i];
    }
    return d;
  }
}
