package io.cordwatch.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The appliance's meters, in one Prometheus registry. Stages record through the named methods here
 * rather than touching Micrometer, so the metric names (what dashboards and alerts depend on) live
 * in one file.
 */
public final class Meters {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger activeAssociations = new AtomicInteger();
  private final Counter instancesReceived;
  private final Counter bytesReceived;
  private final Timer storeLatency;

  public Meters() {
    instancesReceived =
        Counter.builder("cordwatch.instances.received")
            .description("Instances stored and acknowledged with Success")
            .register(registry);
    bytesReceived =
        Counter.builder("cordwatch.received")
            .baseUnit("bytes")
            .description("Data set bytes stored")
            .register(registry);
    storeLatency =
        Timer.builder("cordwatch.store.latency")
            .description("From the last data fragment to the durable index commit")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    Gauge.builder("cordwatch.associations.active", activeAssociations, AtomicInteger::get)
        .description("Open DICOM associations")
        .register(registry);
  }

  /** Registers the disk and queue gauges, which read live values on every scrape. */
  public void bindGauges(
      Supplier<Long> diskFreeBytes, Supplier<Long> diskReserveBytes, Supplier<Long> queueDepth) {
    Gauge.builder("cordwatch.disk.free", diskFreeBytes, s -> s.get().doubleValue())
        .baseUnit("bytes")
        .description("Usable bytes on the data volume")
        .register(registry);
    Gauge.builder("cordwatch.disk.reserve", diskReserveBytes, s -> s.get().doubleValue())
        .baseUnit("bytes")
        .description("Configured free-space reserve")
        .register(registry);
    Gauge.builder("cordwatch.queue.depth", queueDepth, s -> s.get().doubleValue())
        .description("Grading jobs waiting")
        .register(registry);
  }

  public void instanceStored(long bytes, Duration storeTime) {
    instancesReceived.increment();
    bytesReceived.increment(bytes);
    storeLatency.record(storeTime);
  }

  /** An instance answered with a failure status; {@code reason} is a short fixed word. */
  public void instanceRejected(String reason) {
    Counter.builder("cordwatch.instances.rejected")
        .description("C-STORE requests answered with a failure status")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** An association refused or aborted before any data; {@code reason} is a short fixed word. */
  public void associationRejected(String reason) {
    Counter.builder("cordwatch.associations.rejected")
        .description("Associations rejected or aborted by us")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public void associationOpened() {
    activeAssociations.incrementAndGet();
  }

  public void associationClosed() {
    activeAssociations.decrementAndGet();
  }

  public int activeAssociations() {
    return activeAssociations.get();
  }

  public double instancesReceived() {
    return instancesReceived.count();
  }

  /** Sum of rejected-instance counters over all reasons. */
  public double instancesRejected() {
    return registry.find("cordwatch.instances.rejected").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /** Sum of rejected-association counters over all reasons. */
  public double associationsRejected() {
    return registry.find("cordwatch.associations.rejected").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  public double bytesReceived() {
    return bytesReceived.count();
  }

  /** Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
