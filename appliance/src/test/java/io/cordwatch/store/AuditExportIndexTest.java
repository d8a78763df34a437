package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.testing.SelectedSeries;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit rows as the syslog export reads them, and its cursor per collector. */
class AuditExportIndexTest {
  @TempDir Path tmp;

  @Test
  void rowsComeInOrderAfterTheCursorAndTheCursorNeverGoesBack() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      for (int i = 0; i < 5; i++) {
        index.audit(100 + i, "login", "user u" + i);
      }
      List<AuditRow> all = index.auditAfter(0, 100);
      assertEquals(5, all.size());
      assertEquals(
          List.of(2, 3),
          index.auditAfter(all.get(1).id() - 1, 2).stream()
              .map(r -> (int) (r.id() - all.getFirst().id() + 1))
              .toList());
      assertEquals(0, index.auditExported("tcp://a:514"));
      index.markAuditExported("tcp://a:514", all.get(3).id(), 1);
      index.markAuditExported("tcp://a:514", all.get(1).id(), 2);
      assertEquals(all.get(3).id(), index.auditExported("tcp://a:514"), "never backwards");
      assertEquals(1, index.auditCountAfter(index.auditExported("tcp://a:514")));
      assertEquals(0, index.auditExported("udp://b:514"), "each collector has its own cursor");
    }
  }

  @Test
  void aDeliveredResultIsAuditedWithItsStudyAndDestinationWithoutSecrets() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      finishedWith(
          index,
          List.of(
              new OutboxRecords.Item(
                  "sr", "2.25.1", "1.2.840.10008.5.1.4.1.1.88.34", "o/1", "P@h:1"),
              new OutboxRecords.Item(
                  "alert", "2.25.2", null, "o/2", "https://bot:secret@hooks.example/x?key=k")));
      for (OutboxRecords.Row r : index.dueOutbox(Long.MAX_VALUE, 10)) {
        assertTrue(index.outboxDelivered(r.id(), 50));
      }
      List<String> sent =
          index.auditAfter(0, 100).stream()
              .filter(r -> r.event().equals("results_sent"))
              .map(AuditRow::detail)
              .toList();
      assertEquals(
          List.of(
              "sr 2.25.1 of study 1.2.3 to P@h:1",
              "alert 2.25.2 of study 1.2.3 to https://hooks.example/x"),
          sent);
    }
  }

  @Test
  void aVersionTenIndexGainsTheCursorTableAndKeepsItsTrail() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      index.audit(1, "login", "user a");
    }
    OldSchema.rollBack(db, 10, List.of("DROP TABLE audit_export"));
    try (Index index = Index.open(db)) {
      assertEquals(1, index.auditAfter(0, 10).size());
      index.markAuditExported("tls://c:6514", 1, 2);
      assertEquals(1, index.auditExported("tls://c:6514"));
    }
  }

  /** A graded series of study 1.2.3 whose verdict queued {@code items}. */
  private static void finishedWith(Index index, List<OutboxRecords.Item> items) {
    SelectedSeries.queue(index);
    assertTrue(index.finishJob(index.claimJob(3).orElseThrow(), "{}", List.of(), 10, items));
  }
}
