package io.cordwatch.cli;

import io.cordwatch.grade.ConfidentBand;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cordwatch bundle set-confident-high}: the confident band, chosen on validation data. */
@Command(
    name = "set-confident-high",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Choose on validation slices the P(high) from which the bundle's high calls are confident"
          + " (the smallest threshold, at or above head.high_threshold, whose calls reach"
          + " --precision) and write it to the bundle as head.confident_high_threshold. Between the"
          + " two thresholds a high call is borderline: the series verdict is indeterminate (read"
          + " manually), not high (docs/grading.md).",
      "With --normals-reference and --normals-predicted, real normal slices kept out of"
          + " training take part: only a threshold that makes at most --allowed-false-alarms of"
          + " them confident high calls is accepted (phantom slices alone chose bands that real"
          + " anatomy broke; docs/validation.md).",
      "The validation slices are a 'cordwatch grade --json' document of this bundle with the"
          + " reference labels; out-of-distribution slices are left out. Exit status 0 when"
          + " written, 1 when no threshold reaches the target or the bundle does not verify, 2"
          + " for bad input."
    })
final class BundleConfidentBand implements Callable<Integer> {
  private static final String NAME = "cordwatch bundle set-confident-high: ";

  @Spec CommandSpec spec;

  @Mixin ValidationSlices slices;

  @Option(
      names = "--precision",
      paramLabel = "P",
      description = "Share of confident high calls that must be high (default ${DEFAULT-VALUE}).")
  double precision = 0.85;

  @Option(
      names = "--normals-reference",
      paramLabel = "CSV",
      description =
          "Labels of real slices kept out of training (labels.csv); its grade-0 slices are the"
              + " real normals.")
  Path normalsReference;

  @Option(
      names = "--normals-predicted",
      paramLabel = "JSON",
      description = "The bundle's grade --json document of those real slices.")
  Path normalsPredicted;

  @Option(
      names = "--allowed-false-alarms",
      paramLabel = "N",
      description =
          "Real normal slices that may be confident high calls (default ${DEFAULT-VALUE}).")
  int allowedFalseAlarms = 0;

  @Override
  public Integer call() {
    return ValidationSlices.run(spec, NAME, this::choose);
  }

  private int choose(PrintWriter out, PrintWriter err) throws Evaluation.InputException {
    Path bundle = slices.bundle;
    Bundle b = Bundles.load(bundle);
    if (b.highThreshold().isEmpty()) {
      err.println(NAME + bundle + " has no head.high_threshold; the confident band lies above it");
      return 1;
    }
    if ((normalsReference == null) != (normalsPredicted == null)) {
      err.println(
          "cordwatch bundle set-confident-high: --normals-reference and --normals-predicted go"
              + " together");
      return 2;
    }
    List<ConfidentBand.Rated> rated =
        graded(slices.reference, slices.predicted).stream()
            .map(
                m ->
                    new ConfidentBand.Rated(
                        m.predicted().pHigh(), m.reference().grade() >= Evaluation.FIRST_HIGH))
            .toList();
    double[] normals =
        normalsReference == null
            ? new double[0]
            : graded(normalsReference, normalsPredicted).stream()
                .filter(m -> m.reference().grade() == 0)
                .mapToDouble(m -> m.predicted().pHigh())
                .toArray();
    if (normalsReference != null && normals.length == 0) {
      err.println(NAME + normalsReference + " holds no graded grade-0 slice the predictions match");
      return 2;
    }
    double triage = b.highThreshold().getAsDouble();
    Optional<ConfidentBand.Choice> c;
    try {
      c = ConfidentBand.choose(rated, triage, precision, normals, allowedFalseAlarms);
    } catch (IllegalArgumentException e) {
      err.println(NAME + e.getMessage());
      return 2;
    }
    if (c.isEmpty()) {
      err.printf(
          "cordwatch bundle set-confident-high: no P(high) threshold reaches precision %.3f on"
              + " %d validation slices%s; nothing written%n",
          precision,
          rated.size(),
          normals.length == 0
              ? ""
              : String.format(
                  " with at most %d of %d real normal slices confident high",
                  allowedFalseAlarms, normals.length));
      return 1;
    }
    out.printf(
        "%d validation slices; triage threshold %.4f; %s%n",
        rated.size(), triage, c.get().describe());
    Bundles.setConfidentHighThreshold(
        bundle,
        c.get().threshold(),
        "chosen by `cordwatch bundle set-confident-high --precision "
            + precision
            + "` on "
            + slices.predicted
            + " (labels "
            + slices.reference
            + (normalsReference == null
                ? ""
                : "; real normals " + normalsPredicted + ", labels " + normalsReference)
            + "), "
            + rated.size()
            + " validation slices: "
            + c.get().describe());
    out.printf("written: %s head.confident_high_threshold %.4f%n", bundle, c.get().threshold());
    return 0;
  }

  /**
   * Graded slices matched to their labels; out-of-distribution slices are left out (they are never
   * confident calls).
   */
  private static List<Evaluation.Matched> graded(Path labels, Path grades)
      throws Evaluation.InputException {
    return ValidationSlices.graded(labels, grades).stream()
        .filter(m -> !m.predicted().uncertain())
        .toList();
  }
}
