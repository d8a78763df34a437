package io.cordwatch.telemetry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GpuMetersTest {
  private static GpuTelemetry fixed(GpuSample s) {
    return new GpuTelemetry() {
      @Override
      public Optional<GpuSample> sample() {
        return Optional.of(s);
      }

      @Override
      public String status() {
        return "fixed";
      }
    };
  }

  @Test
  void gpuReadingsAndThrottleReasonsAppearInTheScrape() {
    Meters m = new Meters();
    m.bindGpu(
        fixed(
            new GpuSample(
                "nvml",
                "NVIDIA L4",
                63.0,
                0.42,
                5L << 30,
                24L << 30,
                71.5,
                2040.0,
                List.of("sw_power_cap"),
                Map.of())));
    String scrape = m.scrape();
    assertTrue(scrape.contains("cordwatch_gpu_available 1.0"), scrape);
    assertTrue(scrape.contains("cordwatch_gpu_temperature_celsius 63.0"), scrape);
    assertTrue(scrape.contains("cordwatch_gpu_utilization_ratio 0.42"), scrape);
    assertTrue(scrape.contains("cordwatch_gpu_power_watts 71.5"), scrape);
    assertTrue(scrape.contains("cordwatch_gpu_throttle{reason=\"sw_power_cap\"} 1.0"), scrape);
    assertTrue(scrape.contains("cordwatch_gpu_throttle{reason=\"hw_slowdown\"} 0.0"), scrape);
  }

  @Test
  void withoutAGpuTheGaugesSayNaNAndAvailableIsZero() {
    Meters m = new Meters();
    m.bindGpu(GpuTelemetry.none("no driver"));
    m.bindEngine(() -> false, () -> true);
    m.gpuFault();
    String scrape = m.scrape();
    assertTrue(scrape.contains("cordwatch_gpu_available 0.0"), scrape);
    assertTrue(scrape.contains("cordwatch_gpu_temperature_celsius NaN"), scrape);
    assertTrue(scrape.contains("cordwatch_engine_degraded 1.0"), scrape);
    assertTrue(scrape.contains("cordwatch_engine_gpu 0.0"), scrape);
    assertTrue(scrape.contains("cordwatch_engine_gpu_faults_total 1.0"), scrape);
  }
}
