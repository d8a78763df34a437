package io.cordwatch.telemetry;

import java.util.Optional;

/**
 * A source of GPU readings. Implementations never throw from {@link #sample}: a GPU that cannot be
 * read is an empty reading and a reason in {@link #status}, because telemetry must not take down
 * the scrape, the status page or grading with it.
 */
public interface GpuTelemetry {
  /** The latest reading, or empty when there is no GPU or it cannot be read now. */
  Optional<GpuSample> sample();

  /** One line: which source and device, or why there is none ("no GPU: ..."). */
  String status();

  /** A host without a readable GPU. */
  static GpuTelemetry none(String reason) {
    String status = "no GPU: " + reason;
    return new GpuTelemetry() {
      @Override
      public Optional<GpuSample> sample() {
        return Optional.empty();
      }

      @Override
      public String status() {
        return status;
      }
    };
  }
}
