package io.cordwatch.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NearestRankTest {
  @Test
  void theQuantileIsTheSmallestValueWithTheShareAtOrBelowIt() {
    double[] hundred = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();
    assertEquals(99, NearestRank.quantile(hundred, 0.99));
    assertEquals(50, NearestRank.quantile(hundred, 0.5));
    assertEquals(100, NearestRank.quantile(hundred, 1));
    assertEquals(7, NearestRank.quantile(new double[] {7}, 0.99));
    assertEquals(2, NearestRank.quantile(new double[] {1, 2, 3}, 0.5));
    assertThrows(IllegalArgumentException.class, () -> NearestRank.quantile(new double[0], 0.5));
    assertThrows(IllegalArgumentException.class, () -> NearestRank.quantile(hundred, 0));
  }
}
