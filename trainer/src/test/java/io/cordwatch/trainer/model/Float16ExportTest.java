package io.cordwatch.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.OnnxRuntimeEngine;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.infer.Provenance;
import io.cordwatch.trainer.TinyNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The float16-weights export: half the bytes, loaded and run by ONNX Runtime, accepted by the
 * appliance's bundle checks, and close to the float32 export. The tolerance is that of rounding
 * every weight to 11 significant bits (relative 2^-11 = 4.9e-4 per weight), compounded through the
 * network: 2e-3 of the embedding's scale for the tiny net, 1e-2 for ResNet50's 53 convolutions.
 */
class Float16ExportTest {
  private static final LayerSpec TINY = TinyNet.SPEC;

  @TempDir Path tmp;

  private static double compare(Weights w, int size, Path dir, String label) throws IOException {
    Path fp32 = dir.resolve(label + "-fp32.onnx");
    Path fp16 = dir.resolve(label + "-fp16.onnx");
    long b32 = OnnxWriter.write(w, size, fp32, OnnxWriter.Precision.FLOAT32);
    long b16 = OnnxWriter.write(w, size, fp16, OnnxWriter.Precision.FLOAT16);
    assertTrue(b16 < 0.55 * b32, label + ": float16 file " + b16 + " bytes vs float32 " + b32);
    float[] input = Fixtures.gaussian(2 * 3 * size * size, 8);
    try (OnnxRuntimeEngine a = OnnxRuntimeEngine.open(fp32, size);
        OnnxRuntimeEngine b = OnnxRuntimeEngine.open(fp16, size)) {
      assertEquals(a.embeddingWidth(), b.embeddingWidth());
      double error =
          Fixtures.maxRelativeError(
              b.embed(Fixtures.direct(input), 2), a.embed(Fixtures.direct(input), 2));
      System.out.printf(
          "%s float16 weights: %.1f MB vs %.1f MB float32; max relative embedding error %.3g%n",
          label, b16 / 1e6, b32 / 1e6, error);
      return error;
    } finally {
      Files.deleteIfExists(fp32);
      Files.deleteIfExists(fp16);
    }
  }

  @Test
  void tinyNetworkInFloat16MatchesFloat32() throws IOException {
    double error = compare(Fixtures.withBatchNormStatistics(TINY, 12), 32, tmp, "tiny");
    assertTrue(error > 0, "the float16 export should round something");
    assertTrue(error <= 2e-3, "max relative error " + error);
  }

  @Test
  void resNet50InFloat16IsUnder50MegabytesAndMatchesFloat32() throws IOException {
    double error =
        compare(Fixtures.withBatchNormStatistics(LayerSpec.resnet50(3), 52), 64, tmp, "ResNet50");
    assertTrue(error <= 1e-2, "max relative error " + error);
  }

  @Test
  void bundleChecksAcceptAFloat16Backbone() throws IOException {
    Path onnx = tmp.resolve("b.onnx");
    OnnxWriter.write(Weights.heNormal(TINY, 1), 32, onnx, OnnxWriter.Precision.FLOAT16);
    Path protos = tmp.resolve("p.f32");
    Files.write(protos, new byte[6 * TINY.embeddingWidth() * 4]);
    PreprocessingSpec d = PreprocessingSpec.defaults();
    Bundles.Verified v =
        Bundles.create(
            tmp.resolve("bundle"),
            new Bundles.Recipe(
                "fp16",
                onnx,
                protos,
                Bundle.DEFAULT_CLASSES,
                Bundle.DEFAULT_HIGH_GRADE,
                2,
                1,
                Double.POSITIVE_INFINITY,
                new PreprocessingSpec(
                    32,
                    d.windowLowPercentile(),
                    d.windowHighPercentile(),
                    d.roiMargin(),
                    d.resize(),
                    d.mean(),
                    d.std()),
                new Provenance("test", LocalDate.now(), Map.of(), false, ""),
                Double.NaN));
    assertEquals(TINY.embeddingWidth(), v.embeddingWidth());
  }
}
