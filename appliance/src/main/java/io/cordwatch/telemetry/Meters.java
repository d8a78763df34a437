package io.cordwatch.telemetry;

import io.cordwatch.gpu.nvml.Nvml;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The appliance's meters, in one Prometheus registry. Stages record through the named methods here
 * rather than touching Micrometer, so the metric names (what dashboards and alerts depend on) live
 * in one file.
 *
 * <p>Gauges hold their value functions strongly. Micrometer keeps a gauge's state object weakly by
 * default, and a method reference that nothing else holds is collected at the next GC, after which
 * the gauge reads NaN for the rest of the process's life.
 */
public final class Meters {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger activeAssociations = new AtomicInteger();
  private final Counter instancesReceived;
  private final Counter bytesReceived;
  private final Timer storeLatency;
  private final Counter jobsGraded;
  private final Counter jobsFailed;
  private final Counter attemptsFailed;
  private final Counter slicesUncertain;
  private final Timer gradingDuration;
  private final Timer gradingLatency;
  private final Counter gpuFaults;
  private final Counter fallbackBatches;

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
    jobsGraded =
        Counter.builder("cordwatch.grading.jobs.graded")
            .description("Series graded: verdict and slice results committed")
            .register(registry);
    jobsFailed =
        Counter.builder("cordwatch.grading.jobs.failed")
            .description("Grading jobs marked failed after their last attempt")
            .register(registry);
    attemptsFailed =
        Counter.builder("cordwatch.grading.attempts.failed")
            .description("Grading attempts that threw (retried or failed for good)")
            .register(registry);
    slicesUncertain =
        Counter.builder("cordwatch.grading.slices.uncertain")
            .description("Graded slices the head marked uncertain (out of distribution)")
            .register(registry);
    gradingDuration =
        Timer.builder("cordwatch.grading.duration")
            .description("Grading one series: decode, preprocess, inference, head, verdict")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry);
    gradingLatency =
        Timer.builder("cordwatch.grading.latency")
            .description("From the series' last instance stored to its verdict committed")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(100))
            .maximumExpectedValue(Duration.ofMinutes(10))
            .register(registry);
    gpuFaults =
        Counter.builder("cordwatch.engine.gpu.faults")
            .description("GPU engine failures that moved grading to the CPU")
            .register(registry);
    fallbackBatches =
        Counter.builder("cordwatch.engine.fallback.batches")
            .description("Batches graded on the CPU because the GPU engine had failed")
            .register(registry);
    Gauge.builder("cordwatch.associations.active", activeAssociations, AtomicInteger::get)
        .description("Open DICOM associations")
        .strongReference(true)
        .register(registry);
  }

  /** Registers the disk and queue gauges, which read live values on every scrape. */
  public void bindGauges(
      Supplier<Long> diskFreeBytes, Supplier<Long> diskReserveBytes, Supplier<Long> queueDepth) {
    Gauge.builder("cordwatch.disk.free", diskFreeBytes, s -> s.get().doubleValue())
        .baseUnit("bytes")
        .description("Usable bytes on the data volume")
        .strongReference(true)
        .register(registry);
    Gauge.builder("cordwatch.disk.reserve", diskReserveBytes, s -> s.get().doubleValue())
        .baseUnit("bytes")
        .description("Configured free-space reserve")
        .strongReference(true)
        .register(registry);
    Gauge.builder("cordwatch.queue.depth", queueDepth, s -> s.get().doubleValue())
        .description("Grading jobs waiting")
        .strongReference(true)
        .register(registry);
  }

  /**
   * NVML's clock-throttle reasons, as {@link GpuSample#throttleReasons} names them (the NVML
   * binding's list; naming it loads no native library).
   */
  public static final List<String> THROTTLE_REASONS = Nvml.THROTTLE_NAMES;

  /**
   * Registers the GPU gauges. Each reads the (cached) telemetry on scrape; a figure the source
   * cannot give reads NaN, which Prometheus shows as such, never as a zero that looks measured.
   * Jetson thermal zones found now get one gauge each, tagged with the zone's type.
   */
  public void bindGpu(GpuTelemetry gpu) {
    Gauge.builder("cordwatch.gpu.available", gpu, g -> g.sample().isPresent() ? 1 : 0)
        .description("1 when a GPU reading is available (NVML or Jetson sysfs)")
        .register(registry);
    gpuGauge(
        gpu, "cordwatch.gpu.temperature", "celsius", "GPU temperature", GpuSample::temperatureC);
    gpuGauge(
        gpu,
        "cordwatch.gpu.utilization",
        "ratio",
        "Share of time the GPU was busy",
        GpuSample::utilization);
    gpuGauge(
        gpu,
        "cordwatch.gpu.memory.used",
        "bytes",
        "GPU memory in use (Jetson: unified memory)",
        s -> asDouble(s.memoryUsedBytes()));
    gpuGauge(
        gpu,
        "cordwatch.gpu.memory.total",
        "bytes",
        "GPU memory (Jetson: unified memory)",
        s -> asDouble(s.memoryTotalBytes()));
    gpuGauge(
        gpu,
        "cordwatch.gpu.power",
        "watts",
        "Board power (NVML) or GPU rail power (Jetson)",
        GpuSample::powerWatts);
    gpuGauge(gpu, "cordwatch.gpu.clock", "megahertz", "Current GPU clock", GpuSample::clockMhz);
    for (String reason : THROTTLE_REASONS) {
      Gauge.builder(
              "cordwatch.gpu.throttle",
              gpu,
              g ->
                  g.sample()
                      .map(
                          s ->
                              s.throttleReasons() == null
                                  ? Double.NaN
                                  : s.throttleReasons().contains(reason) ? 1.0 : 0.0)
                      .orElse(Double.NaN))
          .description("1 while NVML reports this clock-throttle reason")
          .tag("reason", reason)
          .register(registry);
    }
    gpu.sample()
        .ifPresent(
            first ->
                first
                    .thermalZonesC()
                    .keySet()
                    .forEach(
                        zone ->
                            Gauge.builder(
                                    "cordwatch.gpu.thermal.zone",
                                    gpu,
                                    g ->
                                        g.sample()
                                            .map(
                                                s ->
                                                    s.thermalZonesC()
                                                        .getOrDefault(zone, Double.NaN))
                                            .orElse(Double.NaN))
                                .baseUnit("celsius")
                                .description("Jetson thermal zone temperature")
                                .tag("zone", zone)
                                .register(registry)));
  }

  private void gpuGauge(
      GpuTelemetry gpu,
      String name,
      String unit,
      String description,
      java.util.function.Function<GpuSample, Double> field) {
    Gauge.builder(
            name,
            gpu,
            g -> g.sample().map(field).map(v -> v == null ? Double.NaN : v).orElse(Double.NaN))
        .baseUnit(unit)
        .description(description)
        .register(registry);
  }

  private static Double asDouble(Long v) {
    return v == null ? null : v.doubleValue();
  }

  /**
   * Registers the engine gauges: which engine grades now and whether the appliance is degraded (a
   * GPU fault moved grading to the CPU).
   */
  public void bindEngine(BooleanSupplier gpuActive, BooleanSupplier degraded) {
    Gauge.builder("cordwatch.engine.gpu", gpuActive, s -> s.getAsBoolean() ? 1 : 0)
        .description("1 while batches run on the GPU engine")
        .register(registry);
    Gauge.builder("cordwatch.engine.degraded", degraded, s -> s.getAsBoolean() ? 1 : 0)
        .description("1 while a GPU fault has moved grading to the CPU")
        .register(registry);
  }

  /** The GPU engine failed on a batch; grading moved to the CPU. */
  public void gpuFault() {
    gpuFaults.increment();
  }

  /** A batch ran on the CPU engine because the GPU engine had failed. */
  public void fallbackBatch() {
    fallbackBatches.increment();
  }

  public double gpuFaults() {
    return gpuFaults.count();
  }

  public void instanceStored(long bytes, Duration storeTime) {
    instancesReceived.increment();
    bytesReceived.increment(bytes);
    storeLatency.record(storeTime);
  }

  /**
   * A series was graded and its verdict committed.
   *
   * @param grading time spent grading it
   * @param lastInstanceToVerdict from its last instance stored to the verdict commit
   * @param gradedByGrade graded slices per grade name (class names of the bundle, a fixed set)
   * @param ungradedByStatus slices not graded per status ({@code no_roi}, {@code unreadable})
   * @param uncertain graded slices marked uncertain
   */
  public void seriesGraded(
      Duration grading,
      Duration lastInstanceToVerdict,
      Map<String, Integer> gradedByGrade,
      Map<String, Integer> ungradedByStatus,
      int uncertain) {
    jobsGraded.increment();
    gradingDuration.record(grading);
    gradingLatency.record(lastInstanceToVerdict);
    gradedByGrade.forEach(
        (grade, n) ->
            Counter.builder("cordwatch.grading.slices")
                .description("Graded slices by grade")
                .tag("grade", grade)
                .register(registry)
                .increment(n));
    ungradedByStatus.forEach(
        (status, n) ->
            Counter.builder("cordwatch.grading.slices.ungraded")
                .description("Slices of graded series that could not be graded, by status")
                .tag("status", status)
                .register(registry)
                .increment(n));
    slicesUncertain.increment(uncertain);
  }

  /**
   * A committed series verdict, counted by {@code group} (high, low, indeterminate) and {@code
   * reason} (the indeterminate reason code, a fixed set; {@code none} for high and low), so a rise
   * in series the appliance refuses to call is visible on the metrics page.
   */
  public void verdict(String group, String reason) {
    Counter.builder("cordwatch.grading.verdicts")
        .description("Series verdicts by group (high, low, indeterminate) and indeterminate reason")
        .tag("group", group == null ? "none" : group)
        .tag("reason", reason == null ? "none" : reason)
        .register(registry)
        .increment();
  }

  /** A grading attempt threw; {@code finalAttempt} when the job is now marked failed. */
  public void gradingAttemptFailed(boolean finalAttempt) {
    attemptsFailed.increment();
    if (finalAttempt) {
      jobsFailed.increment();
    }
  }

  /**
   * Grading as slices arrive: what became of a series' speculative result or decodes. {@code
   * outcome} is one of a fixed set: {@code committed} (the verdict was graded ahead and committed),
   * {@code discarded} (the series changed after it was graded ahead), {@code cancelled} (a new
   * instance stopped it mid-way), {@code failed} (the engine threw; the job grades at completion),
   * {@code over_cap} (the series did not fit in {@code stream-memory}).
   */
  public void streamingOutcome(String outcome) {
    Counter.builder("cordwatch.grading.streaming")
        .description("Series graded or prepared ahead of completion, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** How many of a streaming outcome were counted (see {@link #streamingOutcome}). */
  public double streamingOutcomes(String outcome) {
    var c = registry.find("cordwatch.grading.streaming").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  /**
   * Registers the streaming gauges: decoded pixel bytes held for series in flight, and series
   * graded ahead whose job has not claimed the result yet.
   */
  public void bindStreaming(Supplier<Long> heldBytes, Supplier<Long> readyResults) {
    Gauge.builder("cordwatch.grading.streaming.held", heldBytes, s -> s.get().doubleValue())
        .baseUnit("bytes")
        .description("Decoded pixel data held for series still arriving (stream-memory caps it)")
        .strongReference(true)
        .register(registry);
    Gauge.builder("cordwatch.grading.streaming.ready", readyResults, s -> s.get().doubleValue())
        .description("Series graded ahead of completion, waiting for their job")
        .strongReference(true)
        .register(registry);
  }

  public double seriesGraded() {
    return jobsGraded.count();
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
