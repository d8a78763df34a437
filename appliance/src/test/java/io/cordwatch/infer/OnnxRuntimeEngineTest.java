package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxRuntimeEngineTest {
  @TempDir Path tmp;

  private static FloatBuffer direct(float[] values) {
    FloatBuffer b =
        ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(values).flip();
    return b;
  }

  @Test
  void torchExportedBackboneReproducesItsExpectedEmbedding() throws IOException {
    float[] expected = TorchFixture.expectedEmbedding();
    try (OnnxRuntimeEngine engine =
        OnnxRuntimeEngine.open(TorchFixture.backbone(), TorchFixture.SIZE)) {
      assertEquals(new InputShape(3, 64, 64), engine.inputShape());
      assertEquals(TorchFixture.D, engine.embeddingWidth());

      float[][] got = engine.embed(direct(TorchFixture.input()), TorchFixture.BATCH);

      double maxAbs = 0;
      double maxErr = 0;
      for (int i = 0; i < TorchFixture.BATCH; i++) {
        for (int j = 0; j < TorchFixture.D; j++) {
          float e = expected[i * TorchFixture.D + j];
          maxAbs = Math.max(maxAbs, Math.abs(e));
          maxErr = Math.max(maxErr, Math.abs(got[i][j] - e));
        }
      }
      System.out.printf(
          "torch-tiny-backbone: max abs error %.3g, max abs value %.3g, ratio %.3g%n",
          maxErr, maxAbs, maxErr / maxAbs);
      assertTrue(maxErr <= 1e-4 * maxAbs, "max abs error " + maxErr + " of max " + maxAbs);
    }
  }

  @Test
  void batchedRunGivesEachItemTheEmbeddingItGetsAlone() throws IOException {
    float[] input = TorchFixture.input();
    int item = 3 * 64 * 64;
    try (OnnxRuntimeEngine engine =
        OnnxRuntimeEngine.open(TorchFixture.backbone(), TorchFixture.SIZE)) {
      float[][] batch = engine.embed(direct(input), 3);
      FloatBuffer all = direct(input);
      all.position(2 * item);
      float[][] alone = engine.embed(all, 1);
      assertArrayEquals(batch[2], alone[0], 1e-5f);
    }
  }

  @Test
  void useAfterCloseThrowsAndCloseIsIdempotent() throws IOException {
    OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(TorchFixture.backbone(), TorchFixture.SIZE);
    engine.close();
    engine.close();
    EngineException e =
        assertThrows(EngineException.class, () -> engine.embed(direct(TorchFixture.input()), 1));
    assertEquals(EngineException.Code.CLOSED, e.code());
  }

  @Test
  void bufferShorterThanTheBatchIsRefusedBeforeRunning() {
    try (OnnxRuntimeEngine engine =
        OnnxRuntimeEngine.open(TorchFixture.backbone(), TorchFixture.SIZE)) {
      EngineException e =
          assertThrows(EngineException.class, () -> engine.embed(direct(new float[100]), 1));
      assertEquals(EngineException.Code.BAD_INPUT, e.code());
      assertTrue(e.getMessage().contains("needs 12288 floats"), e.getMessage());
    }
  }

  @Test
  void fourChannelInputIsAnUnsupportedLayout() throws IOException {
    Path onnx = TinyOnnx.globalAveragePool(tmp.resolve("c4.onnx"), 0, 4, 8, 8);
    BundleException e = assertThrows(BundleException.class, () -> OnnxRuntimeEngine.open(onnx, 8));
    assertEquals(BundleException.Code.INPUT_LAYOUT, e.code());
    assertTrue(e.getMessage().contains("1 or 3 channels"), e.getMessage());
    assertTrue(e.getMessage().contains("c4.onnx"), e.getMessage());
  }

  @Test
  void channelsLastInputIsAnUnsupportedLayoutAndSaysItLooksLikeNhwc() throws IOException {
    Path onnx = TinyOnnx.globalAveragePool(tmp.resolve("nhwc.onnx"), 0, 8, 8, 3);
    BundleException e = assertThrows(BundleException.class, () -> OnnxRuntimeEngine.open(onnx, 8));
    assertEquals(BundleException.Code.INPUT_LAYOUT, e.code());
    assertTrue(e.getMessage().contains("looks like NHWC"), e.getMessage());
  }

  @Test
  void threeDimensionalInputIsAnUnsupportedLayout() throws IOException {
    Path onnx = TinyOnnx.globalAveragePool(tmp.resolve("chw.onnx"), 0, 3, 8);
    BundleException e = assertThrows(BundleException.class, () -> OnnxRuntimeEngine.open(onnx, 8));
    assertEquals(BundleException.Code.INPUT_LAYOUT, e.code());
    assertTrue(e.getMessage().contains("must be 4-D NCHW"), e.getMessage());
  }

  @Test
  void fixedInputSizeOtherThanTheBundlesIsAnUnsupportedLayout() throws IOException {
    Path onnx = TinyOnnx.globalAveragePool(tmp.resolve("fixed.onnx"), 0, 1, 32, 32);
    BundleException e =
        assertThrows(BundleException.class, () -> OnnxRuntimeEngine.open(onnx, 224));
    assertEquals(BundleException.Code.INPUT_LAYOUT, e.code());
    assertTrue(e.getMessage().contains("preprocessing input size is 224"), e.getMessage());
  }

  @Test
  void singleChannelGraphWithDynamicWidthLearnsDFromTheWarmUpRun() throws IOException {
    Path onnx = TinyOnnx.globalAveragePool(tmp.resolve("grey.onnx"), 0, 1, 0, 0);
    try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(onnx, 16)) {
      assertEquals(new InputShape(1, 16, 16), engine.inputShape());
      assertEquals(1, engine.embeddingWidth());
      float[] ones = new float[2 * 16 * 16];
      java.util.Arrays.fill(ones, 0, 256, 0.25f);
      java.util.Arrays.fill(ones, 256, 512, 0.75f);
      float[][] got = engine.embed(direct(ones), 2);
      assertEquals(0.25f, got[0][0], 1e-6f);
      assertEquals(0.75f, got[1][0], 1e-6f);
    }
  }

  @Test
  void fileThatIsNotOnnxIsUnloadableAndNamed() throws IOException {
    Path junk = java.nio.file.Files.writeString(tmp.resolve("junk.onnx"), "not a graph");
    BundleException e = assertThrows(BundleException.class, () -> OnnxRuntimeEngine.open(junk, 64));
    assertEquals(BundleException.Code.MODEL_UNLOADABLE, e.code());
    assertTrue(e.getMessage().contains("junk.onnx"), e.getMessage());
  }
}
