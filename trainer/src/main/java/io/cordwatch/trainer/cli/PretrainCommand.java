package io.cordwatch.trainer.cli;

import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.dataset.DatasetException;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.pretrain.Pretraining;
import io.cordwatch.trainer.pretrain.Views;
import io.cordwatch.trainer.train.LrSchedule;
import io.cordwatch.trainer.train.Sgd;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch-trainer pretrain}: self-supervised (SimCLR) pretraining of the backbone on the
 * canal-box crops of training folders, without their grades; the result is the file {@code train
 * --init-backbone} starts from (package {@code io.cordwatch.trainer.pretrain}).
 *
 * <p>Folders whose name says they are for validation or testing ({@code val*}, {@code hold*}, or
 * containing {@code test}) are refused: pretraining on them, even without labels, would fit the
 * backbone to the very slices a model is later judged on.
 */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Pretrain the ResNet backbone self-supervised (SimCLR: two augmented views of each canal-box"
          + " crop, NT-Xent loss, projection head discarded) on training folders; grades are not"
          + " used. Writes the backbone for train --init-backbone.",
      "Progress goes to stderr and <work>/curves.csv; a checkpoint and the backbone file are"
          + " written after every epoch (continue with --resume)."
    })
final class PretrainCommand implements Callable<Integer> {
  /** Folder names that hold evaluation data by this project's convention. */
  static final Pattern EVALUATION_FOLDER = Pattern.compile("(?i)^(val|hold).*|.*test.*");

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Training studies with canal boxes (labels.csv or VOC XML); repeatable.")
  List<Path> data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The pretrained backbone file (rewritten after every epoch).")
  Path out;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "Checkpoint and curves folder (default <out>.work).")
  Path work;

  @Option(names = "--epochs", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
  int epochs = 10;

  @Option(
      names = "--input-size",
      paramLabel = "S",
      description = "Crop size S x S (default ${DEFAULT-VALUE}).")
  int inputSize = 64;

  @Option(
      names = "--batch",
      paramLabel = "B",
      description = "Crops per step, each in two views (default ${DEFAULT-VALUE}).")
  int batch = 64;

  @Option(names = "--seed", paramLabel = "S", description = "Default ${DEFAULT-VALUE}.")
  long seed = 1;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description = "PyTorch threads (default: all cores).")
  Integer threads;

  @Option(names = "--resume", description = "Continue from the work folder's checkpoint.")
  boolean resume;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  double lr = 0.05;

  @Option(
      names = "--backbone-lr-factor",
      paramLabel = "F",
      description = "Backbone lr = lr x F (default ${DEFAULT-VALUE}).")
  double backboneFactor = 1;

  @Option(
      names = "--lr-schedule",
      paramLabel = "KIND",
      description = "constant or cosine (default ${DEFAULT-VALUE}).")
  String lrSchedule = "cosine";

  @Option(
      names = "--warmup-epochs",
      paramLabel = "E",
      description = "Linear warm-up, in epochs (default ${DEFAULT-VALUE}).")
  double warmupEpochs = 1;

  @Option(names = "--momentum", paramLabel = "M", description = "Default ${DEFAULT-VALUE}.")
  double momentum = 0.9;

  @Option(names = "--weight-decay", paramLabel = "W", description = "Default ${DEFAULT-VALUE}.")
  double weightDecay = 5e-4;

  @Option(
      names = "--temperature",
      paramLabel = "TAU",
      description = "NT-Xent temperature (default ${DEFAULT-VALUE}).")
  double temperature = 0.5;

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

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintStream log = new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8);
    try {
      return pretrain(log);
    } catch (DatasetException e) {
      err.println("cordwatch pretrain: " + e.getMessage() + " [" + e.code() + "]");
      return 1;
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      err.println("cordwatch pretrain: " + e.getMessage());
      return 1;
    } finally {
      log.flush();
      err.flush();
    }
  }

  private int pretrain(PrintStream log) throws IOException {
    for (Path dir : data) {
      String name = String.valueOf(dir.toAbsolutePath().normalize().getFileName());
      if (EVALUATION_FOLDER.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "--data "
                + dir
                + ": a validation or test folder by its name (val*, hold*, *test*); pretraining"
                + " on it, even without grades, would fit the backbone to the slices it is judged"
                + " on. Give training folders only.");
      }
    }
    if (threads != null) {
      if (threads < 1) {
        throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
      }
      System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    PreprocessingSpec d = PreprocessingSpec.defaults();
    PreprocessingSpec pre =
        new PreprocessingSpec(
            inputSize,
            d.windowLowPercentile(),
            d.windowHighPercentile(),
            d.roiMargin(),
            d.resize(),
            d.mean(),
            d.std());
    var views = Views.standard();
    List<Dataset> parts = new ArrayList<>();
    for (Path dir : data) {
      // The loader reads the label file for its canal boxes; the grades stay unused.
      parts.add(Dataset.load(dir, Grade.labels(), pre, views, log::println));
    }
    Dataset all = Dataset.concat(parts);
    Path workDir = work != null ? work : out.resolveSibling(out.getFileName() + ".work");
    Pretraining.Config config =
        new Pretraining.Config(
            epochs,
            batch,
            seed,
            LayerSpec.bottleneck(3, widthDivisor, blocks),
            pre,
            new Sgd.Settings(lr, backboneFactor, momentum, weightDecay),
            new LrSchedule(scheduleKind(lrSchedule), warmupEpochs),
            temperature,
            views,
            out,
            workDir,
            resume);
    List<Pretraining.EpochStats> history = new Pretraining(config, all, log).run();
    if (!history.isEmpty()) {
      Pretraining.EpochStats first = history.getFirst();
      Pretraining.EpochStats last = history.getLast();
      log.printf(
          Locale.ROOT,
          "loss %.4f after epoch %d, %.4f after epoch %d%n",
          first.loss(),
          first.epoch(),
          last.loss(),
          last.epoch());
    }
    spec.commandLine().getOut().println(out.toAbsolutePath());
    spec.commandLine().getOut().flush();
    return 0;
  }

  private static LrSchedule.Kind scheduleKind(String text) {
    for (LrSchedule.Kind k : LrSchedule.Kind.values()) {
      if (k.name().equalsIgnoreCase(text)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "--lr-schedule must be constant or cosine, got '" + text + "'");
  }
}
