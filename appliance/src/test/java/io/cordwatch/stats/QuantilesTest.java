package io.cordwatch.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.junit.jupiter.api.Test;

/**
 * The library quantiles the intervals rest on, called as {@link Agreement} and {@link
 * ClopperPearson} call them, against published tables and closed forms: a library upgrade or a
 * swapped parameterisation shows here before it shows in a report.
 */
class QuantilesTest {

  @Test
  void studentQuantilesMatchTables() {
    // Two-sided 95% critical values (R qt): df 1 -> 12.706, df 10 -> 2.228, df 99 -> 1.984.
    assertEquals(12.7062, TDistribution.of(1).inverseCumulativeProbability(0.975), 5e-5);
    assertEquals(2.2281, TDistribution.of(10).inverseCumulativeProbability(0.975), 5e-5);
    assertEquals(1.9842, TDistribution.of(99).inverseCumulativeProbability(0.975), 5e-5);
    assertEquals(-2.2281, TDistribution.of(10).inverseCumulativeProbability(0.025), 5e-5);
  }

  @Test
  void betaQuantilesMatchClosedForms() {
    // Beta(1, b): F(x) = 1 - (1 - x)^b, so the p-quantile is 1 - (1 - p)^(1/b); Beta(a, 1):
    // p^(1/a).
    assertEquals(
        1 - Math.pow(0.7, 1.0 / 3),
        BetaDistribution.of(1, 3).inverseCumulativeProbability(0.3),
        1e-14);
    assertEquals(
        Math.pow(0.3, 1.0 / 4), BetaDistribution.of(4, 1).inverseCumulativeProbability(0.3), 1e-14);
    assertEquals(0.5, BetaDistribution.of(7.5, 7.5).inverseCumulativeProbability(0.5), 1e-14);
  }
}
