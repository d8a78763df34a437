package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HighThresholdTest {
  // Ten high-grade slices and ten low-grade ones, P(high) crafted.
  private static final double[] P = {
    0.95, 0.90, 0.85, 0.80, 0.70, 0.60, 0.40, 0.30, 0.20, 0.10, // high grade
    0.50, 0.35, 0.25, 0.15, 0.12, 0.08, 0.05, 0.04, 0.02, 0.01 // low grade
  };
  private static final boolean[] HIGH = new boolean[20];

  static {
    for (int i = 0; i < 10; i++) {
      HIGH[i] = true;
    }
  }

  @Test
  void theLargestThresholdReachingTheTargetSensitivityIsChosen() {
    HighThreshold.Choice c = HighThreshold.choose(P, HIGH, 0.8).orElseThrow();
    assertEquals(0.30, c.threshold(), "8 of 10 high slices are >= 0.30; at 0.40 only 7");
    assertEquals(0.8, c.sensitivity());
    assertEquals(0.8, c.specificity(), "0.50 and 0.35 of the low slices are called high");
    assertEquals(10, c.positives());
    assertEquals(10, c.negatives());
  }

  @Test
  void aTargetOfNinetyFivePercentOfTenSlicesNeedsAllTen() {
    HighThreshold.Choice c = HighThreshold.choose(P, HIGH, 0.95).orElseThrow();
    assertEquals(0.10, c.threshold());
    assertEquals(1.0, c.sensitivity());
    assertTrue(c.sensitivity() >= 0.95);
  }

  @Test
  void aTargetThatIsAnExactShareIsNotRoundedUpByFloatingPoint() {
    // 0.7 * 10 is 7.000000000000001 in binary: still 7 slices (down to 0.40), not 8 (0.30).
    assertEquals(0.40, HighThreshold.choose(P, HIGH, 0.7).orElseThrow().threshold());
  }

  @Test
  void aChoiceOfOneIsMovedInsideTheOpenInterval() {
    double[] p = {1.0, 0.2};
    boolean[] high = {true, false};
    double t = HighThreshold.choose(p, high, 1.0).orElseThrow().threshold();
    assertTrue(t < 1 && t > 0.99, "read back by the appliance, which needs (0, 1): " + t);
  }

  @Test
  void withoutHighGradeSlicesThereIsNoThreshold() {
    assertTrue(HighThreshold.choose(new double[] {0.3}, new boolean[] {false}, 0.95).isEmpty());
  }

  @Test
  void aTargetOutsideZeroToOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> HighThreshold.choose(P, HIGH, 0));
    assertThrows(IllegalArgumentException.class, () -> HighThreshold.choose(P, HIGH, 1.2));
  }

  @Test
  void aChoiceMovedOffZeroDoesNotReachItsTarget() {
    // Three of four high-grade slices at P(high) exactly 0: the rule's 0 becomes the smallest
    // positive threshold, which calls one of four high.
    double[] p = {1.0, 0.0, 0.0, 0.0, 0.0};
    boolean[] high = {true, true, true, true, false};
    HighThreshold.Choice c = HighThreshold.choose(p, high, 0.75).orElseThrow();
    assertEquals(0.25, c.sensitivity(), 1e-12);
    assertFalse(c.reaches(0.75));
    assertTrue(HighThreshold.choose(P, HIGH, 0.8).orElseThrow().reaches(0.8));
  }
}
