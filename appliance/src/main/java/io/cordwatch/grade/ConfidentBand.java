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
 *
 * <p>Real normals: phantom validation slices alone chose bands that real anatomy broke (a candidate
 * whose band was fitted on phantoms called a real normal slice high with confidence;
 * docs/validation.md). The choice can therefore also take the P(high) of real normal slices kept
 * out of training, and then accepts only a threshold at which no more than a stated number of them
 * would be confident high calls. The triage threshold is left alone: it is chosen for sensitivity,
 * and a real normal slice above it lands in the borderline band (read manually), which is allowed
 * and counted.
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
   * @param normals what the threshold does to the real normal slices given (none when none were)
   */
  public record Choice(
      double threshold,
      double precision,
      double sensitivity,
      long calls,
      long bandSlices,
      NormalCalls normals) {
    public String describe() {
      String s =
          String.format(
              Locale.ROOT,
              "confident from P(high) %.4f: precision %.3f, sensitivity %.3f (%d confident calls,"
                  + " %d slices in the borderline band)",
              threshold,
              precision,
              sensitivity,
              calls,
              bandSlices);
      return normals.slices() == 0 ? s : s + "; " + normals.describe();
    }
  }

  /**
   * Real normal slices under a chosen threshold.
   *
   * @param slices real normal slices given (graded, not out of distribution)
   * @param confident those at or above the confident threshold: false alarms
   * @param borderline those at or above the triage threshold but below the confident one
   */
  public record NormalCalls(long slices, long confident, long borderline) {
    static final NormalCalls NONE = new NormalCalls(0, 0, 0);

    static NormalCalls of(double[] normals, double triage, double threshold) {
      long confident = Arrays.stream(normals).filter(p -> p >= threshold).count();
      long flagged = Arrays.stream(normals).filter(p -> p >= triage).count();
      return new NormalCalls(normals.length, confident, flagged - confident);
    }

    public String describe() {
      return String.format(
          Locale.ROOT,
          "real normal slices: %d, %d confident high (false alarms), %d borderline",
          slices,
          confident,
          borderline);
    }
  }

  /**
   * @param slices validation slices (graded, not out of distribution)
   * @param triage the bundle's {@code high_threshold}
   * @param targetPrecision in (0, 1)
   * @return the choice, or empty when no threshold below 1 reaches the target
   */
  public static Optional<Choice> choose(List<Rated> slices, double triage, double targetPrecision) {
    return choose(slices, triage, targetPrecision, new double[0], 0);
  }

  /**
   * The smallest threshold that reaches the precision on the validation slices and makes no more
   * than {@code allowedFalseAlarms} of the real normal slices confident high calls.
   *
   * @param slices validation slices (graded, not out of distribution)
   * @param triage the bundle's {@code high_threshold}
   * @param targetPrecision in (0, 1)
   * @param normals P(high) of real normal slices kept out of training (graded, not out of
   *     distribution); empty for no such check
   * @param allowedFalseAlarms how many of them may be confident high calls, at least 0
   * @return the choice, or empty when no threshold below 1 meets both
   */
  public static Optional<Choice> choose(
      List<Rated> slices,
      double triage,
      double targetPrecision,
      double[] normals,
      int allowedFalseAlarms) {
    if (allowedFalseAlarms < 0) {
      throw new IllegalArgumentException(
          "need at least 0 allowed false alarms; got " + allowedFalseAlarms);
    }
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
    // Going down, the last threshold that meets both targets is the smallest: the real-normal
    // check only tightens as the threshold falls, the precision may rise and fall.
    long atTriage = Arrays.stream(byP).filter(r -> r.pHigh() >= triage).count();
    long tp = 0;
    Choice best = null;
    for (int k = 0; k < atTriage; k++) {
      tp += byP[k].high() ? 1 : 0;
      double t = byP[k].pHigh();
      boolean lastOfTie = k + 1 == byP.length || byP[k + 1].pHigh() < t;
      double precision = (double) tp / (k + 1);
      if (lastOfTie && precision >= targetPrecision) {
        NormalCalls n = normals.length == 0 ? NormalCalls.NONE : NormalCalls.of(normals, triage, t);
        if (n.confident() <= allowedFalseAlarms) {
          best =
              new Choice(
                  t,
                  precision,
                  positives == 0 ? Double.NaN : (double) tp / positives,
                  k + 1,
                  atTriage - (k + 1),
                  n);
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
