package io.cordwatch.trainer.cli;

import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.train.LrSchedule;
import io.cordwatch.trainer.train.RunSettings;
import io.cordwatch.trainer.train.Sgd;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options {@code train} and {@code pretrain} share (a picocli mixin): how long and how large a
 * run is, where its checkpoint goes, the optimiser and its schedule, and the network's shape. Each
 * verb gives its own defaults through the constructor, which picocli shows in the help.
 */
final class RunOptions {
  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "Checkpoint and curves folder (default <out>.work).")
  Path work;

  @Option(names = "--epochs", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--input-size",
      paramLabel = "S",
      description = "Crop size S x S (default ${DEFAULT-VALUE}).")
  int inputSize;

  @Option(
      names = "--batch",
      paramLabel = "B",
      description = "Crops per step (default ${DEFAULT-VALUE}).")
  int batch = 64;

  @Option(names = "--resume", description = "Continue from the work folder's checkpoint.")
  boolean resume;

  @Option(names = "--seed", paramLabel = "S", description = "Default ${DEFAULT-VALUE}.")
  long seed = 1;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description = "PyTorch threads (default: all cores).")
  Integer threads;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      description = "Peak learning rate of the head (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(
      names = "--backbone-lr-factor",
      paramLabel = "F",
      description = "Backbone lr = lr x F (default ${DEFAULT-VALUE}).")
  double backboneFactor;

  @Option(
      names = "--lr-schedule",
      paramLabel = "KIND",
      description =
          "constant or cosine (half a cosine down to 0.01x at the last step; default"
              + " ${DEFAULT-VALUE}).")
  String lrSchedule;

  @Option(
      names = "--warmup-epochs",
      paramLabel = "E",
      description = "Linear learning-rate warm-up, in epochs (default ${DEFAULT-VALUE}).")
  double warmupEpochs;

  @Option(names = "--momentum", paramLabel = "M", description = "Default ${DEFAULT-VALUE}.")
  double momentum = 0.9;

  @Option(names = "--weight-decay", paramLabel = "W", description = "Default ${DEFAULT-VALUE}.")
  double weightDecay = 5e-4;

  @Option(
      names = "--width-divisor",
      paramLabel = "N",
      hidden = true,
      description = "Narrower ResNet (tests).")
  int widthDivisor = 1;

  @Option(
      names = "--blocks",
      split = ",",
      paramLabel = "N,N,N,N",
      hidden = true,
      description = "Blocks per stage (default 3,4,6,3).")
  int[] blocks = {3, 4, 6, 3};

  RunOptions(
      int epochs,
      int inputSize,
      double lr,
      double backboneFactor,
      String lrSchedule,
      double warmupEpochs) {
    this.epochs = epochs;
    this.inputSize = inputSize;
    this.lr = lr;
    this.backboneFactor = backboneFactor;
    this.lrSchedule = lrSchedule;
    this.warmupEpochs = warmupEpochs;
  }

  /** Sets PyTorch's thread counts from {@code --threads}, before the engine starts. */
  void applyThreads() {
    if (threads == null) {
      return;
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }
    System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
  }

  /** The bundle's default preprocessing at {@code --input-size}. */
  PreprocessingSpec preprocessing() {
    PreprocessingSpec d = PreprocessingSpec.defaults();
    return new PreprocessingSpec(
        inputSize,
        d.windowLowPercentile(),
        d.windowHighPercentile(),
        d.roiMargin(),
        d.resize(),
        d.mean(),
        d.std());
  }

  /** The ResNet's layers (ResNet50 unless the hidden test options narrow it). */
  LayerSpec layers() {
    return LayerSpec.bottleneck(3, widthDivisor, blocks);
  }

  Sgd.Settings sgd() {
    return new Sgd.Settings(lr, backboneFactor, momentum, weightDecay);
  }

  /**
   * The learning-rate schedule.
   *
   * @throws IllegalArgumentException for a kind other than constant or cosine
   */
  LrSchedule schedule() {
    for (LrSchedule.Kind k : LrSchedule.Kind.values()) {
      if (k.name().equalsIgnoreCase(lrSchedule)) {
        return new LrSchedule(k, warmupEpochs);
      }
    }
    throw new IllegalArgumentException(
        "--lr-schedule must be constant or cosine, got '" + lrSchedule + "'");
  }

  /** The run these options describe, writing to {@code out}. */
  RunSettings settings(Path out) {
    return new RunSettings(
        epochs, batch, seed, layers(), preprocessing(), sgd(), schedule(), workDir(out), resume);
  }

  /** {@code --work}, or {@code <out>.work} beside the output. */
  Path workDir(Path out) {
    return work != null ? work : out.resolveSibling(out.getFileName() + ".work");
  }
}
