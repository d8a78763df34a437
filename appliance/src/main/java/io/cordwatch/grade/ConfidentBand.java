package io.cordwatch.grade;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the P(high) from which a high call is confident, on validation slices: the smallest
 * threshold, at or above the triage threshold, at which the share of high calls that are truly high
 * (precision) reaches a stated target. Below it, down to the triage threshold, lies the borderline
 * band: slices the appliance flags for a reader ({@code indeterminate}) instead of calling high.
 *
 * <p>Why precision: the triage threshold is chosen for sensitivity, so that few high-grade slices
 * go unflagged, and at that point many of its calls are wrong (on the randomized validation
 * phantoms, two of three). A verdict of "high grade" should mean what it says; a call in the band
 * where the model was often wrong means "possible, read it".
 */
public final class ConfidentBand {
  private ConfidentBand() {}

  /** One validation slice: the model's P(high) and whether the reference grade is high. */
  public record Rated(double pHigh, boolean high) {}

  /**
   * What the choice gives on the validation slices.
   *
   * @param threshold the chosen confident threshold
   * @param precision share of slices at or above it that are high
   * @param sensitivity share of high slices at or above it
   * @param bandSlices slices between the triage threshold and it (the borderline band)
   */
  public record Choice(
      double threshold, double precision, double sensitivity, long calls, long bandSlices) {
    public String describe() {
      return String.format(
          Locale.ROOT,
          "confident from P(high) %.4f: precision %.3f, sensitivity %.3f (%d confident calls, %d"
              + " slices in the borderline band)",
          threshold,
          precision,
          sensitivity,
          calls,
          bandSlices);
    }
  }

  /**
   * @param slices validation slices (graded, not out of distribution)
   * @param triage the bundle's {@code high_threshold}
   * @param targetPrecision in (0, 1)
   * @return the choice, or empty when no threshold below 1 reaches the target
   */
  public static Optional<Choice> choose(List<Rated> slices, double triage, double targetPrecision) {
    if (!(targetPrecision > 0 && targetPrecision < 1) || !(triage > 0 && triage < 1)) {
      throw new IllegalArgumentException(
          "need 0 < precision < 1 and 0 < triage threshold < 1; got "
              + targetPrecision
              + ", "
              + triage);
    }
    Rated[] byP = slices.toArray(Rated[]::new);
    Arrays.sort(byP, Comparator.comparingDouble(Rated::pHigh).reversed());
    long positives = slices.stream().filter(Rated::high).count();
    // Walk thresholds from the top: after k slices the calls are the k highest P(high).
    // The band is every slice from the triage threshold down that is not a confident call: the
    // count of slices at or above the triage threshold less the chosen calls, known at the end.
    long atTriage = Arrays.stream(byP).filter(r -> r.pHigh() >= triage).count();
    long tp = 0;
    Choice best = null;
    for (int k = 0; k < atTriage; k++) {
      tp += byP[k].high() ? 1 : 0;
      double t = byP[k].pHigh();
      boolean lastOfTie = k + 1 == byP.length || byP[k + 1].pHigh() < t;
      double precision = (double) tp / (k + 1);
      if (lastOfTie && precision >= targetPrecision) {
        best =
            new Choice(
                t,
                precision,
                positives == 0 ? Double.NaN : (double) tp / positives,
                k + 1,
                atTriage - (k + 1));
      }
    }
    return Optional.ofNullable(best);
  }
}
