package io.cordwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order statistics the bench tables report, against values worked out by hand. */
class BenchStatsTest {

  @Test
  void medianIsTheMiddleValueOrTheMeanOfTheMiddleTwo() {
    assertEquals(3.0, BenchStats.median(List.of(5.0, 1.0, 3.0), d -> d));
    assertEquals(2.5, BenchStats.median(List.of(4.0, 1.0, 3.0, 2.0), d -> d));
    assertEquals(7.0, BenchStats.median(List.of(7.0), d -> d));
    assertTrue(Double.isNaN(BenchStats.median(List.<Double>of(), d -> d)));
  }

  @Test
  void aColumnWithoutFiguresHasNoMedian() {
    assertTrue(Double.isNaN(BenchStats.median(List.of(Double.NaN, Double.NaN), d -> d)));
  }

  @Test
  void nearestRankIsTheSmallestValueWithTheShareAtOrBelowIt() {
    double[] tens = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assertEquals(50, BenchStats.nearestRank(tens, 0.50));
    assertEquals(100, BenchStats.nearestRank(tens, 0.95));
    assertEquals(10, BenchStats.nearestRank(tens, 0.01));
    assertEquals(42, BenchStats.nearestRank(new double[] {42}, 0.95));
  }

  @Test
  void percentileFromTheStoreLatencyHistogramIsWithinOneBucket() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Timer t =
        Timer.builder("t")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    for (int i = 1; i <= 100; i++) {
      t.record(Duration.ofNanos(1_000_000L + i * 10_000L));
    }
    assertEquals(1.50, BenchStats.histogramMs(t.takeSnapshot(), 0.50), 0.35);
    assertEquals(1.95, BenchStats.histogramMs(t.takeSnapshot(), 0.95), 0.35);
    assertTrue(
        Double.isNaN(
            BenchStats.histogramMs(Timer.builder("empty").register(registry).takeSnapshot(), 0.5)));
  }
}
