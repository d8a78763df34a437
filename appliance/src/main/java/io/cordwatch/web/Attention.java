package io.cordwatch.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether work can proceed, decided from the status view alone: every reason it cannot (or soon
 * will not) becomes one item, with what a person on the ward or in facilities should do about it.
 * The page, {@code GET /api/v1/status} and its event stream all carry the same list, so a wall
 * screen, a dashboard and a script never disagree about OK.
 *
 * <p>An item is raised where a study would wait or be lost without someone acting: a listener that
 * is down, a disk at or near the reserve (or out of inodes, which refuses a new file just as
 * surely), series waiting for a model that is not loaded, results that do not reach the PACS, and
 * grading that fell back to the CPU. The texts carry no patient-derived data: counts, sizes, device
 * and engine states only.
 */
final class Attention {
  /** The status when nothing needs a person. */
  static final String OK = "ok";

  /** The status when at least one item does. */
  static final String ATTENTION = "attention";

  /**
   * Free space under this many times the reserve is "near the reserve": with the default 2 GB
   * reserve, a warning at 4 GB free leaves a day or more of studies to act in.
   */
  static final int NEAR_RESERVE_FACTOR = 2;

  /**
   * Inodes in use from which the volume counts as nearly out of them. Retention starts freeing at
   * its high water mark (90 % by default), so reaching this means it cannot keep up.
   */
  static final double INODES_NEARLY_FULL_PERCENT = 95.0;

  /**
   * One reason for ATTENTION.
   *
   * @param code a stable name for scripts and tests ({@code dicom_listener_down}, {@code
   *     disk_below_reserve}, {@code disk_near_reserve}, {@code inodes_nearly_full}, {@code
   *     no_model}, {@code outbox_failing}, {@code audit_export_failing}, {@code engine_degraded})
   * @param problem what is wrong, in a sentence
   * @param action what to do about it
   */
  record Item(String code, String problem, String action) {
    /** Problem and action as one line, for the page and for logs. */
    String line() {
      return problem + " \u2013 " + action;
    }
  }

  private Attention() {}

  /** The reasons for ATTENTION in {@code s}, most urgent first; empty when all is well. */
  static List<Item> of(Views.StatusView s) {
    List<Item> out = new ArrayList<>();
    for (Views.ListenerView l : s.listeners()) {
      if (!l.up() && "dicom".equals(l.protocol())) {
        out.add(
            new Item(
                "dicom_listener_down",
                "DICOM listener down on "
                    + l.bind()
                    + ":"
                    + l.port()
                    + ": scanners cannot send studies",
                "restart the appliance (systemctl restart cordwatch); if it stays down, its log"
                    + " says why the port cannot be opened"));
      }
    }
    disk(s.disk(), out);
    if (s.accelerator().state().engine() == null && s.queue().queued() > 0) {
      out.add(
          new Item(
              "no_model",
              s.queue().queued()
                  + (s.queue().queued() == 1 ? " series is" : " series are")
                  + " waiting for grading but no model is loaded",
              "configure a model bundle (the bundle setting, docs/model-bundle.md) and restart;"
                  + " the waiting series are graded then, nothing is lost"));
    }
    if (s.outbox().failing() > 0) {
      out.add(
          new Item(
              "outbox_failing",
              "Results not reaching the PACS: "
                  + s.outbox().failing()
                  + " deliveries failing and being retried",
              "check forward-to and that the PACS is up and accepts our AE title; the 'outbox:'"
                  + " log lines say why"));
    }
    if (s.auditExport() != null && s.auditExport().alerting()) {
      out.add(
          new Item(
              "audit_export_failing",
              "Audit trail not reaching the audit collector "
                  + s.auditExport().collector()
                  + " for "
                  + s.auditExport().unreachableSeconds() / 60
                  + " min ("
                  + s.auditExport().backlog()
                  + " entries waiting)",
              "nothing is lost: the entries are kept and sent when it is back; check that the"
                  + " collector is up and reachable (the 'audit:' log lines say why)"));
    }
    if (s.accelerator().state().degraded()) {
      String retry = s.accelerator().nextRetryAt();
      out.add(
          new Item(
              "engine_degraded",
              "Degraded: grading on the CPU, slower than usual ("
                  + s.accelerator().state().reason()
                  + ")",
              "nothing is lost; "
                  + (retry == null ? "" : "the GPU is tried again at " + retry + "; ")
                  + "call support if it persists (the 'engine:' log lines and /observe/metrics"
                  + " say why)"));
    }
    return List.copyOf(out);
  }

  private static void disk(Views.DiskView d, List<Item> out) {
    String figures =
        HealthChecks.gb(d.freeBytes()) + " free, " + HealthChecks.gb(d.reserveBytes()) + " reserve";
    String free =
        "free space on the data volume (retention removes settled studies at its high water"
            + " mark; see docs/operations.md, Retention)";
    if (d.belowReserve()) {
      out.add(
          new Item(
              "disk_below_reserve",
              "Disk below reserve (" + figures + "): new studies are refused",
              free + "; receiving resumes by itself"));
    } else if (d.nearReserve()) {
      out.add(
          new Item(
              "disk_near_reserve",
              "Disk nearly at reserve (" + figures + "): new studies will soon be refused",
              free));
    }
    if (d.inodesUsedPercent() != null && d.inodesUsedPercent() >= INODES_NEARLY_FULL_PERCENT) {
      out.add(
          new Item(
              "inodes_nearly_full",
              String.format(
                  Locale.ROOT,
                  "Data volume nearly out of inodes (%.1f %% used, %d left): new files will be"
                      + " refused",
                  d.inodesUsedPercent(),
                  d.freeInodes()),
              free));
    }
  }
}
