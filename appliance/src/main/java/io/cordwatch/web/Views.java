package io.cordwatch.web;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.Version;
import io.cordwatch.grade.StudyVerdict;
import io.cordwatch.grade.Verdict;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.store.Records.Totals;
import io.cordwatch.telemetry.AuditExportFigures;
import io.cordwatch.telemetry.GpuSample;
import io.cordwatch.telemetry.GpuTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON the API promises, as records. They are separate from the index rows on purpose: the rows
 * follow the database, these follow what clients were told, and this file is where the two meet.
 * Field names become snake_case on the wire; timestamps are ISO-8601 UTC strings.
 */
final class Views {
  private Views() {}

  /**
   * What the status endpoint, its event stream and the status page show. {@code model} is the
   * loaded bundle (name, version, clinical_use), null without one; {@code shadow} the bundle
   * running in shadow beside it, null when shadow mode is off; {@code engine} the one line about
   * engine, model and boxes; {@code auditExport} how the audit trail's export to the syslog
   * collector stands, null without {@code audit-syslog}. {@code asOf} is when the index's part
   * ({@code queue}, {@code outbox}, {@code totals}, {@code activity}, {@code shadow}: {@link
   * IndexFigures}) was read: every client shares one reading of it for up to a second ({@link
   * StatusSnapshot}); the rest is read at the request.
   */
  record StatusView(
      String version,
      String asOf,
      long uptimeSeconds,
      String startedAt,
      List<ListenerView> listeners,
      CountersView counters,
      DiskView disk,
      QueueView queue,
      OutboxView outbox,
      TotalsView totals,
      String engine,
      boolean degraded,
      AcceleratorView accelerator,
      ActiveModel model,
      ShadowModel shadow,
      String state,
      List<Attention.Item> attention,
      StatusActivity.View activity,
      AuditExportFigures auditExport) {

    /** The same view with {@code attention} computed from it, and OK or ATTENTION to match. */
    StatusView withAttention(List<Attention.Item> items) {
      return new StatusView(
          version,
          asOf,
          uptimeSeconds,
          startedAt,
          listeners,
          counters,
          disk,
          queue,
          outbox,
          totals,
          engine,
          degraded,
          accelerator,
          model,
          shadow,
          items.isEmpty() ? Attention.OK : Attention.ATTENTION,
          List.copyOf(items),
          activity,
          auditExport);
    }
  }

  /** The device profile, the engine mode and the GPU readings (null figures are unknown). */
  record AcceleratorView(
      @JsonUnwrapped Accelerator state, String lastFaultAt, String nextRetryAt, GpuView gpu) {}

  /**
   * The GPU: whether it could be read, why not, and the reading's own figures inlined beside those
   * two (the wire shape docs/gpu.md promises), or all of them null without one.
   */
  record GpuView(boolean available, String status, @JsonUnwrapped GpuSample reading) {
    /** No reading: every figure unknown. */
    private static final GpuSample NONE =
        new GpuSample(null, null, null, null, null, null, null, null, null, Map.of());
  }

  static AcceleratorView accelerator(WebContext ctx) {
    return accelerator(ctx.accelerator().get());
  }

  static AcceleratorView accelerator(Accelerator a) {
    return new AcceleratorView(
        a,
        a.lastFaultAt() == null ? null : a.lastFaultAt().toString(),
        a.nextRetryAt() == null ? null : a.nextRetryAt().toString(),
        gpu(a.gpu()));
  }

  /** The latest reading of {@code telemetry}, or its status and unknown figures without one. */
  static GpuView gpu(GpuTelemetry telemetry) {
    return telemetry
        .sample()
        .map(s -> new GpuView(true, telemetry.status(), s))
        .orElse(new GpuView(false, telemetry.status(), GpuView.NONE));
  }

  record ListenerView(String protocol, String bind, int port, String aeTitle, boolean up) {}

  record CountersView(
      long instancesReceived,
      long instancesRejected,
      long associationsActive,
      long associationsRejected,
      long bytesReceived) {}

  /**
   * Free space against the reserve, and how full the volume is in inodes. {@code nearReserve}: free
   * space is under {@link Attention#NEAR_RESERVE_FACTOR} times the reserve but not yet below it.
   * The inode figures are null when the volume cannot be read or does not count inodes.
   */
  record DiskView(
      long freeBytes,
      long reserveBytes,
      boolean belowReserve,
      boolean nearReserve,
      Double inodesUsedPercent,
      Long freeInodes) {}

  /**
   * The results outbox: deliveries waiting ({@code backlog}), those among them whose last attempt
   * failed ({@code failing}), given up ({@code failed}) and delivered ({@code sent}); counts only.
   */
  record OutboxView(long backlog, long failing, long failed, long sent) {}

  record QueueView(long queued, long running) {}

  record TotalsView(long studies, long series, long instances, long bytes) {}

  record StudySummaryView(
      String studyInstanceUid,
      String state,
      String firstReceived,
      String lastReceived,
      int instanceCount,
      int seriesCount) {}

  record StudyView(
      String studyInstanceUid,
      String state,
      String firstReceived,
      String lastReceived,
      int instanceCount,
      int seriesCount,
      StudyVerdict verdict,
      List<SeriesView> series) {}

  record SeriesView(
      String seriesInstanceUid,
      String modality,
      Integer seriesNumber,
      String description,
      int instanceCount,
      String state,
      String completedAt,
      SelectionView selection,
      JobView job,
      JsonNode verdict,
      List<SliceView> slices) {}

  /**
   * One slice of a graded series. {@code status} is graded, no_roi or unreadable; the grade fields
   * are null unless graded, {@code reason} is null when graded.
   */
  record SliceView(
      String sopInstanceUid,
      int frame,
      String status,
      String grade,
      JsonNode probabilities,
      BoxView box,
      Double ood,
      Boolean uncertain,
      Double pHigh,
      Boolean highCall,
      String reason,
      String boxSource,
      Double tumourInBoxMm2,
      Boolean callWithdrawn) {}

  /** A canal box in 0-based inclusive pixel indices. */
  record BoxView(int x0, int y0, int x1, int y1) {}

  /** Null until the series is complete: there is no decision to show while it still grows. */
  record SelectionView(String decision, String summary, List<String> reasons) {}

  /**
   * A grading job. {@code nextAttemptAt} is when a job that failed is tried again (null when it is
   * not waiting for a retry).
   */
  record JobView(
      long id,
      String state,
      String createdAt,
      String updatedAt,
      int attempts,
      String error,
      String nextAttemptAt) {}

  /** The canal boxes supplied for a study through the API. */
  record BoxesView(String studyInstanceUid, List<SliceBoxView> boxes) {}

  /** One supplied box: 0-based inclusive pixel indices. */
  record SliceBoxView(String sopInstanceUid, int frame, int x0, int y0, int x1, int y1) {}

  /** What a box upload did. */
  record BoxesStoredView(
      String studyInstanceUid, int boxes, int before, int changed, int seriesRequeued) {}

  record StudyList(List<StudySummaryView> studies) {}

  /** DICOM, DICOM TLS when it is on, and HTTP, each on the port it actually bound. */
  private static List<ListenerView> listeners(WebContext ctx, int httpPort) {
    var config = ctx.config();
    boolean dicomUp = ctx.dicomListening().getAsBoolean();
    List<ListenerView> out = new ArrayList<>();
    out.add(
        new ListenerView(
            "dicom", config.bind(), ctx.dicomPort().getAsInt(), config.aeTitle(), dicomUp));
    int tlsPort = ctx.dicomTlsPort().getAsInt();
    if (tlsPort >= 0) {
      out.add(new ListenerView("dicom_tls", config.bind(), tlsPort, config.aeTitle(), dicomUp));
    }
    out.add(new ListenerView("http", config.bind(), httpPort, null, true));
    return List.copyOf(out);
  }

  /**
   * What the status reads from the index: whole-table counts (studies, series, instances and their
   * bytes, jobs), the outbox counts, the last day's activity and the shadow bundle, read at {@code
   * at}. The expensive part of the status: {@link StatusSnapshot} reads it at most once a second
   * for every client.
   */
  record IndexFigures(
      Instant at,
      QueueView queue,
      TotalsView totals,
      OutboxView outbox,
      StatusActivity.View activity,
      ShadowModel shadow) {}

  /** Reads the index's part of the status now. */
  static IndexFigures indexFigures(WebContext ctx) {
    Instant now = ctx.clock().instant();
    Totals totals = ctx.index().totals();
    return new IndexFigures(
        now,
        new QueueView(totals.jobsQueued(), totals.jobsRunning()),
        new TotalsView(totals.studies(), totals.series(), totals.instances(), totals.bytes()),
        outbox(ctx),
        StatusActivity.of(ctx.index().activity(StatusActivity.windowStart(now)), now),
        shadow(ctx));
  }

  /**
   * Everything the status endpoint, its event stream and the status page show, with the attention
   * items {@link Attention#of} finds in it: the index's part as {@code figures} read it ({@code
   * as_of}), the rest (listeners, counters, disk, device, model) read now, because it costs no
   * index work and a full disk or a listener down should show at once. {@code httpPort} is the port
   * the request arrived on, because the configured one may be 0.
   */
  static StatusView status(WebContext ctx, int httpPort, IndexFigures figures) {
    Instant now = ctx.clock().instant();
    StatusView v =
        new StatusView(
            Version.current(),
            figures.at().toString(),
            Math.max(0, Duration.between(ctx.startedAt(), now).toSeconds()),
            ctx.startedAt().toString(),
            listeners(ctx, httpPort),
            new CountersView(
                (long) ctx.meters().instancesReceived(),
                (long) ctx.meters().instancesRejected(),
                ctx.meters().activeAssociations(),
                (long) ctx.meters().associationsRejected(),
                (long) ctx.meters().bytesReceived()),
            disk(ctx),
            figures.queue(),
            figures.outbox(),
            figures.totals(),
            ctx.engineState().get(),
            ctx.accelerator().get().degraded(),
            accelerator(ctx),
            ctx.model().get(),
            figures.shadow(),
            Attention.OK,
            List.of(),
            figures.activity(),
            ctx.meters().auditExport().orElse(null));
    return v.withAttention(Attention.of(v));
  }

  /** The shadow bundle, or null when off, or when it cannot be told (the status still renders). */
  static ShadowModel shadow(WebContext ctx) {
    if (ctx.bundles() == null) {
      return null;
    }
    try {
      return ctx.bundles().shadow();
    } catch (RuntimeException e) {
      return null;
    }
  }

  static OutboxView outbox(WebContext ctx) {
    var c = ctx.index().outboxCounts();
    return new OutboxView(c.pending(), c.failing(), c.failed(), c.sent());
  }

  static DiskView disk(WebContext ctx) {
    long free = ctx.disk().freeBytes();
    long reserve = ctx.disk().reserveBytes();
    // One reading of free space for both numbers, so the flags never contradict them.
    boolean below = free < reserve;
    boolean near = !below && free / Attention.NEAR_RESERVE_FACTOR < reserve;
    var volume = ctx.disk().volume().filter(v -> v.totalInodes() > 0);
    return new DiskView(
        free,
        reserve,
        below,
        near,
        volume.map(v -> v.inodesUsedPercent()).orElse(null),
        volume.map(v -> v.freeInodes()).orElse(null));
  }

  static StudySummaryView summary(StudyRow s) {
    return new StudySummaryView(
        s.studyUid(),
        s.state(),
        iso(s.firstReceivedMs()),
        iso(s.lastReceivedMs()),
        s.instanceCount(),
        s.seriesCount());
  }

  static StudyView study(StudyRow s) {
    List<SeriesView> series = s.series().stream().map(Views::series).toList();
    return new StudyView(
        s.studyUid(),
        s.state(),
        iso(s.firstReceivedMs()),
        iso(s.lastReceivedMs()),
        s.instanceCount(),
        s.seriesCount(),
        studyVerdict(series),
        series);
  }

  /** The study's group over its series' verdicts (null while none is graded). */
  static StudyVerdict studyVerdict(List<SeriesView> series) {
    return StudyVerdict.of(
        series.stream()
            .filter(v -> v.verdict() != null)
            .map(
                v ->
                    new StudyVerdict.SeriesOutcome(
                        text(v.verdict(), "group"),
                        text(v.verdict(), "indeterminate_reason"),
                        text(v.verdict(), "indeterminate_message")))
            .toList());
  }

  /** A series' stored verdict, as the study page and status page read it. */
  static StudyVerdict seriesOutcome(SeriesRow s) {
    return s.verdictJson() == null ? null : studyVerdict(List.of(series(s)));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /**
   * A stored verdict brought to the current shape: verdicts stored before the indeterminate group
   * have no reason fields, and a null group where nothing was graded.
   */
  private static JsonNode verdict(String json) {
    JsonNode t = tree(json);
    if (t instanceof ObjectNode o && !o.has("indeterminate_reason")) {
      if (o.path("group").isNull() || o.path("group").isMissingNode()) {
        o.put("group", Verdict.INDETERMINATE);
        o.put("indeterminate_reason", Verdict.REASON_NOTHING_GRADED);
        o.put("indeterminate_message", "No slice could be graded: read manually.");
      } else {
        o.putNull("indeterminate_reason");
        o.putNull("indeterminate_message");
      }
    }
    return t;
  }

  static SeriesView series(SeriesRow s) {
    SelectionView selection =
        s.decision() == null
            ? null
            : new SelectionView(
                s.decision(),
                s.decisionSummary(),
                s.decisionReasons() == null ? List.of() : s.decisionReasons());
    return new SeriesView(
        s.seriesUid(),
        s.modality(),
        s.seriesNumber(),
        s.description(),
        s.instanceCount(),
        s.state(),
        s.completedMs() == null ? null : iso(s.completedMs()),
        selection,
        s.job() == null ? null : job(s.job()),
        s.verdictJson() == null ? null : verdict(s.verdictJson()),
        s.slices() == null ? List.of() : s.slices().stream().map(Views::slice).toList());
  }

  static SliceView slice(SliceRow r) {
    int[] b = r.box();
    return new SliceView(
        r.sopInstanceUid(),
        r.frame(),
        r.status(),
        r.grade(),
        r.probabilitiesJson() == null ? null : tree(r.probabilitiesJson()),
        b == null ? null : new BoxView(b[0], b[1], b[2], b[3]),
        r.ood(),
        r.uncertain(),
        r.pHigh(),
        r.highCall(),
        r.reason(),
        r.boxSource(),
        r.tumourInBoxMm2(),
        r.callWithdrawn());
  }

  /** Stored JSON as a tree, so it is sent as JSON and not as a string holding JSON. */
  private static JsonNode tree(String json) {
    return VerdictJson.tree(json);
  }

  static JobView job(JobRow j) {
    return new JobView(
        j.id(),
        j.state(),
        iso(j.createdMs()),
        iso(j.updatedMs()),
        j.attempts(),
        j.error(),
        j.nextAttemptMs() == null || !"queued".equals(j.state()) ? null : iso(j.nextAttemptMs()));
  }

  static String iso(long epochMs) {
    return Instant.ofEpochMilli(epochMs).toString();
  }
}
