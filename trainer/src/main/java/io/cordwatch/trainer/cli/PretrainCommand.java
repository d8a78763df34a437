package io.cordwatch.trainer.cli;

import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.dataset.DatasetException;
import io.cordwatch.trainer.pretrain.Pretraining;
import io.cordwatch.trainer.pretrain.Views;
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
import picocli.CommandLine.Mixin;
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

  @Mixin RunOptions run = new RunOptions(10, 64, 0.05, 1, "cosine", 1);

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
      names = "--temperature",
      paramLabel = "TAU",
      description = "NT-Xent temperature (default ${DEFAULT-VALUE}).")
  double temperature = 0.5;

  @Option(
      names = "--no-artefacts",
      description =
          "Views without the trainer's acquisition artefacts (k-space truncation, motion, ghosts,"
              + " bias, growing noise). Their ranges overlap the phantom's held-out artefact"
              + " family: only a backbone pretrained without them leaves hold-artefact held out"
              + " for the models trained from it.")
  boolean noArtefacts;

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
    run.applyThreads();
    PreprocessingSpec pre = run.preprocessing();
    var views = Views.standard(!noArtefacts);
    List<Dataset> parts = new ArrayList<>();
    for (Path dir : data) {
      // The loader reads the label file for its canal boxes; the grades stay unused.
      parts.add(Dataset.load(dir, Grade.labels(), pre, views, log::println));
    }
    Dataset all = Dataset.concat(parts);
    Pretraining.Config config = new Pretraining.Config(run.settings(out), temperature, views, out);
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
}
