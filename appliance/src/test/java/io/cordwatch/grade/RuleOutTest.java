package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleOutTest {
  private static RuleOut.Series high(boolean low, double max) {
    return new RuleOut.Series(true, low, max);
  }

  private static RuleOut.Series normal(boolean low, double max) {
    return new RuleOut.Series(false, low, max);
  }

  @Test
  void theThresholdIsTheWeakestMissedHighGradeSeriesAndItsCostIsCounted() {
    List<RuleOut.Series> series =
        List.of(
            high(false, 0.95),
            high(true, 0.21),
            high(true, 0.08),
            normal(true, 0.01),
            normal(true, 0.08),
            normal(true, 0.2),
            normal(false, 0.7));
    RuleOut.Choice c = RuleOut.choose(series, 0.33).orElseThrow();
    assertEquals(0.08, c.threshold(), 1e-12);
    assertEquals(2, c.highGradeLow());
    assertEquals(2, c.highGradeMoved());
    assertEquals(3, c.lowGradeLow());
    assertEquals(2, c.lowGradeMoved(), "at or above the threshold moves");
    assertEquals(7, c.series());
    assertTrue(
        c.describe().startsWith("rule out below P(high) 0.0800: 2 of 2 high-grade"), c.describe());
  }

  @Test
  void withNoHighGradeSeriesLowTheWeakestHighGradeSeriesDecidesCappedAtTheTriageThreshold() {
    assertEquals(
        0.2,
        RuleOut.choose(List.of(high(false, 0.9), high(false, 0.2), normal(true, 0.1)), 0.33)
            .orElseThrow()
            .threshold(),
        1e-12);
    assertEquals(
        0.33,
        RuleOut.choose(List.of(high(false, 0.9), normal(true, 0.1)), 0.33)
            .orElseThrow()
            .threshold(),
        1e-12);
  }

  @Test
  void noThresholdAboveZeroOrNoHighGradeSeriesGivesNone() {
    assertTrue(RuleOut.choose(List.of(high(true, 0.0), normal(true, 0.1)), 0.33).isEmpty());
    assertTrue(RuleOut.choose(List.of(normal(true, 0.1)), 0.33).isEmpty());
    assertTrue(
        RuleOut.choose(List.of(high(true, Double.NaN), normal(true, 0.1)), 0.33).isEmpty(),
        "a series with no confident slice gives no value");
    assertThrows(IllegalArgumentException.class, () -> RuleOut.choose(List.of(), 1.0));
  }

  @Test
  void aReadingBudgetMovesAtMostItsShareOfTheLowGradeSeriesCalledLow() {
    // Six low-grade series called low; a third may move: 2, those above the third largest (0.15).
    List<RuleOut.Series> series =
        List.of(
            normal(true, 0.30),
            normal(true, 0.20),
            normal(true, 0.15),
            normal(true, 0.10),
            normal(true, 0.05),
            normal(true, Double.NaN),
            normal(true, 0.01),
            normal(false, 0.9),
            high(true, 0.25),
            high(true, 0.12),
            high(false, 0.8));
    RuleOut.Choice c = RuleOut.withBudget(series, 0.33, 1.0 / 3).orElseThrow();
    assertEquals(Math.nextUp(0.15), c.threshold());
    assertEquals(2, c.lowGradeMoved());
    assertEquals(7, c.lowGradeLow());
    assertEquals(1, c.highGradeMoved(), "0.25 is caught, 0.12 is not");
    assertEquals(2, c.highGradeLow());
    // Never above the triage threshold; nothing to budget gives none.
    assertEquals(0.18, RuleOut.withBudget(series, 0.18, 0.2).orElseThrow().threshold());
    assertTrue(RuleOut.withBudget(List.of(high(true, 0.2)), 0.33, 0.3).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> RuleOut.withBudget(series, 0.33, 1));
  }
}
