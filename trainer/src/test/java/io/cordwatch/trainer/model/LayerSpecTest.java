package io.cordwatch.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LayerSpecTest {

  @Test
  void resnet50HasTorchvisionsShapeAndParameterCount() {
    LayerSpec spec = LayerSpec.resnet50(3);
    assertEquals(2048, spec.embeddingWidth());
    assertEquals(16, spec.blocks().size());
    assertEquals(53, spec.convs().size());
    long learnable =
        spec.parameterSizes().entrySet().stream()
            .filter(e -> !e.getKey().contains("running_"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    // torchvision resnet50 has 25,557,032 parameters, of which its fc layer holds 2048*1000 + 1000.
    assertEquals(25_557_032L - 2_049_000L, learnable);
    assertTrue(spec.parameterSizes().containsKey("layer3.5.bn3.running_var"));
  }

  @Test
  void strideSitsOnTheThreeByThreeConvOfEachStagesFirstBlock() {
    List<LayerSpec.Block> blocks = LayerSpec.resnet50(1).blocks();
    LayerSpec.Block layer2 = blocks.get(3);
    assertEquals("layer2.0", layer2.name());
    assertEquals(1, layer2.reduce().stride());
    assertEquals(2, layer2.spatial().stride());
    assertEquals(2, layer2.downsample().stride());
    assertNull(blocks.get(4).downsample());
    // layer1 keeps resolution but widens 64 -> 256, so it still needs a projection.
    assertEquals(1, blocks.get(0).downsample().stride());
  }

  @Test
  void tinyVariantScalesWidthsAndBlocks() {
    LayerSpec tiny = LayerSpec.bottleneck(3, 16, 1, 1, 1, 1);
    assertEquals(4, tiny.stemWidth());
    assertEquals(128, tiny.embeddingWidth());
    assertEquals(4, tiny.blocks().size());
  }

  @Test
  void malformedSpecsAreRefusedNamingWhatIsWrong() {
    assertRefused("inputChannels must be 1 or 3", () -> LayerSpec.bottleneck(2, 16, 1));
    assertRefused("stage 2 (layer2)", () -> LayerSpec.bottleneck(3, 16, 1, 0, 1, 1));
    assertRefused("widthDivisor must divide 64", () -> LayerSpec.bottleneck(3, 3, 1));
    assertRefused("1 to 4 block counts", () -> LayerSpec.bottleneck(3, 1));
    assertRefused(
        "stride must be 1 or 2",
        () -> new LayerSpec(3, 64, List.of(new LayerSpec.Stage(64, 1, 3)), 4));
    assertRefused("at least one stage", () -> new LayerSpec(3, 64, List.of(), 4));
  }

  @Test
  void weightsRefuseTensorsOfTheWrongSizeOrName() {
    Weights w = Weights.heNormal(LayerSpec.bottleneck(3, 16, 1), 1);
    assertRefused("needs 4 floats, got 3", () -> w.put("bn1.weight", new float[3]));
    assertRefused("no tensor 'fc.weight'", () -> w.get("fc.weight"));
    assertRefused("eps must be positive", () -> w.withEps(0));
  }

  @Test
  void heInitialisationIsSeededAndScaledByFanIn() {
    LayerSpec spec = LayerSpec.resnet50(3);
    Weights a = Weights.heNormal(spec, 42);
    Weights b = Weights.heNormal(spec, 42);
    float[] kernel = a.get("layer4.2.conv2.weight");
    assertEquals(kernel[1234], b.get("layer4.2.conv2.weight")[1234]);
    double sumSq = 0;
    for (float v : kernel) {
      sumSq += (double) v * v;
    }
    double expected = 2.0 / (512 * 3 * 3);
    assertEquals(expected, sumSq / kernel.length, 0.02 * expected);
    assertEquals(1f, a.get("bn1.running_var")[0]);
  }

  private static void assertRefused(String fragment, Executable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
