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
 * The page at {@code /} for facilities staff: one glance says OK or ATTENTION and why, in words,
 * without JavaScript or a console (and without a login unless {@code status-page-login} is on). It
 * is rendered on the server from the same readings as the API and refreshes itself, so it works on
 * a locked-down ward PC or a phone.
 *
 * <p>It shows no patient-derived text, since facilities staff (and, unless {@code
 * status-page-login} is on, anyone who reaches the port) see it: studies appear only as {@link
 * Uids#tag} (a hash that staff can quote to support, and that support can match against the log)
 * with their state and counts; no UID, series description or grade. Everything printed is escaped
 * all the same, because the engine line comes from outside this process.
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

  StatusPage(WebContext ctx) {
    this.ctx = ctx;
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
    HealthChecks.Health health = HealthChecks.run(ctx);
    List<String> reasons = new ArrayList<>();
    for (HealthChecks.Check c : health.checks()) {
      if (!c.up()) {
        reasons.add(headline(c) + ": " + c.detail());
      }
    }
    Views.StatusView status = null;
    List<StudyRow> studies = List.of();
    try {
      status = Views.status(ctx, httpPort);
      studies = newestStudies();
      if (status.outbox().failing() > 0) {
        reasons.add(
            "Results not reaching the PACS: "
                + status.outbox().failing()
                + " deliveries failing and being retried (the 'outbox:' log lines say why; check"
                + " forward-to and the PACS)");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "status page could not read the index", e);
      reasons.add("Index not readable: study counts and the study list are unavailable");
    }
    Accelerator accel = ctx.accelerator().get();
    boolean ok = reasons.isEmpty();

    Html h =
        Html.page(
            "CordWatch: " + (ok ? (accel.degraded() ? "DEGRADED" : "OK") : "ATTENTION"),
            "<meta http-equiv=\"refresh\" content=\"" + REFRESH_SECONDS + "\">\n");
    Pages.nav(h, ctx, access);
    h.raw("<header>\n");
    if (ok && accel.degraded()) {
      // Still grading, on the CPU: slower, so staff should call support, but nothing is lost.
      h.raw("<p class=\"state degraded\">DEGRADED</p>\n<p>")
          .text("Receiving and grading studies on the CPU, slower than usual: " + accel.reason())
          .raw("</p>\n");
    } else if (ok) {
      h.raw("<p class=\"state ok\">OK</p>\n");
      h.raw("<p>Receiving studies. No action needed.</p>\n");
    } else {
      h.raw("<p class=\"state attention\">ATTENTION</p>\n<ul class=\"why\">\n");
      for (String r : reasons) {
        h.raw("<li>").text(r).raw("</li>\n");
      }
      if (accel.degraded()) {
        h.raw("<li>").text("Degraded, grading on the CPU: " + accel.reason()).raw("</li>\n");
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
                + time(ctx.clock().instant())
                + " \u00b7 refreshes every "
                + REFRESH_SECONDS
                + " s")
        .raw("</p>\n</header>\n");

    listeners(h, httpPort);
    disk(h);
    if (status != null) {
      activity(h, status);
    }
    device(h, Views.accelerator(accel));
    studies(h, studies, status != null);
    h.raw("</body>\n</html>\n");
    return h.toString();
  }

  private List<StudyRow> newestStudies() {
    // The list rows carry no series; the page names them so staff can see what arrived.
    List<StudyRow> out = new ArrayList<>();
    for (StudyRow s : ctx.index().studies(null, NEWEST_STUDIES)) {
      out.add(ctx.index().study(s.studyUid()).orElse(s));
    }
    return out;
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
    h.raw("<tr><td>HTTP (this page, API)</td><td>")
        .text(ctx.config().bind() + ":" + httpPort)
        .raw("</td><td></td><td class=\"ok\">listening</td></tr>\n</table>\n");
  }

  private void disk(Html h) {
    Views.DiskView d = Views.disk(ctx);
    h.raw("<h2>Disk</h2>\n<p class=\"")
        .raw(d.belowReserve() ? "attention" : "ok")
        .raw("\">")
        .text(
            HealthChecks.gb(d.freeBytes())
                + " free, "
                + HealthChecks.gb(d.reserveBytes())
                + " kept in reserve"
                + (d.belowReserve() ? ": below the reserve, new studies are refused" : ""))
        .raw("</p>\n");
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
    h.raw("<tr><th>Engine</th><td>").text(s.engine()).raw("</td></tr>\n</table>\n");
    h.raw("<h2>Stored</h2>\n<table>\n");
    row(h, "Studies", s.totals().studies());
    row(h, "Series", s.totals().series());
    row(h, "Images", s.totals().instances());
    h.raw("<tr><th>Size</th><td class=\"n\">")
        .text(HealthChecks.gb(s.totals().bytes()))
        .raw("</td></tr>\n</table>\n");
  }

  private static void device(Html h, Views.AcceleratorView view) {
    Accelerator a = view.state();
    h.raw("<h2>Device</h2>\n<table>\n");
    h.raw("<tr><th>Profile</th><td>").text(a.profile()).raw("</td></tr>\n");
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

  private void studies(Html h, List<StudyRow> studies, boolean readable) {
    h.raw("<h2>Newest studies</h2>\n");
    if (!readable) {
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
