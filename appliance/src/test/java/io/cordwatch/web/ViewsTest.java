package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cordwatch.telemetry.GpuSample;
import io.cordwatch.telemetry.GpuTelemetry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The status API's {@code accelerator} and its {@code gpu} keep the flat shapes docs/gpu.md
 * promises.
 */
class ViewsTest {

  @Test
  void aGpuReadingIsOneFlatObjectAfterAvailableAndStatus() throws Exception {
    GpuSample s =
        new GpuSample(
            "nvml",
            "NVIDIA H200",
            41.0,
            0.25,
            1024L,
            4096L,
            120.5,
            1980.0,
            List.of("sw_thermal_slowdown"),
            Map.of());
    GpuTelemetry telemetry =
        new GpuTelemetry() {
          @Override
          public Optional<GpuSample> sample() {
            return Optional.of(s);
          }

          @Override
          public String status() {
            return "nvml: NVIDIA H200";
          }
        };

    assertEquals(
        "{\"available\":true,\"status\":\"nvml: NVIDIA H200\",\"source\":\"nvml\","
            + "\"name\":\"NVIDIA H200\",\"temperature_c\":41.0,\"utilization\":0.25,"
            + "\"memory_used_bytes\":1024,\"memory_total_bytes\":4096,\"power_watts\":120.5,"
            + "\"clock_mhz\":1980.0,\"throttle_reasons\":[\"sw_thermal_slowdown\"],"
            + "\"thermal_zones_c\":{}}",
        Replies.JSON.writeValueAsString(Views.gpu(telemetry)));
  }

  @Test
  void withoutAGpuEveryFigureIsNullAndTheStatusSaysWhy() throws Exception {
    assertEquals(
        "{\"available\":false,\"status\":\"no GPU: not read\",\"source\":null,\"name\":null,"
            + "\"temperature_c\":null,\"utilization\":null,\"memory_used_bytes\":null,"
            + "\"memory_total_bytes\":null,\"power_watts\":null,\"clock_mhz\":null,"
            + "\"throttle_reasons\":null,\"thermal_zones_c\":{}}",
        Replies.JSON.writeValueAsString(Views.gpu(GpuTelemetry.none("not read"))));
  }

  @Test
  void theAcceleratorIsOneObjectWithIsoTimesAndTheGpuLast() throws Exception {
    Accelerator a =
        new Accelerator(
            "h200",
            "degraded",
            true,
            "onnxruntime-cpu",
            "GPU fault: CUDA error 700",
            2,
            Instant.parse("2026-12-05T05:00:00Z"),
            Instant.parse("2026-12-05T05:01:00.250Z"),
            GpuTelemetry.none("not read"));

    assertEquals(
        "{\"profile\":\"h200\",\"mode\":\"degraded\",\"degraded\":true,"
            + "\"engine\":\"onnxruntime-cpu\",\"reason\":\"GPU fault: CUDA error 700\","
            + "\"gpu_faults\":2,\"last_fault_at\":\"2026-12-05T05:00:00Z\","
            + "\"next_retry_at\":\"2026-12-05T05:01:00.250Z\",\"gpu\":"
            + Replies.JSON.writeValueAsString(Views.gpu(a.gpu()))
            + "}",
        Replies.JSON.writeValueAsString(Views.accelerator(a)));
    assertEquals(
        "{\"profile\":\"unknown\",\"mode\":\"cpu\",\"degraded\":false,\"engine\":null,"
            + "\"reason\":\"not detected\",\"gpu_faults\":0,\"last_fault_at\":null,"
            + "\"next_retry_at\":null,\"gpu\":"
            + Replies.JSON.writeValueAsString(Views.gpu(GpuTelemetry.none("not read")))
            + "}",
        Replies.JSON.writeValueAsString(Views.accelerator(Accelerator.unknown())));
  }
}
