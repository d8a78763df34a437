package io.cordwatch.cli;

import io.cordwatch.grade.HighThreshold;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch bundle set-high-threshold}: the triage threshold, chosen again on graded
 * validation slices by the trainer's own rule ({@link HighThreshold}).
 */
@Command(
    name = "set-high-threshold",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = {
      "Choose on validation slices the bundle's triage threshold head.high_threshold by the rule"
          + " the trainer uses: the largest P(high) threshold whose slice sensitivity reaches"
          + " --target-sensitivity. For a validation set other than (or larger than) the one the"
          + " bundle was trained with: the threshold of a small set is decided by a handful of"
          + " its weakest high-grade slices (docs/validation.md).",
      "The validation slices are a 'cordwatch grade --json' document of this bundle with the"
          + " reference labels; every graded slice counts, as in training. A"
          + " head.confident_high_threshold below the new threshold is removed: choose it again"
          + " with set-confident-high. Exit status 0 when written, 1 when there is no high-grade"
          + " slice or the bundle does not verify, 2 for bad input."
    })
final class BundleHighThreshold implements Callable<Integer> {
  private static final String NAME = "cordwatch bundle set-high-threshold: ";

  @Spec CommandSpec spec;

  @Mixin ValidationSlices slices;

  @Option(
      names = "--target-sensitivity",
      paramLabel = "S",
      description =
          "Share of high-grade validation slices that must be called high (default"
              + " ${DEFAULT-VALUE}, the trainer's default).")
  double targetSensitivity = 0.95;

  @Override
  public Integer call() {
    return ValidationSlices.run(spec, NAME, this::choose);
  }

  private int choose(PrintWriter out, PrintWriter err) throws Evaluation.InputException {
    List<Evaluation.Matched> graded = slices.graded();
    Path bundle = slices.bundle;
    Bundle b = Bundles.load(bundle);
    double[] pHigh = graded.stream().mapToDouble(m -> m.predicted().pHigh()).toArray();
    boolean[] high = new boolean[graded.size()];
    for (int i = 0; i < high.length; i++) {
      high[i] = graded.get(i).reference().grade() >= Evaluation.FIRST_HIGH;
    }
    Optional<HighThreshold.Choice> c;
    try {
      c = HighThreshold.choose(pHigh, high, targetSensitivity);
    } catch (IllegalArgumentException e) {
      err.println(NAME + e.getMessage());
      return 2;
    }
    if (c.isEmpty()) {
      err.printf(
          NAME
              + "none of the %d graded validation slices the predictions match is high grade;"
              + " nothing written%n",
          graded.size());
      return 1;
    }
    HighThreshold.Choice t = c.get();
    if (!t.reaches(targetSensitivity)) {
      err.printf(
          Locale.ROOT,
          NAME
              + "no threshold in (0, 1) reaches sensitivity %s on %d high-grade validation slices:"
              + " the lowest gives %.3f, the others have P(high) = 0 (the model calls them low"
              + " with certainty: is it broken?); nothing written%n",
          targetSensitivity,
          t.positives(),
          t.sensitivity());
      return 1;
    }
    OptionalDouble old = b.highThreshold();
    String slicesSeen =
        String.format(
            Locale.ROOT,
            "%d validation slices (%d high grade, %d low)",
            graded.size(),
            t.positives(),
            t.negatives());
    String measured =
        String.format(
            Locale.ROOT, "sensitivity %.3f, specificity %.3f", t.sensitivity(), t.specificity());
    out.printf(
        Locale.ROOT,
        "%s; threshold %.4f (was %s): %s%n",
        slicesSeen,
        t.threshold(),
        old.isPresent() ? String.format(Locale.ROOT, "%.4f", old.getAsDouble()) : "none",
        measured);
    double band = b.verdictLimits().confidentHighThreshold();
    Bundle now =
        Bundles.setHighThreshold(
                bundle,
                t.threshold(),
                String.format(
                    Locale.ROOT,
                    "chosen by `cordwatch bundle set-high-threshold --target-sensitivity %s` on %s"
                        + " (labels %s), %s: %s",
                    targetSensitivity,
                    slices.predicted,
                    slices.reference,
                    slicesSeen,
                    measured))
            .bundle();
    out.printf("written: %s head.high_threshold %.4f%n", bundle, t.threshold());
    // The writer decides whether a band below the new threshold stays; this says what it did.
    if (band > 0 && now.verdictLimits().confidentHighThreshold() == 0) {
      out.printf(
          "removed: head.confident_high_threshold %.4f lay below it; choose the band again with"
              + " 'cordwatch bundle set-confident-high'%n",
          band);
    }
    return 0;
  }
}
