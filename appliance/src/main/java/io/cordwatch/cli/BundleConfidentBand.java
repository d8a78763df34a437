package io.cordwatch.cli;

import io.cordwatch.grade.ConfidentBand;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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
      "The validation slices are a 'cordwatch grade --json' document of this bundle with the"
          + " reference labels; out-of-distribution slices are left out. Exit status 0 when"
          + " written, 1 when no threshold reaches the target or the bundle does not verify, 2"
          + " for bad input."
    })
final class BundleConfidentBand implements Callable<Integer> {
  @Spec CommandSpec spec;

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

  @Option(
      names = "--precision",
      paramLabel = "P",
      description = "Share of confident high calls that must be high (default ${DEFAULT-VALUE}).")
  double precision = 0.85;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Bundle b = Bundles.load(bundle);
      if (b.highThreshold().isEmpty()) {
        err.println(
            "cordwatch bundle set-confident-high: "
                + bundle
                + " has no head.high_threshold; the confident band lies above it");
        return 1;
      }
      Evaluation.Result r =
          Evaluation.evaluate(
              Evaluation.readLabels(reference), Evaluation.readPredicted(predicted));
      List<ConfidentBand.Rated> rated = new ArrayList<>();
      for (Evaluation.Matched m : r.matched()) {
        if (!m.predicted().uncertain() && !Double.isNaN(m.predicted().pHigh())) {
          rated.add(
              new ConfidentBand.Rated(
                  m.predicted().pHigh(), m.reference().grade() >= Evaluation.FIRST_HIGH));
        }
      }
      double triage = b.highThreshold().getAsDouble();
      Optional<ConfidentBand.Choice> c;
      try {
        c = ConfidentBand.choose(rated, triage, precision);
      } catch (IllegalArgumentException e) {
        err.println("cordwatch bundle set-confident-high: --precision: " + e.getMessage());
        return 2;
      }
      if (c.isEmpty()) {
        err.printf(
            "cordwatch bundle set-confident-high: no P(high) threshold reaches precision %.3f on"
                + " %d validation slices; nothing written%n",
            precision, rated.size());
        return 1;
      }
      out.printf(
          "%d validation slices; triage threshold %.4f; %s%n",
          rated.size(), triage, c.get().describe());
      Bundles.setConfidentHighThreshold(bundle, c.get().threshold());
      out.printf("written: %s head.confident_high_threshold %.4f%n", bundle, c.get().threshold());
      return 0;
    } catch (Evaluation.InputException e) {
      err.println("cordwatch bundle set-confident-high: " + e.getMessage());
      return 2;
    } catch (BundleException e) {
      err.println("cordwatch bundle set-confident-high: " + e.getMessage() + " [" + e.code() + "]");
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }
}
