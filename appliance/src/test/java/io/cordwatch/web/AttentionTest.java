package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.Activity;
import io.cordwatch.telemetry.AuditExportFigures;
import io.cordwatch.telemetry.GpuTelemetry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each reason for ATTENTION, raised from the status view alone, and only when it holds. */
class AttentionTest {
  private static final long GB = 1_000_000_000L;
  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

  @Test
  void aHealthyApplianceNeedsNobody() {
    Views.StatusView v = view(listener(true), disk(50 * GB, 2 * GB, null), 0, 0, model(), 0);

    assertEquals(List.of(), Attention.of(v));
    assertEquals(Attention.OK, v.withAttention(Attention.of(v)).state());
  }

  @Test
  void seriesWaitingWithoutAModelSayHowToLoadOne() {
    Views.StatusView waiting = view(listener(true), disk(50 * GB, 2 * GB, null), 3, 0, none(), 0);
    Views.StatusView idle = view(listener(true), disk(50 * GB, 2 * GB, null), 0, 0, none(), 0);
    Views.StatusView graded = view(listener(true), disk(50 * GB, 2 * GB, null), 3, 0, model(), 0);

    Attention.Item item = only(Attention.of(waiting));
    assertEquals("no_model", item.code());
    assertTrue(item.problem().startsWith("3 series are waiting for grading"), item.problem());
    assertTrue(item.action().contains("model bundle"), item.action());
    assertEquals(List.of(), Attention.of(idle), "no model and nothing waiting: nothing is stuck");
    assertEquals(List.of(), Attention.of(graded), "a model will grade them");
    assertEquals(Attention.ATTENTION, waiting.withAttention(Attention.of(waiting)).state());
  }

  @Test
  void failingDeliveriesNameThePacsAndWhereToLook() {
    Views.StatusView v = view(listener(true), disk(50 * GB, 2 * GB, null), 0, 2, model(), 0);

    Attention.Item item = only(Attention.of(v));
    assertEquals("outbox_failing", item.code());
    assertTrue(item.problem().startsWith("Results not reaching the PACS: 2"), item.problem());
    assertTrue(item.action().contains("forward-to"), item.action());
  }

  @Test
  void anAuditCollectorUnreachableLongerThanAllowedNamesItAndWhatIsKept() {
    var ok = new AuditExportFigures("tls://audit.example:6514", 0, 0, 300, null);
    var brief = new AuditExportFigures("tls://audit.example:6514", 3, 120, 300, "refused");
    var longOutage = new AuditExportFigures("tls://audit.example:6514", 42, 600, 300, "refused");

    assertEquals(List.of(), Attention.of(audited(ok)));
    assertEquals(List.of(), Attention.of(audited(brief)), "a short outage is only retried");
    Attention.Item item = only(Attention.of(audited(longOutage)));
    assertEquals("audit_export_failing", item.code());
    assertTrue(item.problem().contains("tls://audit.example:6514 for 10 min"), item.problem());
    assertTrue(item.problem().contains("42 entries waiting"), item.problem());
    assertTrue(item.action().startsWith("nothing is lost"), item.action());
  }

  private static Views.StatusView audited(AuditExportFigures f) {
    return view(listener(true), disk(50 * GB, 2 * GB, null), 0, 0, model(), 0, f);
  }

  @Test
  void aGpuFaultSaysDegradedAndWhenTheGpuIsTriedAgain() {
    Views.StatusView v = view(listener(true), disk(50 * GB, 2 * GB, null), 0, 0, degraded(), 0);

    Attention.Item item = only(Attention.of(v));
    assertEquals("engine_degraded", item.code());
    assertTrue(item.problem().contains("CUDA error 700"), item.problem());
    assertTrue(item.action().contains("2026-03-02T10:05:00Z"), item.action());
  }

  @Test
  void diskBelowTheReserveAndNearItAreTwoDifferentItems() {
    Views.StatusView below = view(listener(true), disk(1 * GB, 2 * GB, null), 0, 0, model(), 0);
    Views.StatusView near = view(listener(true), disk(3 * GB, 2 * GB, null), 0, 0, model(), 0);
    Views.StatusView twice = view(listener(true), disk(4 * GB, 2 * GB, null), 0, 0, model(), 0);

    assertEquals("disk_below_reserve", only(Attention.of(below)).code());
    assertTrue(only(Attention.of(below)).problem().contains("refused"));
    assertEquals("disk_near_reserve", only(Attention.of(near)).code());
    assertTrue(only(Attention.of(near)).problem().contains("3.0 GB free, 2.0 GB reserve"));
    assertEquals(List.of(), Attention.of(twice), "twice the reserve is not near it");
  }

  @Test
  void aVolumeNearlyOutOfInodesIsRaisedWhateverTheFreeBytes() {
    Views.StatusView full = view(listener(true), disk(50 * GB, 2 * GB, 96.5), 0, 0, model(), 0);
    Views.StatusView fine = view(listener(true), disk(50 * GB, 2 * GB, 94.9), 0, 0, model(), 0);

    Attention.Item item = only(Attention.of(full));
    assertEquals("inodes_nearly_full", item.code());
    assertTrue(item.problem().contains("96.5 % used"), item.problem());
    assertEquals(List.of(), Attention.of(fine));
  }

  @Test
  void aDownDicomListenerSaysScannersCannotSend() {
    Views.StatusView v = view(listener(false), disk(50 * GB, 2 * GB, null), 0, 0, model(), 0);

    Attention.Item item = only(Attention.of(v));
    assertEquals("dicom_listener_down", item.code());
    assertTrue(item.problem().contains("127.0.0.1:11112"), item.problem());
    assertTrue(item.action().contains("restart"), item.action());
  }

  @Test
  void everyReasonAtOnceIsListedMostUrgentFirst() {
    Views.StatusView v = view(listener(false), disk(1 * GB, 2 * GB, 99.0), 4, 1, none(), 0);

    List<String> codes = Attention.of(v).stream().map(Attention.Item::code).toList();

    assertEquals(
        List.of(
            "dicom_listener_down",
            "disk_below_reserve",
            "inodes_nearly_full",
            "no_model",
            "outbox_failing"),
        codes);
    for (Attention.Item i : Attention.of(v)) {
      assertFalse(i.action().isBlank(), i.code() + " says what to do");
    }
  }

  private static Attention.Item only(List<Attention.Item> items) {
    assertEquals(1, items.size(), items.toString());
    return items.getFirst();
  }

  private static Views.ListenerView listener(boolean up) {
    return new Views.ListenerView("dicom", "127.0.0.1", 11112, "CORDWATCH", up);
  }

  private static Views.DiskView disk(long free, long reserve, Double inodesUsed) {
    return new Views.DiskView(
        free,
        reserve,
        free < reserve,
        free >= reserve && free / Attention.NEAR_RESERVE_FACTOR < reserve,
        inodesUsed,
        inodesUsed == null ? null : 1000L);
  }

  private static Accelerator model() {
    return new Accelerator(
        "cpu",
        "cpu",
        false,
        "onnxruntime-cpu",
        "cpu profile",
        0,
        null,
        null,
        GpuTelemetry.none("no GPU"));
  }

  private static Accelerator none() {
    return Accelerator.unknown();
  }

  private static Accelerator degraded() {
    return new Accelerator(
        "x86-gpu",
        "degraded",
        true,
        "onnxruntime-cpu",
        "GPU fault: CUDA error 700",
        1,
        NOW,
        NOW.plusSeconds(300),
        GpuTelemetry.none("no GPU"));
  }

  private static Views.StatusView view(
      Views.ListenerView dicom,
      Views.DiskView disk,
      long queued,
      long failing,
      Accelerator accelerator,
      long running) {
    return view(dicom, disk, queued, failing, accelerator, running, null);
  }

  private static Views.StatusView view(
      Views.ListenerView dicom,
      Views.DiskView disk,
      long queued,
      long failing,
      Accelerator accelerator,
      long running,
      AuditExportFigures audit) {
    return new Views.StatusView(
        "test",
        NOW.toString(),
        90,
        NOW.minusSeconds(90).toString(),
        List.of(dicom, new Views.ListenerView("http", "127.0.0.1", 8080, null, true)),
        new Views.CountersView(0, 0, 0, 0, 0),
        disk,
        new Views.QueueView(queued, running),
        new Views.OutboxView(failing, failing, 0, 0),
        new Views.TotalsView(0, 0, 0, 0),
        "engine",
        accelerator.degraded(),
        Views.accelerator(accelerator),
        null,
        null,
        Attention.OK,
        List.of(),
        StatusActivity.of(new Activity(0, List.of(), List.of(), null, List.of()), NOW),
        audit);
  }
}
