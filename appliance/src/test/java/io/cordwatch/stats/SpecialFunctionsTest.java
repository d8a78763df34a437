package io.cordwatch.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {

  @Test
  void logGammaHitsFactorialsAndRootPi() {
    assertEquals(Math.log(24), SpecialFunctions.logGamma(5), 1e-13);
    assertEquals(Math.log(Math.sqrt(Math.PI)), SpecialFunctions.logGamma(0.5), 1e-13);
    assertEquals(Math.log(362880), SpecialFunctions.logGamma(10), 1e-12);
  }

  @Test
  void incompleteBetaMatchesClosedForms() {
    // I_x(1, b) = 1 - (1 - x)^b and I_x(a, 1) = x^a.
    assertEquals(1 - Math.pow(0.7, 3), SpecialFunctions.regularizedBeta(0.3, 1, 3), 1e-14);
    assertEquals(Math.pow(0.3, 4), SpecialFunctions.regularizedBeta(0.3, 4, 1), 1e-14);
    assertEquals(0.5, SpecialFunctions.regularizedBeta(0.5, 7.5, 7.5), 1e-14);
  }

  @Test
  void inverseUndoesTheIncompleteBeta() {
    double x = SpecialFunctions.inverseRegularizedBeta(0.3, 2.5, 40);
    assertEquals(0.3, SpecialFunctions.regularizedBeta(x, 2.5, 40), 1e-13);
  }

  @Test
  void studentQuantilesMatchTables() {
    // Two-sided 95% critical values: df 1 -> 12.706, df 10 -> 2.228, df 99 -> 1.984.
    assertEquals(12.7062, SpecialFunctions.studentTQuantile(0.975, 1), 5e-5);
    assertEquals(2.2281, SpecialFunctions.studentTQuantile(0.975, 10), 5e-5);
    assertEquals(1.9842, SpecialFunctions.studentTQuantile(0.975, 99), 5e-5);
    assertEquals(-2.2281, SpecialFunctions.studentTQuantile(0.025, 10), 5e-5);
  }
}
