package io.cordwatch.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.trainer.TinyNet;
import io.cordwatch.trainer.dataset.Augmentation;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.dataset.PhantomData;
import io.cordwatch.trainer.model.LayerSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop on a tiny ResNet and a few phantom slices: seeded runs are reproducible, a run
 * resumed from its epoch checkpoint ends exactly where an uninterrupted run ends, so does one whose
 * epoch was restarted after a one-off NaN, a fault that comes back stops the run, a checkpoint of a
 * different run is refused, and the curves file gets one row per epoch.
 */
class TrainingRunTest {
  private static final LayerSpec TINY = TinyNet.SPEC;
  private static final PreprocessingSpec SPEC = TinyNet.PRE;

  @TempDir static Path shared;
  private static Dataset.Split split;

  @BeforeAll
  static void data() {
    Dataset all =
        Dataset.load(
            PhantomData.write(shared.resolve("phantom"), 3, 6, 21),
            Bundle.DEFAULT_CLASSES,
            SPEC,
            Augmentation.standard(),
            s -> {});
    split = all.splitByStudy(0.34, 1);
  }

  private static TrainingRun.Config config(Path work, int epochs, long seed, boolean resume) {
    return new TrainingRun.Config(
        new RunSettings(
            epochs,
            4,
            seed,
            TINY,
            SPEC,
            Sgd.Settings.published(),
            LrSchedule.constant(),
            work,
            resume),
        Losses.Weights.published(),
        Augmentation.standard(),
        Bundle.DEFAULT_HIGH_GRADE,
        null);
  }

  private static Map<String, float[]> train(TrainingRun.Config c, ByteArrayOutputStream log)
      throws IOException {
    return train(c, log, (epoch, step) -> false);
  }

  private static Map<String, float[]> train(
      TrainingRun.Config c, ByteArrayOutputStream log, BiPredicate<Integer, Integer> fault)
      throws IOException {
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    TrainingRun.Result r =
        new TrainingRun(c, split.train(), split.validation(), out).withFault(fault).run();
    r.net().close();
    return Checkpoint.load(c.run().workDir().resolve(TrainingRun.CHECKPOINT)).model();
  }

  @Test
  void aResumedRunEndsExactlyWhereAnUninterruptedRunEnds(@TempDir Path tmp) throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Map<String, float[]> straight = train(config(tmp.resolve("a"), 2, 5, false), log);
    train(config(tmp.resolve("b"), 1, 5, false), log);
    Map<String, float[]> resumed = train(config(tmp.resolve("b"), 2, 5, true), log);
    assertEquals(straight.keySet(), resumed.keySet());
    for (String name : straight.keySet()) {
      assertArrayEquals(straight.get(name), resumed.get(name), 0f, name);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("resuming from"), text);
    assertTrue(text.contains("epoch 2/2"), text);

    List<String> curves = Files.readAllLines(tmp.resolve("b").resolve(TrainingRun.CURVES));
    assertEquals(TrainingRun.CURVES_HEADER, curves.getFirst());
    assertEquals(3, curves.size(), "header and one row per epoch: " + curves);
    assertTrue(curves.get(2).startsWith("2,"), curves.get(2));

    // Training moved the weights and batch norm collected running statistics.
    float[] runningMean = straight.get("bn1.running_mean");
    double sum = 0;
    for (float v : runningMean) {
      sum += Math.abs(v);
    }
    assertTrue(sum > 0, "running statistics were never updated");
  }

  @Test
  void aOneOffNaNRestartsTheEpochFromItsCheckpointAndTheRunEndsWhereAnUninterruptedOneEnds(
      @TempDir Path tmp) throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Map<String, float[]> straight = train(config(tmp.resolve("a"), 3, 5, false), log);
    AtomicBoolean struck = new AtomicBoolean();
    Map<String, float[]> restarted =
        train(
            config(tmp.resolve("b"), 3, 5, false),
            log,
            (epoch, step) -> epoch == 2 && step == 1 && !struck.getAndSet(true));
    assertTrue(struck.get(), "the fault was never injected");
    for (String name : straight.keySet()) {
      assertArrayEquals(straight.get(name), restarted.get(name), 0f, name);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("epoch 2 stopped at step 2: the loss became NaN"), text);
    assertTrue(text.contains("restarting epoch 2 once from the checkpoint of epoch 1"), text);
    List<String> curves = Files.readAllLines(tmp.resolve("b").resolve(TrainingRun.CURVES));
    assertEquals(4, curves.size(), "header and one row per epoch, none for the stopped try");
  }

  @Test
  void aFaultThatComesBackStopsTheRunKeepingTheLastGoodCheckpoint(@TempDir Path tmp)
      throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path work = tmp.resolve("w");
    IllegalStateException again =
        assertThrows(
            IllegalStateException.class,
            () -> train(config(work, 3, 5, false), log, (epoch, step) -> epoch == 2 && step == 0));
    assertTrue(
        again
            .getMessage()
            .startsWith("stopped again after restarting epoch 2: the loss became NaN"),
        again.getMessage());
    assertEquals(
        1, Checkpoint.load(work.resolve(TrainingRun.CHECKPOINT)).header().get("epoch").asInt());

    // The first epoch has no checkpoint to go back to: it stops at once.
    IllegalStateException first =
        assertThrows(
            IllegalStateException.class,
            () ->
                train(
                    config(tmp.resolve("f"), 2, 5, false),
                    log,
                    (epoch, step) -> epoch == 1 && step == 0));
    assertTrue(first.getMessage().startsWith("the loss became NaN"), first.getMessage());
  }

  @Test
  void aDifferentSeedGivesDifferentWeightsAndTheSameSeedTheSame(@TempDir Path tmp)
      throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Map<String, float[]> a = train(config(tmp.resolve("a"), 1, 5, false), log);
    Map<String, float[]> b = train(config(tmp.resolve("b"), 1, 5, false), log);
    Map<String, float[]> c = train(config(tmp.resolve("c"), 1, 6, false), log);
    assertArrayEquals(a.get("conv1.weight"), b.get("conv1.weight"), 0f);
    assertArrayEquals(a.get(ProtoNet.PROTOTYPES), b.get(ProtoNet.PROTOTYPES), 0f);
    assertTrue(!java.util.Arrays.equals(a.get("conv1.weight"), c.get("conv1.weight")));
  }

  @Test
  void refusesToOverwriteACheckpointOrResumeAnotherRun(@TempDir Path tmp) throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path work = tmp.resolve("w");
    train(config(work, 1, 5, false), log);
    IllegalStateException again =
        assertThrows(IllegalStateException.class, () -> train(config(work, 1, 5, false), log));
    assertTrue(again.getMessage().contains("--resume"), again.getMessage());
    IllegalStateException other =
        assertThrows(IllegalStateException.class, () -> train(config(work, 2, 9, true), log));
    assertTrue(other.getMessage().contains("seed 5"), other.getMessage());
    IllegalStateException none =
        assertThrows(
            IllegalStateException.class, () -> train(config(tmp.resolve("x"), 1, 5, true), log));
    assertTrue(none.getMessage().contains("no checkpoint"), none.getMessage());
  }
}
