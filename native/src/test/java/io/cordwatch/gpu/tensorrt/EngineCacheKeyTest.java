package io.cordwatch.gpu.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineCacheKeyTest {
  static final String SHA = "0123456789abcdef".repeat(4);
  static final String CAL = "fedcba9876543210".repeat(4);

  private static EngineCacheKey key(String gpu, String trt, Precision p, int dla) {
    return new EngineCacheKey(gpu, 8, 7, trt, p, dla, 64, 224, SHA, p == Precision.INT8 ? CAL : "");
  }

  @Test
  void theEngineFileNamesEverythingThatMakesAPlanInvalid() {
    EngineCacheKey k = key("Orin", "10.3.0", Precision.FP16, -1);
    assertEquals(
        "backbone-0123456789abcdef-sm87-orin-trt10.3.0-fp16-gpu-b64-s224.engine", k.engineFile());
    assertEquals("timing-sm87-orin-trt10.3.0.cache", k.timingCacheFile());
    assertNotEquals(k.engineFile(), key("Orin", "10.3.1", Precision.FP16, -1).engineFile());
    assertEquals(
        "backbone-0123456789abcdef-sm87-orin-trt10.3.0-int8-calfedcba987654-gpu-b64-s224.engine",
        key("Orin", "10.3.0", Precision.INT8, -1).engineFile());
    assertNotEquals(k.engineFile(), key("Orin", "10.3.0", Precision.FP16, 0).engineFile());
    assertEquals(
        "timing-sm87-nvidia-rtx-6000-ada-generation-trt10.3.0.cache",
        key("NVIDIA RTX 6000 Ada Generation", "10.3.0", Precision.FP16, -1).timingCacheFile());
  }

  @Test
  void onlyAnInt8KeyNamesItsCalibration() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new EngineCacheKey("Orin", 8, 7, "10.3.0", Precision.INT8, -1, 64, 224, SHA, ""));
    assertThrows(
        IllegalArgumentException.class,
        () -> new EngineCacheKey("Orin", 8, 7, "10.3.0", Precision.FP16, -1, 64, 224, SHA, CAL));
  }

  @Test
  void optionsRefuseWhatCannotBuild() {
    Path onnx = Path.of("backbone.onnx");
    Path cache = Path.of("engines");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TensorRtOptions(
                onnx, SHA, 224, Precision.INT8, 64, 8, -1, 1L << 30, cache, Optional.empty(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TensorRtOptions(
                onnx, SHA, 224, Precision.FP32, 64, 8, 0, 1L << 30, cache, Optional.empty(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TensorRtOptions(
                onnx, SHA, 224, Precision.FP16, 65, 8, -1, 1L << 30, cache, Optional.empty(), 0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TensorRtOptions(
                onnx, "abc", 224, Precision.FP16, 64, 8, -1, 1L << 30, cache, Optional.empty(), 0));
  }
}
