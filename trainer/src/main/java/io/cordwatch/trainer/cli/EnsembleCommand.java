package io.cordwatch.trainer.cli;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.trainer.dataset.Augmentation;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.dataset.DatasetException;
import io.cordwatch.trainer.export.EnsembleExport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch ensemble}: one bundle from several trained ones ({@link EnsembleExport}), with
 * its OOD scale and triage threshold fitted on a validation folder. Nothing is trained.
 */
@Command(
    name = "ensemble",
    mixinStandardHelpOptions = true,
    description = {
      "Join trained bundles into one: their backbones run side by side and the prototype head"
          + " gives the normalised geometric mean of their probabilities. The members must agree"
          + " on classes, temperature, preprocessing and localizer. The OOD scale and"
          + " head.high_threshold are fitted on --val; the localizer and calibration slices come"
          + " from the first member.",
    })
final class EnsembleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "2..*", paramLabel = "BUNDLE", description = "Member bundle folders.")
  List<Path> members;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "The new bundle.")
  Path out;

  @Option(
      names = "--val",
      required = true,
      paramLabel = "DIR",
      description = "Held-out graded studies (labels.csv) for the OOD scale and the threshold.")
  Path val;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The bundle's name (default: the --out folder's name).")
  String name;

  @Option(
      names = "--target-sensitivity",
      paramLabel = "S",
      description =
          "Slice sensitivity head.high_threshold is chosen for on --val (default"
              + " ${DEFAULT-VALUE}).")
  double targetSensitivity = 0.95;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Slices per engine call (default ${DEFAULT-VALUE}).")
  int batch = 32;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintStream log = new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8);
    try {
      if (!(targetSensitivity > 0 && targetSensitivity <= 1)) {
        throw new IllegalArgumentException(
            "--target-sensitivity must be in (0, 1], got " + targetSensitivity);
      }
      if (batch < 1) {
        throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
      }
      if (Files.exists(out) && !isEmptyFolder(out)) {
        throw new IllegalArgumentException("--out " + out + " exists and is not empty");
      }
      Bundle first = Bundles.load(members.get(0));
      Dataset valSet =
          Dataset.load(
              val, first.classes(), first.preprocessing(), Augmentation.none(), log::println);
      Path work = out.resolveSibling(out.getFileName() + ".work");
      String bundleName = name != null ? name : String.valueOf(out.getFileName());
      EnsembleExport.Written w =
          EnsembleExport.write(
              new EnsembleExport.Request(
                  members,
                  out,
                  work,
                  bundleName,
                  valSet,
                  targetSensitivity,
                  batch,
                  // The parse result's original arguments start with the verb itself.
                  "cordwatch "
                      + String.join(" ", spec.commandLine().getParseResult().originalArgs())),
              log);
      spec.commandLine().getOut().println(w.verified().bundle().directory().toAbsolutePath());
      spec.commandLine().getOut().flush();
      return 0;
    } catch (DatasetException e) {
      err.println("cordwatch ensemble: " + e.getMessage() + " [" + e.code() + "]");
      return 1;
    } catch (BundleException e) {
      err.println("cordwatch ensemble: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      err.println("cordwatch ensemble: " + e.getMessage());
      return 1;
    } finally {
      log.flush();
      err.flush();
    }
  }

  private static boolean isEmptyFolder(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (var s = Files.list(p)) {
      return s.findAny().isEmpty();
    }
  }
}
