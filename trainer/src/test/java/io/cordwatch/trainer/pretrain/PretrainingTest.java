package io.cordwatch.trainer.pretrain;

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
import io.cordwatch.trainer.train.Checkpoint;
import io.cordwatch.trainer.train.LrSchedule;
import io.cordwatch.trainer.train.RunSettings;
import io.cordwatch.trainer.train.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pretraining loop on a tiny ResNet: an epoch stopped by a one-off NaN starts again from the
 * previous epoch's checkpoint, in place, and the run ends exactly where an uninterrupted one ends;
 * a NaN that comes back stops the run with the last good checkpoint kept.
 */
class PretrainingTest {
  private static final LayerSpec TINY = TinyNet.SPEC;
  private static final PreprocessingSpec SPEC = TinyNet.PRE;

  @TempDir static Path shared;
  private static Dataset data;

  @BeforeAll
  static void data() {
    data =
        Dataset.load(
            PhantomData.write(shared.resolve("phantom"), 2, 6, 21),
            Bundle.DEFAULT_CLASSES,
            SPEC,
            Augmentation.standard(),
            s -> {});
  }

  private static Map<String, float[]> pretrain(
      Path dir, int epochs, ByteArrayOutputStream log, BiPredicate<Integer, Integer> fault)
      throws IOException {
    RunSettings run =
        new RunSettings(
            epochs,
            4,
            5,
            TINY,
            SPEC,
            Sgd.Settings.published(),
            LrSchedule.constant(),
            dir.resolve("work"),
            false);
    Pretraining.Config config =
        new Pretraining.Config(run, 0.5, Views.standard(), dir.resolve("ssl.bin"));
    new Pretraining(config, data, new PrintStream(log, true, StandardCharsets.UTF_8))
        .withFault(fault)
        .run();
    return Checkpoint.load(dir.resolve("work").resolve(Pretraining.CHECKPOINT)).model();
  }

  @Test
  void aOneOffNaNRestartsTheEpochInPlaceAndTheRunEndsWhereAnUninterruptedOneEnds(@TempDir Path tmp)
      throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Map<String, float[]> straight = pretrain(tmp.resolve("a"), 3, log, (e, s) -> false);
    AtomicBoolean struck = new AtomicBoolean();
    Map<String, float[]> restarted =
        pretrain(
            tmp.resolve("b"),
            3,
            log,
            (epoch, step) -> epoch == 2 && step == 1 && !struck.getAndSet(true));
    assertTrue(struck.get(), "the fault was never injected");
    assertEquals(straight.keySet(), restarted.keySet());
    for (String name : straight.keySet()) {
      assertArrayEquals(straight.get(name), restarted.get(name), 0f, name);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("epoch 2 stopped at step 2: the contrastive loss became NaN"), text);
    assertTrue(text.contains("restarting epoch 2 once from the checkpoint of epoch 1"), text);
    assertEquals(
        4,
        Files.readAllLines(tmp.resolve("b").resolve("work").resolve(Pretraining.CURVES)).size(),
        "header and one row per epoch, none for the stopped try");
  }

  @Test
  void aNaNThatComesBackStopsTheRunKeepingTheLastGoodCheckpoint(@TempDir Path tmp) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    IllegalStateException again =
        assertThrows(
            IllegalStateException.class,
            () -> pretrain(tmp, 3, log, (epoch, step) -> epoch == 2 && step == 0));
    assertTrue(
        again.getMessage().startsWith("stopped again after restarting epoch 2: the contrastive"),
        again.getMessage());
    assertEquals(
        1,
        lastCheckpoint(tmp.resolve("work").resolve(Pretraining.CHECKPOINT))
            .header()
            .get("epoch")
            .asInt());
  }

  private static Checkpoint lastCheckpoint(Path file) {
    try {
      return Checkpoint.load(file);
    } catch (IOException e) {
      throw new AssertionError("the last good checkpoint is unreadable: " + file, e);
    }
  }
}
