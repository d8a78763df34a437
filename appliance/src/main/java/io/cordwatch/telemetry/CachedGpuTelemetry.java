package io.cordwatch.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the underlying source at most once per {@code maxAge}: one Prometheus scrape asks a dozen
 * gauges, the status page and the API ask again, and each NVML or sysfs read costs system calls.
 */
public final class CachedGpuTelemetry implements GpuTelemetry, AutoCloseable {
  private final GpuTelemetry source;
  private final Clock clock;
  private final long maxAgeMillis;
  private Optional<GpuSample> last = Optional.empty();
  private long readAt = Long.MIN_VALUE;

  public CachedGpuTelemetry(GpuTelemetry source, Clock clock, Duration maxAge) {
    this.source = source;
    this.clock = clock;
    this.maxAgeMillis = maxAge.toMillis();
  }

  @Override
  public synchronized Optional<GpuSample> sample() {
    long now = clock.millis();
    if (readAt == Long.MIN_VALUE || now - readAt >= maxAgeMillis || now < readAt) {
      last = source.sample();
      readAt = now;
    }
    return last;
  }

  @Override
  public String status() {
    return source.status();
  }

  /** Closes the source when it holds a native session (NVML). */
  @Override
  public void close() {
    if (source instanceof NvmlTelemetry n) {
      n.close();
    }
  }
}
