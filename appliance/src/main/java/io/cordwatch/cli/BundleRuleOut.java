package io.cordwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.grade.RuleOut;
import io.cordwatch.grade.Verdict;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cordwatch bundle set-rule-out}: the rule-out threshold, chosen on validation series. */
@Command(
    name = "set-rule-out",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Choose on validation series the P(high) below which a slice not called high rules high"
          + " grade out (the largest value that leaves no high-grade series of the validation set"
          + " called low) and write it to the bundle as head.rule_out_threshold. A series without"
          + " high calls that has a confident slice at or above it is indeterminate (read"
          + " manually), not low (docs/grading.md).",
      "With --low-budget F the choice is by cost instead: the smallest P(high) that moves at most"
          + " the share F of the low-grade series called low to indeterminate, whatever it catches"
          + " (for validation sets that call no high-grade series low).",
      "The validation series are a 'cordwatch grade --json' document of this bundle (graded the"
          + " way the appliance grades, e.g. with its localizer) with the reference labels; a"
          + " series is high grade when any of its labelled slices is 1c or worse. Exit status 0"
          + " when written, 1 when no threshold above 0 does it or the bundle does not verify, 2"
          + " for bad input."
    })
final class BundleRuleOut implements Callable<Integer> {
  private static final String NAME = "cordwatch bundle set-rule-out: ";

  @Spec CommandSpec spec;

  @Mixin ValidationSlices slices;

  @Option(
      names = "--low-budget",
      paramLabel = "F",
      description =
          "Choose by cost: the share, in (0, 1), of the low-grade series called low that may move to"
              + " indeterminate (default: choose by the high-grade series called low).")
  Double lowBudget;

  @Override
  public Integer call() {
    return ValidationSlices.run(spec, NAME, this::choose);
  }

  private int choose(PrintWriter out, PrintWriter err) throws Evaluation.InputException {
    Path bundle = slices.bundle;
    Bundle b = Bundles.load(bundle);
    if (b.highThreshold().isEmpty()) {
      err.println(
          NAME + bundle + " has no head.high_threshold; the rule-out threshold lies below it");
      return 1;
    }
    if (lowBudget != null && !(lowBudget > 0 && lowBudget < 1)) {
      err.println(NAME + "--low-budget must be in (0, 1), got " + lowBudget);
      return 2;
    }
    List<RuleOut.Series> series = series(slices.reference, slices.predicted);
    double triage = b.highThreshold().getAsDouble();
    Optional<RuleOut.Choice> c =
        lowBudget == null
            ? RuleOut.choose(series, triage)
            : RuleOut.withBudget(series, triage, lowBudget);
    if (c.isEmpty()) {
      err.println(
          NAME
              + (lowBudget == null
                  ? "no rule-out threshold above P(high) 0 leaves every high-grade series of "
                      + slices.predicted
                      + " uncalled low (or it holds no high-grade series with a confident"
                      + " slice)"
                  : slices.predicted + " holds no low-grade series called low to budget")
              + "; nothing written");
      return 1;
    }
    out.printf("triage threshold %.4f; %s%n", triage, c.get().describe());
    Bundles.setRuleOutThreshold(
        bundle,
        c.get().threshold(),
        "chosen by `cordwatch bundle set-rule-out"
            + (lowBudget == null ? "" : " --low-budget " + lowBudget)
            + "` on "
            + slices.predicted
            + " (labels "
            + slices.reference
            + "): "
            + c.get().describe());
    out.printf("written: %s head.rule_out_threshold %.4f%n", bundle, c.get().threshold());
    return 0;
  }

  /**
   * The graded series of {@code grades} that hold at least one slice labelled in {@code labels}.
   */
  static List<RuleOut.Series> series(Path labels, Path grades) throws Evaluation.InputException {
    Map<Evaluation.Key, Integer> reference = new HashMap<>();
    for (Evaluation.Slice s : Evaluation.readLabels(labels)) {
      reference.put(s.key(), s.grade());
    }
    List<RuleOut.Series> out = new ArrayList<>();
    for (JsonNode se : Evaluation.readGradeSeries(grades)) {
      JsonNode v = se.path("verdict");
      if (!v.isObject()) {
        continue; // not graded (not selected, or failed): no verdict to change
      }
      boolean labelled = false;
      boolean high = false;
      double max = Double.NaN;
      for (JsonNode sl : se.path("slices")) {
        Integer g = reference.get(Evaluation.Key.of(sl));
        if (g != null) {
          labelled = true;
          high |= g >= Evaluation.FIRST_HIGH;
        }
        JsonNode p = sl.path("p_high");
        if ("graded".equals(sl.path("status").asText("graded"))
            && !sl.path("uncertain").asBoolean(false)
            && p.isNumber()) {
          max = Double.isNaN(max) ? p.asDouble() : Math.max(max, p.asDouble());
        }
      }
      if (!labelled) {
        continue;
      }
      String group = v.path("group").asText("");
      boolean low =
          Verdict.LOW.equals(group)
              || (Verdict.INDETERMINATE.equals(group)
                  && Verdict.REASON_POSSIBLE_HIGH.equals(
                      v.path("indeterminate_reason").asText("")));
      out.add(new RuleOut.Series(high, low, max));
    }
    if (out.isEmpty()) {
      throw new Evaluation.InputException(
          grades + ": no graded series holds a slice labelled in " + labels);
    }
    return out;
  }
}
