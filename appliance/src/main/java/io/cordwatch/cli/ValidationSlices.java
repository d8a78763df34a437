package io.cordwatch.cli;

import java.nio.file.Path;
import java.util.List;
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
}
