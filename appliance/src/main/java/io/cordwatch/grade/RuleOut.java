package io.cordwatch.grade;

import io.cordwatch.infer.VerdictLimits;
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
 *
 * <p>A validation set drawn like the training data may call no high-grade series low at all (the
 * shipped bundle's does not), and then the rule above has nothing to fit. {@link #withBudget}
 * chooses by the cost instead: the smallest threshold that moves at most a stated share of the
 * low-grade series called low to {@code indeterminate} (a reading budget), whatever it catches.
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
   * @param highGradeLow high-grade series called low without it
   * @param highGradeMoved of those, the ones it moves to indeterminate
   * @param lowGradeLow low-grade series called low without it
   * @param lowGradeMoved of those, the ones it moves to indeterminate
   * @param series validation series with a reference
   */
  public record Choice(
      double threshold,
      int highGradeLow,
      int highGradeMoved,
      int lowGradeLow,
      int lowGradeMoved,
      int series) {
    public String describe() {
      return String.format(
          Locale.ROOT,
          "rule out below P(high) %.4f: %d of %d high-grade series called low move to"
              + " indeterminate; %d of %d low-grade series called low move with them (%d series)",
          threshold,
          highGradeMoved,
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
    checkTriage(triage);
    double missed = Double.POSITIVE_INFINITY;
    double weakest = Double.POSITIVE_INFINITY;
    boolean anyLow = false;
    for (Series s : series) {
      if (!s.highGrade() || Double.isNaN(s.maxConfidentPHigh())) {
        continue;
      }
      weakest = Math.min(weakest, s.maxConfidentPHigh());
      if (s.lowWithoutRuleOut()) {
        anyLow = true;
        missed = Math.min(missed, s.maxConfidentPHigh());
      }
    }
    if (Double.isInfinite(weakest)) {
      return Optional.empty();
    }
    double r = Math.min(triage, anyLow ? missed : weakest);
    if (!(r > 0)) {
      return Optional.empty();
    }
    return Optional.of(at(series, r));
  }

  /**
   * The smallest rule-out threshold that moves at most {@code budget} of the low-grade series
   * called low to indeterminate: with k = floor(budget x n) of the n such series allowed to move
   * and their largest confident P(high) sorted descending, just above the (k + 1)-th (its next
   * float up), so that exactly those strictly above it move; never above the triage threshold.
   * Empty when no low-grade series is called low.
   *
   * @param budget in (0, 1)
   */
  public static Optional<Choice> withBudget(List<Series> series, double triage, double budget) {
    checkTriage(triage);
    if (!(budget > 0 && budget < 1)) {
      throw new IllegalArgumentException("the reading budget must be in (0, 1), got " + budget);
    }
    double[] low =
        series.stream()
            .filter(s -> !s.highGrade() && s.lowWithoutRuleOut())
            .mapToDouble(Series::maxConfidentPHigh)
            .filter(p -> !Double.isNaN(p))
            .sorted()
            .toArray();
    if (low.length == 0) {
      return Optional.empty();
    }
    int k = (int) Math.floor(budget * low.length);
    double r = Math.min(triage, Math.nextUp(low[low.length - 1 - k]));
    return Optional.of(at(series, r));
  }

  private static void checkTriage(double triage) {
    if (!(triage > 0 && triage < 1)) {
      throw new IllegalArgumentException("the triage threshold must be in (0, 1), got " + triage);
    }
  }

  /** What rule-out threshold {@code r} does to these series. */
  static Choice at(List<Series> series, double r) {
    int highLow = 0;
    int highMoved = 0;
    int lowLow = 0;
    int lowMoved = 0;
    for (Series s : series) {
      if (!s.lowWithoutRuleOut()) {
        continue;
      }
      boolean moves = VerdictLimits.possibleHigh(r, s.maxConfidentPHigh());
      if (s.highGrade()) {
        highLow++;
        highMoved += moves ? 1 : 0;
      } else {
        lowLow++;
        lowMoved += moves ? 1 : 0;
      }
    }
    return new Choice(r, highLow, highMoved, lowLow, lowMoved, series.size());
  }
}
