package io.cordwatch.telemetry;

import io.cordwatch.gpu.nvml.Nvml;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

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
        counter("cordwatch.instances.received", "Instances stored and acknowledged with Success");
    bytesReceived =
        Counter.builder("cordwatch.received")
            .baseUnit("bytes")
            .description("Data set bytes stored")
            .register(registry);
    storeLatency =
        timer(
            "cordwatch.store.latency",
            "From the last data fragment to the durable index commit",
            Duration.ofMillis(1),
            Duration.ofSeconds(10));
    jobsGraded =
        counter(
            "cordwatch.grading.jobs.graded", "Series graded: verdict and slice results committed");
    jobsFailed =
        counter(
            "cordwatch.grading.jobs.failed", "Grading jobs marked failed after their last attempt");
    attemptsFailed =
        counter(
            "cordwatch.grading.attempts.failed",
            "Grading attempts that threw (retried or failed for good)");
    slicesUncertain =
        counter(
            "cordwatch.grading.slices.uncertain",
            "Graded slices the head marked uncertain (out of distribution)");
    gradingDuration =
        timer(
            "cordwatch.grading.duration",
            "Grading one series: decode, preprocess, inference, head, verdict",
            Duration.ofMillis(10),
            Duration.ofMinutes(2));
    gradingLatency =
        timer(
            "cordwatch.grading.latency",
            "From the series' last instance stored to its verdict committed",
            Duration.ofMillis(100),
            Duration.ofMinutes(10));
    gpuFaults =
        counter("cordwatch.engine.gpu.faults", "GPU engine failures that moved grading to the CPU");
    fallbackBatches =
        counter(
            "cordwatch.engine.fallback.batches",
            "Batches graded on the CPU because the GPU engine had failed");
    Gauge.builder("cordwatch.associations.active", activeAssociations, AtomicInteger::get)
        .description("Open DICOM associations")
        .strongReference(true)
        .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  /** The counter of {@code name} for one value of its one tag. */
  private Counter counter(String name, String description, String tag, String value) {
    return Counter.builder(name).description(description).tag(tag, value).register(registry);
  }

  /** A timer with a percentile histogram over the durations expected. */
  private Timer timer(String name, String description, Duration min, Duration max) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(min)
        .maximumExpectedValue(max)
        .register(registry);
  }

  /** A gauge that reads {@code value} on every scrape; {@code unit} may be null. */
  private void gauge(String name, String unit, String description, Supplier<Long> value) {
    Gauge.builder(name, value, s -> s.get().doubleValue())
        .baseUnit(unit)
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  /** Registers the disk and queue gauges, which read live values on every scrape. */
  public void bindGauges(
      Supplier<Long> diskFreeBytes, Supplier<Long> diskReserveBytes, Supplier<Long> queueDepth) {
    gauge("cordwatch.disk.free", "bytes", "Usable bytes on the data volume", diskFreeBytes);
    gauge("cordwatch.disk.reserve", "bytes", "Configured free-space reserve", diskReserveBytes);
    gauge("cordwatch.queue.depth", null, "Grading jobs waiting", queueDepth);
  }

  /**
   * Registers how full the data volume is, bytes and inodes, as ratios (0 to 1) read from {@code
   * volume} on every scrape, for the alert that comes before retention or the disk reserve has to
   * act; a volume that cannot be read gives NaN.
   */
  public void bindVolume(VolumeUsage volume, Path dataDir) {
    Gauge.builder(
            "cordwatch.disk.used",
            volume,
            v -> volumeReading(v, dataDir, f -> f.bytesUsedPercent() / 100))
        .baseUnit("ratio")
        .description("Share of the data volume's usable bytes in use (df's Use%)")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "cordwatch.disk.inodes.used",
            volume,
            v -> volumeReading(v, dataDir, f -> f.inodesUsedPercent() / 100))
        .baseUnit("ratio")
        .description("Share of the data volume's inodes in use (df -i's IUse%; 0 when not counted)")
        .strongReference(true)
        .register(registry);
  }

  private static double volumeReading(
      VolumeUsage volume, Path dataDir, ToDoubleFunction<VolumeFigures> figure) {
    try {
      return figure.applyAsDouble(volume.read(dataDir));
    } catch (IOException e) {
      return Double.NaN;
    }
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
            counter("cordwatch.grading.slices", "Graded slices by grade", "grade", grade)
                .increment(n));
    ungradedByStatus.forEach(
        (status, n) ->
            counter(
                    "cordwatch.grading.slices.ungraded",
                    "Slices of graded series that could not be graded, by status",
                    "status",
                    status)
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

  /**
   * Registers the results outbox gauges: deliveries waiting ({@code cordwatch.outbox.pending}),
   * those whose last attempt failed ({@code cordwatch.outbox.failing}), those given up ({@code
   * cordwatch.outbox.failed}) and the age of the oldest waiting one; each reads the index on every
   * scrape.
   */
  public void bindOutbox(
      Supplier<Long> pending,
      Supplier<Long> failing,
      Supplier<Long> failed,
      Supplier<Long> oldestPendingAgeSeconds) {
    gauge("cordwatch.outbox.pending", null, "Results deliveries waiting to be sent", pending);
    gauge(
        "cordwatch.outbox.failing", null, "Waiting deliveries whose last attempt failed", failing);
    gauge("cordwatch.outbox.failed", null, "Deliveries given up after retrying", failed);
    gauge(
        "cordwatch.outbox.oldest.pending.age",
        "seconds",
        "Age of the oldest waiting delivery (0 when none waits)",
        oldestPendingAgeSeconds);
  }

  /**
   * One delivery attempt of a results document, by {@code kind} (sr, kos) and {@code outcome}
   * (sent, retry, failed).
   */
  public void outboxAttempt(String kind, String outcome) {
    Counter.builder("cordwatch.outbox.attempts")
        .description("Results delivery attempts by document kind and outcome")
        .tag("kind", kind)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private volatile Supplier<AuditExportFigures> auditExport;

  /**
   * Registers the audit export's gauges: rows not yet sent to the syslog collector ({@code
   * cordwatch.audit.export.backlog}) and how long it has been unreachable ({@code
   * cordwatch.audit.export.unreachable}, 0 while reachable); the status page reads the same figures
   * ({@link #auditExport()}).
   */
  public void bindAuditExport(Supplier<AuditExportFigures> figures) {
    this.auditExport = figures;
    gauge(
        "cordwatch.audit.export.backlog",
        null,
        "Audit rows not yet sent to the syslog collector",
        () -> figures.get().backlog());
    gauge(
        "cordwatch.audit.export.unreachable",
        "seconds",
        "How long the syslog collector has been unreachable (0 while reachable)",
        () -> figures.get().unreachableSeconds());
  }

  /** The audit export's figures; empty when no collector is configured. */
  public java.util.Optional<AuditExportFigures> auditExport() {
    Supplier<AuditExportFigures> f = auditExport;
    return f == null ? java.util.Optional.empty() : java.util.Optional.of(f.get());
  }

  /**
   * One audit message to the syslog collector by {@code outcome}: sent, failed (an attempt that
   * failed; the row is sent again later) or dropped (a message that can never go, such as one
   * larger than a UDP datagram).
   */
  public void auditExport(String outcome) {
    Counter.builder("cordwatch.audit.export.messages")
        .description("Audit messages to the syslog collector by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** The count of audit messages with {@code outcome} so far. */
  public double auditExported(String outcome) {
    Counter c = registry.find("cordwatch.audit.export.messages").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  /** A grading attempt threw; {@code finalAttempt} when the job is now marked failed. */
  public void gradingAttemptFailed(boolean finalAttempt) {
    attemptsFailed.increment();
    if (finalAttempt) {
      jobsFailed.increment();
    }
  }

  /**
   * Shadow mode: a series graded by the shadow bundle after the active verdict was committed
   * ({@code outcome} {@code graded}), or a shadow grading that threw ({@code failed}; also counted
   * in {@code cordwatch_shadow_failures_total}). Neither touches the real job.
   */
  public void shadowGraded(Duration took) {
    counter("cordwatch.shadow.series", "Series graded by the shadow bundle (never published)")
        .increment();
    Timer.builder("cordwatch.shadow.duration")
        .description("Grading one series with the shadow bundle, after the active verdict")
        .register(registry)
        .record(took);
  }

  /** A shadow grading or load failed (see {@link #shadowGraded}); the real job is unaffected. */
  public void shadowFailed() {
    counter(
            "cordwatch.shadow.failures",
            "Shadow gradings or shadow bundle loads that failed (the real job never does)")
        .increment();
  }

  /** How many shadow failures were counted. */
  public double shadowFailures() {
    var c = registry.find("cordwatch.shadow.failures").counter();
    return c == null ? 0 : c.count();
  }

  /**
   * Grading as slices arrive: what became of a series' speculative result or decodes. {@code
   * outcome} is one of a fixed set: {@code committed} (the verdict was graded ahead and committed),
   * {@code discarded} (the series changed after it was graded ahead), {@code cancelled} (a new
   * instance stopped it mid-way), {@code failed} (the engine threw; the job grades at completion),
   * {@code over_cap} (the series did not fit in {@code stream-memory}).
   */
  public void streamingOutcome(String outcome) {
    counter(
            "cordwatch.grading.streaming",
            "Series graded or prepared ahead of completion, by outcome",
            "outcome",
            outcome)
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
    gauge(
        "cordwatch.grading.streaming.held",
        "bytes",
        "Decoded pixel data held for series still arriving (stream-memory caps it)",
        heldBytes);
    gauge(
        "cordwatch.grading.streaming.ready",
        null,
        "Series graded ahead of completion, waiting for their job",
        readyResults);
  }

  public double seriesGraded() {
    return jobsGraded.count();
  }

  /** An instance answered with a failure status; {@code reason} is a short fixed word. */
  public void instanceRejected(String reason) {
    counter(
            "cordwatch.instances.rejected",
            "C-STORE requests answered with a failure status",
            "reason",
            reason)
        .increment();
  }

  /**
   * An association refused or aborted by us; {@code transport} is {@code tcp} (the plain DICOM
   * port) or {@code tls} (the DICOM TLS port), {@code reason} a short fixed word.
   */
  public void associationRejected(String transport, String reason) {
    Counter.builder("cordwatch.associations.rejected")
        .description("Associations rejected or aborted by us")
        .tag("transport", transport)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** An association accepted on {@code transport} ({@code tcp} or {@code tls}). */
  public void associationAccepted(String transport) {
    counter(
            "cordwatch.associations.accepted",
            "Associations accepted, by transport",
            "transport",
            transport)
        .increment();
  }

  /** Associations accepted on one transport. */
  public double associationsAccepted(String transport) {
    var c = registry.find("cordwatch.associations.accepted").tag("transport", transport).counter();
    return c == null ? 0 : c.count();
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

  /** Rejected or aborted associations counted under one reason, over both transports. */
  public double associationsRejected(String reason) {
    return registry
        .find("cordwatch.associations.rejected")
        .tag("reason", reason)
        .counters()
        .stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /** Rejected or aborted associations counted under one transport and reason. */
  public double associationsRejected(String transport, String reason) {
    var c =
        registry
            .find("cordwatch.associations.rejected")
            .tag("transport", transport)
            .tag("reason", reason)
            .counter();
    return c == null ? 0 : c.count();
  }

  /** Retention removed a study; {@code reason} is {@code age} or {@code disk}. */
  public void studyRemoved(String reason, long bytes) {
    counter(
            "cordwatch.retention.studies.removed",
            "Studies removed by retention, by rule",
            "reason",
            reason)
        .increment();
    Counter.builder("cordwatch.retention.removed")
        .baseUnit("bytes")
        .description("Instance bytes removed by retention")
        .register(registry)
        .increment(bytes);
  }

  /** Retention deleted expired quarantined files. */
  public void quarantineExpired(int files, long bytes) {
    counter("cordwatch.retention.quarantine.expired", "Quarantined files deleted when expired")
        .increment(files);
    Counter.builder("cordwatch.retention.quarantine.removed")
        .baseUnit("bytes")
        .description("Bytes of expired quarantined files deleted")
        .register(registry)
        .increment(bytes);
  }

  /** Studies retention removed under one rule ({@code age}, {@code disk}). */
  public double studiesRemoved(String reason) {
    var c = registry.find("cordwatch.retention.studies.removed").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
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
