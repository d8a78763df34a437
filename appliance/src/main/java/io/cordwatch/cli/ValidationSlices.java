package io.cordwatch.cli;

import io.cordwatch.infer.BundleException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The arguments of the bundle commands that choose a threshold on validation slices: the bundle
 * folder, the labels, and the bundle's own {@code grade --json} of the same slices.
 */
final class ValidationSlices {
  @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle folder.")
  Path bundle;

  @Option(
      names = "--reference",
      required = true,
      paramLabel = "CSV",
      description = "Validation labels (labels.csv).")
  Path reference;

  @Option(
      names = "--predicted",
      required = true,
      paramLabel = "JSON",
      description = "The bundle's grade --json document of the same slices.")
  Path predicted;

  /** The graded slices matched to their labels, with a P(high). */
  List<Evaluation.Matched> graded() throws Evaluation.InputException {
    return graded(reference, predicted);
  }

  /** The graded slices of {@code grades} matched to {@code labels}, with a P(high). */
  static List<Evaluation.Matched> graded(Path labels, Path grades)
      throws Evaluation.InputException {
    return Evaluation.evaluate(Evaluation.readLabels(labels), Evaluation.readPredicted(grades))
        .matched()
        .stream()
        .filter(m -> !Double.isNaN(m.predicted().pHigh()))
        .toList();
  }

  /**
   * The work of one threshold command, with its output and error streams; returns the exit status.
   */
  @FunctionalInterface
  interface Choice {
    int run(PrintWriter out, PrintWriter err) throws Evaluation.InputException;
  }

  /**
   * Runs a threshold command the same way for all of them: bad input (labels, grade document) is
   * exit 2, a bundle that does not load, verify or take the value is exit 1, each with the
   * command's name before the message; both streams are flushed.
   */
  static int run(CommandSpec spec, String name, Choice choice) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return choice.run(out, err);
    } catch (Evaluation.InputException e) {
      err.println(name + e.getMessage());
      return 2;
    } catch (BundleException e) {
      err.println(name + e.getMessage() + " [" + e.code() + "]");
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }
}
