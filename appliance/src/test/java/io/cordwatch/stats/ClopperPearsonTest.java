package io.cordwatch.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClopperPearsonTest {

  @Test
  void textbookSevenOfTwentyGivesPoint1539ToPoint5922() {
    // The standard example (e.g. R binom.test(7, 20): 0.1539092 0.5921885).
    Interval i = ClopperPearson.interval(7, 20);
    assertEquals(0.35, i.value(), 1e-15);
    assertEquals(0.1539092, i.lower(), 5e-8);
    assertEquals(0.5921885, i.upper(), 5e-8);
  }

  @Test
  void noneObservedHasTheClosedFormUpperBound() {
    // x = 0: upper = 1 - (alpha/2)^(1/n), checkable by hand (n = 10: 0.3084971).
    for (int n : new int[] {1, 10, 250}) {
      Interval i = ClopperPearson.interval(0, n);
      assertEquals(0, i.lower());
      assertEquals(1 - Math.pow(0.025, 1.0 / n), i.upper(), 1e-12);
    }
  }

  @Test
  void allObservedHasTheClosedFormLowerBound() {
    for (int n : new int[] {1, 10, 250}) {
      Interval i = ClopperPearson.interval(n, n);
      assertEquals(1, i.upper());
      assertEquals(Math.pow(0.025, 1.0 / n), i.lower(), 1e-12);
    }
  }

  @Test
  void oneOfTwoIsSymmetricAroundAHalf() {
    // x = 1, n = 2: bounds are 1 - sqrt(0.975) and sqrt(0.975) exactly.
    Interval i = ClopperPearson.interval(1, 2);
    assertEquals(1 - Math.sqrt(0.975), i.lower(), 1e-12);
    assertEquals(Math.sqrt(0.975), i.upper(), 1e-12);
  }

  @Test
  void exactIntervalHasNoWaldStandardError() {
    assertFalse(Double.isFinite(ClopperPearson.interval(3, 9).standardError()));
  }

  @Test
  void nothingToCountIsAClearError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(0, 0));
    assertTrue(e.getMessage().contains("n > 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(5, 4));
    assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(-1, 4));
  }

  @Test
  void sensitivityWithoutReferencePositivesIsUndefinedNotZero() {
    Dichotomous d = Dichotomous.of(0, 0, 2, 18);
    assertFalse(d.sensitivity().defined());
    assertEquals(0.9, d.specificity().value(), 1e-15);
  }
}
