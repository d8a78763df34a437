package io.cordwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.grade.BaselineDiscount;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.SeriesBaseline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cordwatch bundle set-baseline}: the series baseline discount, chosen on validation. */
@Command(
    name = "set-baseline",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Choose on validation series the reference of the series baseline discount and write it"
          + " to the bundle as head.series_baseline. A series whose normal level (the --quantile"
          + " of its slices' logit P(high)) lies above the reference has the difference taken off"
          + " before the triage threshold and the confident band are applied; the rule-out"
          + " threshold is not moved, so the discount never makes a series low (docs/grading.md).",
      "The reference is the --reference-quantile of the validation series' normal levels. The"
          + " validation series are a 'cordwatch grade --json' document of this bundle, graded"
          + " the way the appliance grades (e.g. with its localizer); no labels are needed: the"
          + " level of a series is that of its normal slices. Exit status 0 when written, 1 when"
          + " the bundle does not take it, 2 for bad input."
    })
final class BundleBaseline implements Callable<Integer> {
  private static final String NAME = "cordwatch bundle set-baseline: ";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle folder.")
  Path bundle;

  @Option(
      names = "--predicted",
      required = true,
      paramLabel = "JSON",
      description = "The bundle's grade --json document of validation series.")
  Path predicted;

  @Option(
      names = "--quantile",
      paramLabel = "Q",
      description = "A series' normal level: this quantile of its logit P(high). Default 0.1.")
  double quantile = 0.1;

  @Option(
      names = "--min-slices",
      paramLabel = "N",
      description = "Series with fewer graded slices are never discounted. Default 20.")
  int minSlices = 20;

  @Option(
      names = "--reference-quantile",
      paramLabel = "R",
      description = "The reference: this quantile of the validation series' levels. Default 0.9.")
  double referenceQuantile = 0.9;

  @Override
  public Integer call() {
    return ValidationSlices.run(spec, NAME, this::choose);
  }

  private int choose(PrintWriter out, PrintWriter err) throws Evaluation.InputException {
    Bundle b = Bundles.load(bundle);
    if (b.highThreshold().isEmpty()) {
      err.println(
          NAME + bundle + " has no head.high_threshold; the discount raises a P(high) threshold");
      return 1;
    }
    List<double[]> series = series(predicted);
    SeriesBaseline chosen;
    try {
      chosen = BaselineDiscount.choose(series, quantile, minSlices, referenceQuantile);
    } catch (IllegalArgumentException e) {
      err.println(NAME + predicted + ": " + e.getMessage());
      return 2;
    }
    long discounted = series.stream().filter(p -> chosen.discount(p) > 0).count();
    String basis =
        String.format(
            Locale.ROOT,
            "chosen by `cordwatch bundle set-baseline --quantile %s --min-slices %d"
                + " --reference-quantile %s` on %s: the reference is P(high) %.4f at a series'"
                + " normal level; %d of its %d series would be discounted",
            quantile,
            minSlices,
            referenceQuantile,
            predicted,
            SeriesBaseline.probability(chosen.referenceLogit()),
            discounted,
            series.size());
    Bundles.setSeriesBaseline(bundle, chosen, basis);
    out.printf(
        Locale.ROOT,
        "written: %s head.series_baseline quantile %s, min_slices %d, reference_logit %.4f (%d of"
            + " %d validation series would be discounted)%n",
        bundle,
        chosen.quantile(),
        chosen.minSlices(),
        chosen.referenceLogit(),
        discounted,
        series.size());
    return 0;
  }

  /** Each graded series of a grade document: its graded slices' P(high). */
  static List<double[]> series(Path grades) throws Evaluation.InputException {
    List<double[]> out = new ArrayList<>();
    for (JsonNode se : Evaluation.readGradeSeries(grades)) {
      List<Double> p = new ArrayList<>();
      for (JsonNode sl : se.path("slices")) {
        if ("graded".equals(sl.path("status").asText("")) && sl.path("p_high").isNumber()) {
          p.add(sl.path("p_high").asDouble());
        }
      }
      if (!p.isEmpty()) {
        out.add(p.stream().mapToDouble(Double::doubleValue).toArray());
      }
    }
    if (out.isEmpty()) {
      throw new Evaluation.InputException(grades + ": no series with a graded slice and P(high)");
    }
    return out;
  }
}
