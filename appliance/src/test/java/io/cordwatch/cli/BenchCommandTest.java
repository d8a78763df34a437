package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bench's arithmetic and its refusals; the bench itself is a command, never a test. */
class BenchCommandTest {

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
    double p50 = BenchCommand.Ingest.percentileMs(t.takeSnapshot(), 0.50);
    double p95 = BenchCommand.Ingest.percentileMs(t.takeSnapshot(), 0.95);
    assertEquals(1.50, p50, 0.35);
    assertEquals(1.95, p95, 0.35);
  }

  @Test
  void nonsenseSizesAreRefusedWithTheOptionNamed() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int instances;
    int size;
    int runs;
    try {
      instances = Main.run("bench", "ingest", "--instances", "0");
      size = Main.run("bench", "ingest", "--size", "5");
      runs = Main.run("bench", "ingest", "--runs", "-1");
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, instances);
    assertEquals(2, size);
    assertEquals(2, runs);
    String text = err.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("--instances must be between 1 and 100000, was 0"), text);
    assertTrue(text.contains("--size must be between 16 and 4096 pixels, was 5"), text);
    assertTrue(text.contains("--runs must be between 1 and 50, was -1"), text);
  }
}
