package io.cordwatch.web;

import io.cordwatch.Version;
import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.telemetry.GpuSample;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The page at {@code /} for facilities staff: one glance says OK or ATTENTION and, for each reason
 * ({@link Attention}), what to do, without a console (and without a login unless {@code
 * status-page-login} is on). It is rendered on the server from the same view as the API, charts
 * included ({@link StatusCharts}, inline SVG), so it works on a locked-down ward PC or a phone.
 * Without JavaScript it reloads itself (a {@code <noscript>} refresh); with it, {@code
 * /static/status.js} follows {@link StatusEvents} and swaps in a fresh {@code <main>} when the
 * status changes.
 *
 * <p>It shows no patient-derived text, since facilities staff (and, unless {@code
 * status-page-login} is on, anyone who reaches the port) see it: studies appear only as {@link
 * Uids#tag} (a hash that staff can quote to support, and that support can match against the log)
 * with their state and counts; no UID, series description or grade. Senders appear by calling AE
 * title, which names a device. Everything printed is escaped all the same, because the engine line
 * and AE titles come from outside this process.
 *
 * <p>A failing index must not take the page down with it; the page is where staff look when
 * something is wrong. So each part is read on its own, and a part that cannot be read becomes a
 * reason for ATTENTION.
 */
final class StatusPage implements HttpService {
  private static final Logger LOG = Logger.getLogger(StatusPage.class.getName());
  static final int NEWEST_STUDIES = 20;
  static final int REFRESH_SECONDS = 10;

  private final WebContext ctx;
  private final StatusSnapshot snapshot;

  StatusPage(WebContext ctx, StatusSnapshot snapshot) {
    this.ctx = ctx;
    this.snapshot = snapshot;
  }

  @Override
  public void routing(HttpRules rules) {
    Replies.get(rules, "/", this::page);
  }

  private void page(ServerRequest req, ServerResponse res) {
    Access access = req.context().get(Access.class).orElse(Access.ANONYMOUS);
    Replies.text(
        res, Status.OK_200, "text/html; charset=utf-8", render(req.localPeer().port(), access));
  }

  String render(int httpPort, Access access) {
    // Everything read from the index comes from the reading shared with the API and the event
    // stream (at most a second old), so a wall screen reloading on every event costs no index work.
    StatusSnapshot.PageParts parts = snapshot.pageParts();
    HealthChecks.Health health = HealthChecks.with(ctx, parts.database());
    List<String> reasons = new ArrayList<>();
    Views.StatusView status = null;
    try {
      status = snapshot.status(httpPort);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "status page could not read the index", e);
    }
    List<StudyRow> studies = status == null ? null : parts.newestStudies();
    for (HealthChecks.Check c : health.checks()) {
      // With the status view read, disk and listener are among its attention items already.
      if (!c.up() && (status == null || c.name().equals("database"))) {
        reasons.add(headline(c) + ": " + c.detail());
      }
    }
    if (status == null) {
      reasons.add("Index not readable: study counts and the study list are unavailable");
    } else {
      status.attention().forEach(a -> reasons.add(a.line()));
    }
    boolean ok = reasons.isEmpty();

    Html h =
        Html.page(
            "CordWatch: " + (ok ? "OK" : "ATTENTION"),
            // Without JavaScript the page reloads itself; with it, status.js follows the event
            // stream and the reload would only interrupt it.
            "<noscript><meta http-equiv=\"refresh\" content=\""
                + REFRESH_SECONDS
                + "\"></noscript>\n<script src=\""
                + StaticAssets.STATUS_SCRIPT
                + "\" defer></script>\n");
    Pages.nav(h, ctx, access);
    h.raw("<main id=\"live\" data-events=\"" + StatusEvents.PATH + "\">\n");
    // Inside <main>, so the live redraw brings them and takes them away with the rest.
    ActiveModel model = model();
    if (model != null && !model.clinicalUse()) {
      notForClinicalUse(h, model);
    }
    if (model != null && !model.signed()) {
      StudyPage.unsignedModel(h, "grading with " + model.name() + " (" + model.id() + ")");
    }
    h.raw("<header>\n");
    if (ok) {
      h.raw("<p class=\"state ok\">OK</p>\n");
      h.raw("<p>Receiving studies. No action needed.</p>\n");
    } else {
      h.raw("<p class=\"state attention\">ATTENTION</p>\n<ul class=\"why\">\n");
      for (String r : reasons) {
        h.raw("<li>").text(r).raw("</li>\n");
      }
      h.raw("</ul>\n");
    }
    h.raw("<p class=\"meta\">")
        .text(
            "CordWatch "
                + Version.current()
                + " \u00b7 up "
                + uptime(Duration.between(ctx.startedAt(), ctx.clock().instant()))
                + " \u00b7 as of "
                + time(status == null ? ctx.clock().instant() : Instant.parse(status.asOf())))
        .raw("<span id=\"updates\">")
        .text(" \u00b7 refreshes every " + REFRESH_SECONDS + " s")
        .raw("</span></p>\n</header>\n");

    listeners(h, httpPort);
    disk(h, status == null ? Views.disk(ctx) : status.disk());
    if (status != null) {
      activity(h, status);
      lastDay(h, status.activity());
    }
    device(h, Views.accelerator(ctx.accelerator().get()), model);
    studies(h, studies);
    h.raw("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private void listeners(Html h, int httpPort) {
    boolean dicomUp = ctx.dicomListening().getAsBoolean();
    h.raw("<h2>Listeners</h2>\n<table>\n");
    h.raw("<tr><th>Service</th><th>Address</th><th>AE title</th><th>State</th></tr>\n");
    h.raw("<tr><td>DICOM (from scanners)</td><td>")
        .text(ctx.config().bind() + ":" + ctx.dicomPort().getAsInt())
        .raw("</td><td>")
        .text(ctx.config().aeTitle())
        .raw("</td><td class=\"")
        .raw(dicomUp ? "ok\">listening" : "attention\">DOWN")
        .raw("</td></tr>\n");
    int tlsPort = ctx.dicomTlsPort().getAsInt();
    if (tlsPort >= 0) {
      h.raw("<tr><td>DICOM TLS (from scanners)</td><td>")
          .text(ctx.config().bind() + ":" + tlsPort)
          .raw("</td><td>")
          .text(ctx.config().aeTitle())
          .raw("</td><td class=\"")
          .raw(dicomUp ? "ok\">listening" : "attention\">DOWN")
          .raw("</td></tr>\n");
    }
    h.raw("<tr><td>HTTP (this page, API)</td><td>")
        .text(ctx.config().bind() + ":" + httpPort)
        .raw("</td><td></td><td class=\"ok\">listening</td></tr>\n</table>\n");
  }

  private static void disk(Html h, Views.DiskView d) {
    String cls = d.belowReserve() ? "attention" : d.nearReserve() ? "degraded" : "ok";
    h.raw("<h2>Disk</h2>\n<p class=\"")
        .raw(cls)
        .raw("\">")
        .text(
            HealthChecks.gb(d.freeBytes())
                + " free, "
                + HealthChecks.gb(d.reserveBytes())
                + " kept in reserve"
                + (d.belowReserve()
                    ? ": below the reserve, new studies are refused"
                    : d.nearReserve() ? ": nearly at the reserve" : "")
                + (d.inodesUsedPercent() == null
                    ? ""
                    : String.format(
                        java.util.Locale.ROOT,
                        "; inodes %.1f %% used (%d free)",
                        d.inodesUsedPercent(),
                        d.freeInodes())))
        .raw("</p>\n");
  }

  /**
   * The last day: when the newest study arrived, the two charts, and which senders sent what (AE
   * titles name devices; counts only).
   */
  private void lastDay(Html h, StatusActivity.View a) {
    h.raw("<h2>Last 24 hours</h2>\n<p>");
    if (a.lastStudyAt() == null) {
      h.text("No study received yet.");
    } else {
      h.text(
          "Last image received "
              + uptime(Duration.ofSeconds(a.secondsSinceLastStudy()))
              + " ago ("
              + time(Instant.parse(a.lastStudyAt()))
              + ").");
    }
    h.raw("</p>\n<figure>\n");
    StatusCharts.studiesPerHour(h, a.hours(), ctx.clock().getZone());
    h.raw("<figcaption>Studies received per hour</figcaption>\n</figure>\n<figure>\n");
    StatusCharts.latencyPerHour(h, a.hours(), ctx.clock().getZone());
    boolean verdicts = a.hours().stream().anyMatch(x -> x.verdicts() > 0);
    h.raw("<figcaption>")
        .text(
            verdicts
                ? "Last image to verdict (bar: median; tick: longest)"
                : "Last image to verdict: no verdicts in the last 24 hours")
        .raw("</figcaption>\n");
    h.raw("</figure>\n<h3>Senders</h3>\n");
    if (a.callers().isEmpty()) {
      h.raw("<p>Nothing received in the last 24 hours.</p>\n");
      return;
    }
    h.raw("<table class=\"callers\">\n<tr><th>Calling AE title</th><th>Images</th>");
    h.raw("<th>Studies</th></tr>\n");
    for (StatusActivity.Caller c : a.callers()) {
      h.raw("<tr><td>")
          .text(c.aeTitle() == null ? "(not recorded)" : c.aeTitle())
          .raw("</td><td class=\"n\">")
          .text(Long.toString(c.instances()))
          .raw("</td><td class=\"n\">")
          .text(Long.toString(c.studies()))
          .raw("</td></tr>\n");
    }
    h.raw("</table>\n");
  }

  private static void activity(Html h, Views.StatusView s) {
    h.raw("<h2>Since start</h2>\n<table>\n");
    row(h, "Images received", s.counters().instancesReceived());
    row(h, "Images refused", s.counters().instancesRejected());
    row(h, "Connections open now", s.counters().associationsActive());
    row(h, "Connections refused", s.counters().associationsRejected());
    h.raw("<tr><th>Data received</th><td class=\"n\">")
        .text(HealthChecks.gb(s.counters().bytesReceived()))
        .raw("</td></tr>\n</table>\n");
    h.raw("<h2>Grading</h2>\n<table>\n");
    row(h, "Series waiting", s.queue().queued());
    row(h, "Series being graded", s.queue().running());
    row(h, "Results waiting to be sent", s.outbox().backlog());
    row(h, "Results given up (see audit)", s.outbox().failed());
    h.raw("<tr><th>Engine</th><td>").text(s.engine()).raw("</td></tr>\n");
    if (s.shadow() != null) {
      h.raw("<tr><th>Shadow model</th><td>").text(s.shadow().line()).raw("</td></tr>\n");
    }
    h.raw("</table>\n");
    h.raw("<h2>Stored</h2>\n<table>\n");
    row(h, "Studies", s.totals().studies());
    row(h, "Series", s.totals().series());
    row(h, "Images", s.totals().instances());
    h.raw("<tr><th>Size</th><td class=\"n\">")
        .text(HealthChecks.gb(s.totals().bytes()))
        .raw("</td></tr>\n</table>\n");
  }

  /** The loaded model; null without one, or when it cannot be told (the page still renders). */
  private ActiveModel model() {
    try {
      return ctx.model().get();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "status page could not read the loaded model", e);
      return null;
    }
  }

  /**
   * The red banner of a model whose bundle says {@code clinical_use: false}: on the wall screen as
   * on the results pages, so nobody takes its results into patient care unnoticed.
   */
  static void notForClinicalUse(Html h, ActiveModel m) {
    h.raw("<p class=\"banner\" id=\"not-clinical\">NOT FOR CLINICAL USE: ")
        .text(
            "the loaded model "
                + m.name()
                + " (version "
                + m.version()
                + ") is not cleared for clinical use (its bundle says clinical_use: false). Do"
                + " not base patient care on its results.")
        .raw("</p>\n");
  }

  private static void device(Html h, Views.AcceleratorView view, ActiveModel m) {
    Accelerator a = view.state();
    h.raw("<h2>Device</h2>\n<table>\n");
    h.raw("<tr><th>Profile</th><td>").text(a.profile()).raw("</td></tr>\n");
    h.raw("<tr><th>Model</th><td id=\"model\"");
    if (m == null) {
      h.raw(">").text("no model loaded");
    } else {
      h.raw(m.clinicalUse() && m.signed() ? ">" : " class=\"attention\">")
          .text(
              m.name()
                  + ", version "
                  + m.version()
                  + (m.clinicalUse()
                      ? " (cleared for clinical use)"
                      : " (NOT FOR CLINICAL USE: clinical_use is false)")
                  + "; "
                  + m.signature());
    }
    h.raw("</td></tr>\n");
    h.raw("<tr><th>Grading on</th><td class=\"")
        .raw(a.degraded() ? "degraded\">" : "ok\">")
        .text(
            (a.engine() == null ? "no model loaded" : a.engine())
                + " ("
                + a.mode()
                + (a.gpuFaults() > 0 ? ", " + a.gpuFaults() + " GPU fault(s) since start" : "")
                + ")")
        .raw("</td></tr>\n");
    Views.GpuView g = view.gpu();
    h.raw("<tr><th>GPU</th><td>").text(g.status()).raw("</td></tr>\n");
    if (g.available()) {
      GpuSample r = g.reading();
      StringBuilder line = new StringBuilder();
      if (r.temperatureC() != null) {
        line.append(String.format(java.util.Locale.ROOT, "%.0f \u00b0C", r.temperatureC()));
      }
      if (r.utilization() != null) {
        line.append(String.format(java.util.Locale.ROOT, ", %.0f%% busy", 100 * r.utilization()));
      }
      if (r.memoryUsedBytes() != null && r.memoryTotalBytes() != null) {
        line.append(
            String.format(
                java.util.Locale.ROOT,
                ", memory %.1f of %.1f GB",
                r.memoryUsedBytes() / 1e9,
                r.memoryTotalBytes() / 1e9));
      }
      if (r.powerWatts() != null) {
        line.append(String.format(java.util.Locale.ROOT, ", %.1f W", r.powerWatts()));
      }
      if (r.throttleReasons() != null && !r.throttleReasons().isEmpty()) {
        line.append(", throttled: ").append(String.join(", ", r.throttleReasons()));
      }
      h.raw("<tr><th>GPU now</th><td>").text(line.toString()).raw("</td></tr>\n");
    }
    h.raw("</table>\n");
  }

  private static void row(Html h, String label, long value) {
    h.raw("<tr><th>").text(label).raw("</th><td class=\"n\">").text(Long.toString(value));
    h.raw("</td></tr>\n");
  }

  /** The newest studies by tag; {@code studies} is null when they could not be read. */
  private void studies(Html h, List<StudyRow> studies) {
    h.raw("<h2>Newest studies</h2>\n");
    if (studies == null) {
      h.raw("<p class=\"attention\">The study list cannot be read right now.</p>\n");
      return;
    }
    if (studies.isEmpty()) {
      h.raw("<p>No studies received yet.</p>\n");
      return;
    }
    h.raw("<table>\n<tr><th>Study</th><th>State</th><th>Last received</th>");
    h.raw("<th>Images</th><th>Series</th></tr>\n");
    for (StudyRow s : studies) {
      h.raw("<tr><td><code>").text(Uids.tag(s.studyUid())).raw("</code></td><td>");
      h.text(stateWords(s.state()))
          .raw("</td><td>")
          .text(time(Instant.ofEpochMilli(s.lastReceivedMs())));
      h.raw("</td><td class=\"n\">").text(Integer.toString(s.instanceCount())).raw("</td><td>");
      if (s.series().isEmpty()) {
        h.text(Integer.toString(s.seriesCount()));
      } else {
        h.raw("<ul>");
        for (SeriesRow r : s.series()) {
          h.raw("<li>").text(seriesLine(r)).raw("</li>");
        }
        h.raw("</ul>");
      }
      h.raw("</td></tr>\n");
    }
    h.raw("</table>\n");
  }

  /**
   * A series without anything taken from the images' text: no description (it is typed at the
   * scanner and may name the patient or the clinical question) and no grade (results are for
   * clinicians). Modality, size and whether it is graded are enough to see that work flows.
   */
  private static String seriesLine(SeriesRow r) {
    String decision =
        r.decision() == null
            ? "receiving"
            : "selected".equals(r.decision()) ? "selected for grading" : "not graded";
    return (r.modality() == null ? "series" : r.modality())
        + " \u00b7 "
        + r.instanceCount()
        + (r.instanceCount() == 1 ? " image \u00b7 " : " images \u00b7 ")
        + decision;
  }

  private static String stateWords(String state) {
    return switch (state) {
      case "receiving" -> "receiving";
      case "queued" -> "waiting for grading";
      case "complete" -> "complete";
      case "graded" -> "graded";
      case "failed" -> "grading failed";
      case "not_eligible" -> "not eligible (no axial T2 thoracic series)";
      default -> state;
    };
  }

  private static String headline(HealthChecks.Check c) {
    return switch (c.name()) {
      case "database" -> "Database not writable";
      case "disk" -> "Disk below reserve";
      case "dicom_listener" -> "DICOM listener down";
      default -> c.name();
    };
  }

  private String time(Instant t) {
    return Pages.time(ctx, t);
  }

  private static String uptime(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + " min";
    }
    if (s < 86_400) {
      return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
    return (s / 86_400) + " d " + (s % 86_400 / 3600) + " h";
  }
}
