package io.cordwatch.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.trainer.TinyNet;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.dataset.PhantomData;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.Weights;
import io.cordwatch.trainer.pretrain.BackboneFile;
import io.cordwatch.trainer.pretrain.Pretraining;
import io.cordwatch.trainer.pretrain.Views;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pretraining on a few phantom slices with a tiny ResNet (two steps per epoch): it writes a
 * checkpoint and a backbone file; the supervised run started from that file holds exactly its
 * weights; a resumed pretraining ends where an uninterrupted one does; files that do not fit are
 * refused with a message naming them.
 */
class InitBackboneTest {
  private static final LayerSpec TINY = TinyNet.SPEC;
  private static final PreprocessingSpec SPEC = TinyNet.PRE;

  @TempDir static Path shared;
  private static Dataset data;

  @BeforeAll
  static void data() {
    data =
        Dataset.load(
            PhantomData.write(shared.resolve("phantom"), 2, 5, 41),
            Bundle.DEFAULT_CLASSES,
            SPEC,
            Views.standard(),
            s -> {});
  }

  private static Pretraining.Config config(Path dir, LayerSpec spec, int epochs, boolean resume) {
    return new Pretraining.Config(
        new RunSettings(
            epochs,
            4,
            7,
            spec,
            SPEC,
            new Sgd.Settings(0.05, 1, 0.9, 5e-4),
            new LrSchedule(LrSchedule.Kind.COSINE, 1),
            dir.resolve("work"),
            resume),
        0.5,
        Views.standard(),
        dir.resolve("backbone.bin"));
  }

  private static List<Pretraining.EpochStats> pretrain(Pretraining.Config c, StringBuilder log)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Pretraining.EpochStats> h =
        new Pretraining(c, data, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    log.append(bytes.toString(StandardCharsets.UTF_8));
    return h;
  }

  @Test
  void aPretrainedFileStartsTheSupervisedRunWithExactlyItsWeights(@TempDir Path tmp)
      throws IOException {
    StringBuilder log = new StringBuilder();
    List<Pretraining.EpochStats> h = pretrain(config(tmp, TINY, 1, false), log);
    assertTrue(data.size() >= 8 && data.size() < 12, "two steps of 4: " + data.size());
    assertEquals(1, h.size());
    assertTrue(Double.isFinite(h.getFirst().loss()) && h.getFirst().loss() > 0, log.toString());
    assertTrue(log.toString().contains("epoch 1/1"), log.toString());
    assertTrue(log.toString().contains("2 steps"), log.toString());
    assertTrue(log.toString().contains("img/s"), log.toString());
    assertTrue(Files.isRegularFile(tmp.resolve("work").resolve(Pretraining.CHECKPOINT)));
    assertEquals(2, Files.readAllLines(tmp.resolve("work").resolve(Pretraining.CURVES)).size());

    Path file = tmp.resolve("backbone.bin");
    Map<String, float[]> saved = Checkpoint.load(file).model();
    // Pretraining moved the weights away from their He start.
    Weights he = Weights.heNormal(TINY, 7);
    assertFalse(java.util.Arrays.equals(he.get("conv1.weight"), saved.get("conv1.weight")));

    BackboneInit init = BackboneFile.read(file, TINY);
    assertTrue(init.isPretrained());
    assertTrue(init.description().contains("pretrained self-supervised"), init.description());
    assertTrue(init.description().contains("backbone.bin"), init.description());
    TrainingRun.Config c =
        new TrainingRun.Config(
            new RunSettings(
                1,
                4,
                5,
                TINY,
                SPEC,
                Sgd.Settings.published(),
                LrSchedule.constant(),
                tmp.resolve("sup"),
                false),
            Losses.Weights.published(),
            Views.standard(),
            Bundle.DEFAULT_HIGH_GRADE,
            init);
    try (ProtoNet net = TrainingRun.initialNet(c, 6)) {
      Map<String, float[]> state = net.state();
      assertEquals(saved.size() + 1, state.size(), "every backbone tensor plus the prototypes");
      for (Map.Entry<String, float[]> e : saved.entrySet()) {
        assertArrayEquals(e.getValue(), state.get(e.getKey()), 0f, e.getKey());
      }
    }
  }

  @Test
  void aResumedPretrainingEndsExactlyWhereAnUninterruptedOneEnds(@TempDir Path tmp)
      throws IOException {
    StringBuilder log = new StringBuilder();
    pretrain(config(tmp.resolve("a"), TINY, 2, false), log);
    pretrain(config(tmp.resolve("b"), TINY, 1, false), log);
    pretrain(config(tmp.resolve("b"), TINY, 2, true), log);
    assertTrue(log.toString().contains("resuming from"), log.toString());
    Map<String, float[]> a = Checkpoint.load(tmp.resolve("a").resolve("backbone.bin")).model();
    Map<String, float[]> b = Checkpoint.load(tmp.resolve("b").resolve("backbone.bin")).model();
    assertEquals(a.keySet(), b.keySet());
    for (String name : a.keySet()) {
      assertArrayEquals(a.get(name), b.get(name), 0f, name);
    }
    assertEquals(3, Files.readAllLines(tmp.resolve("b/work").resolve(Pretraining.CURVES)).size());
  }

  @Test
  void refusesAMissingFileAnotherNetworkAndAFileThatIsNoBackbone(@TempDir Path tmp)
      throws IOException {
    Path missing = tmp.resolve("none.bin");
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> BackboneFile.read(missing, TINY));
    assertTrue(none.getMessage().contains(missing.toString()), none.getMessage());
    assertTrue(none.getMessage().contains("no such file"), none.getMessage());

    pretrain(config(tmp, TINY, 1, false), new StringBuilder());
    Path file = tmp.resolve("backbone.bin");
    LayerSpec wider = LayerSpec.bottleneck(3, 8, 1, 1, 1, 1);
    IllegalArgumentException other =
        assertThrows(IllegalArgumentException.class, () -> BackboneFile.read(file, wider));
    assertTrue(other.getMessage().contains(file.toString()), other.getMessage());
    assertTrue(other.getMessage().contains("this run builds"), other.getMessage());

    // The work folder's checkpoint is a pretraining checkpoint, not a backbone file.
    Path ckpt = tmp.resolve("work").resolve(Pretraining.CHECKPOINT);
    IllegalArgumentException kind =
        assertThrows(IllegalArgumentException.class, () -> BackboneFile.read(ckpt, TINY));
    assertTrue(kind.getMessage().contains(ckpt.toString()), kind.getMessage());
    assertTrue(kind.getMessage().contains("not a pretrained backbone"), kind.getMessage());

    Path junk = Files.writeString(tmp.resolve("junk.bin"), "not a checkpoint");
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> BackboneFile.read(junk, TINY));
    assertTrue(bad.getMessage().contains(junk.toString()), bad.getMessage());
  }
}
