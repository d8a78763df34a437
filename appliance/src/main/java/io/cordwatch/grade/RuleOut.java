package io.cordwatch.grade;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the rule-out threshold on validation series: the P(high) below which a slice that is not
 * called high rules high grade out. A series whose verdict is {@code low} while its reference holds
 * a high-grade slice is the triage failure that matters most (a compressed cord sent home); the
 * rule-out threshold is the largest value that leaves no such series of the validation set low: the
 * smallest, over the high-grade series called low, of their largest confident P(high). Series at or
 * above it become {@code indeterminate} ({@value Verdict#REASON_POSSIBLE_HIGH}), read manually.
 *
 * <p>When no high-grade validation series is called low, the threshold is the smallest largest
 * confident P(high) over all high-grade series, never above the triage threshold (at the triage
 * threshold it changes nothing). The cost is the low-grade series it moves from {@code low} to
 * {@code indeterminate}, which {@link Choice} reports.
 */
public final class RuleOut {
  private RuleOut() {}

  /**
   * One validation series.
   *
   * @param highGrade whether the reference holds a slice graded 1c or worse
   * @param lowWithoutRuleOut whether the verdict is low, or would be without a rule-out threshold
   *     (indeterminate only for {@value Verdict#REASON_POSSIBLE_HIGH})
   * @param maxConfidentPHigh the largest P(high) of its confident (graded, not uncertain) slices;
   *     NaN when it has none
   */
  public record Series(boolean highGrade, boolean lowWithoutRuleOut, double maxConfidentPHigh) {}

  /**
   * What the choice gives on the validation series.
   *
   * @param threshold the rule-out threshold
   * @param highGradeLow high-grade series called low without it (all move to indeterminate)
   * @param lowGradeLow low-grade series called low without it
   * @param lowGradeMoved of those, the ones it moves to indeterminate
   * @param series validation series with a reference
   */
  public record Choice(
      double threshold, int highGradeLow, int lowGradeLow, int lowGradeMoved, int series) {
    public String describe() {
      return String.format(
          Locale.ROOT,
          "rule out below P(high) %.4f: %d high-grade series called low move to indeterminate;"
              + " %d of %d low-grade series called low move with them (%d series)",
          threshold,
          highGradeLow,
          lowGradeMoved,
          lowGradeLow,
          series);
    }
  }

  /**
   * The rule-out threshold for these series under a triage threshold; empty when a high-grade
   * series called low has no confident slice above P(high) 0 (no threshold above 0 catches it) or
   * there is no high-grade series with a confident slice.
   */
  public static Optional<Choice> choose(List<Series> series, double triage) {
    if (!(triage > 0 && triage < 1)) {
      throw new IllegalArgumentException("the triage threshold must be in (0, 1), got " + triage);
    }
    double missed = Double.POSITIVE_INFINITY;
    double weakest = Double.POSITIVE_INFINITY;
    int highLow = 0;
    for (Series s : series) {
      if (!s.highGrade() || Double.isNaN(s.maxConfidentPHigh())) {
        continue;
      }
      weakest = Math.min(weakest, s.maxConfidentPHigh());
      if (s.lowWithoutRuleOut()) {
        highLow++;
        missed = Math.min(missed, s.maxConfidentPHigh());
      }
    }
    if (Double.isInfinite(weakest)) {
      return Optional.empty();
    }
    double r = Math.min(triage, highLow > 0 ? missed : weakest);
    if (!(r > 0)) {
      return Optional.empty();
    }
    int lowLow = 0;
    int moved = 0;
    for (Series s : series) {
      if (!s.highGrade() && s.lowWithoutRuleOut()) {
        lowLow++;
        moved += s.maxConfidentPHigh() >= r ? 1 : 0;
      }
    }
    return Optional.of(new Choice(r, highLow, lowLow, moved, series.size()));
  }
}
