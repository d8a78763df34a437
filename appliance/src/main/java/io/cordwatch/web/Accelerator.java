package io.cordwatch.web;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.cordwatch.telemetry.GpuTelemetry;
import java.time.Instant;

/**
 * What the status surfaces show about the device and the grading engine. The status API writes the
 * first six components as they are ({@code Views.AcceleratorView} inlines them); the times and the
 * GPU readings it writes itself, as ISO-8601 text and a {@code Views.GpuView}.
 *
 * @param profile the device profile in use (docs/gpu.md)
 * @param mode {@code gpu}, {@code cpu} or {@code degraded}
 * @param degraded a GPU fault moved grading to the CPU, or the profile's GPU did not start
 * @param engine the engine running batches now, or null without a bundle
 * @param reason why the mode is what it is
 * @param gpuFaults GPU faults since start
 * @param lastFaultAt when the last one happened, or null
 * @param nextRetryAt when the GPU is tried again, or null
 * @param gpu the GPU readings
 */
public record Accelerator(
    String profile,
    String mode,
    boolean degraded,
    String engine,
    String reason,
    int gpuFaults,
    @JsonIgnore Instant lastFaultAt,
    @JsonIgnore Instant nextRetryAt,
    @JsonIgnore GpuTelemetry gpu) {

  /** Tests and tools without device detection. */
  public static Accelerator unknown() {
    return new Accelerator(
        "unknown",
        "cpu",
        false,
        null,
        "not detected",
        0,
        null,
        null,
        GpuTelemetry.none("not read"));
  }
}
