package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.OutboxRecords.Item;
import io.cordwatch.testing.SelectedSeries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results outbox: queued with its verdict, due, delivered, retried, given up, superseded. */
class OutboxIndexTest {
  @TempDir Path tmp;

  private static final List<Item> TWO =
      List.of(
          new Item("sr", "2.25.1", "1.2.840.10008.5.1.4.1.1.88.34", "outbox/2.25.1.dcm", "P@h:1"),
          new Item("kos", "2.25.2", "1.2.840.10008.5.1.4.1.1.88.59", "outbox/2.25.2.dcm", "P@h:1"));

  @Test
  void deliveriesAreQueuedWithTheVerdictAndMoveThroughTheirStates() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      var job = claimedJob(index);
      assertTrue(index.finishJob(job, "{\"grade\":\"2\"}", List.of(), 10, TWO));
      assertEquals(2, index.dueOutbox(10, 10).size());
      assertEquals(10L, index.nextOutboxDue());
      var counts = index.outboxCounts();
      assertEquals(2, counts.pending());
      assertEquals(0, counts.failing());
      assertEquals(10L, counts.oldestPendingMs());

      var sr = index.dueOutbox(10, 10).get(0);
      assertTrue(index.outboxAttemptFailed(sr, "no association", false, 500, 20));
      assertEquals(1, index.dueOutbox(20, 10).size(), "the failed one waits for its next try");
      assertEquals(1, index.outboxCounts().failing());
      var again = index.dueOutbox(500, 10).stream().filter(r -> r.kind().equals("sr")).findFirst();
      assertEquals(1, again.orElseThrow().attempts());
      assertEquals("no association", again.orElseThrow().lastError());
      assertTrue(index.outboxDelivered(sr.id(), 600));
      assertFalse(index.outboxDelivered(sr.id(), 601), "delivered once");

      var kos = index.dueOutbox(600, 10).getFirst();
      assertTrue(index.outboxAttemptFailed(kos, "refused", true, 700, 610));
      counts = index.outboxCounts();
      assertEquals(0, counts.pending());
      assertEquals(1, counts.sent());
      assertEquals(1, counts.failed());
      assertEquals(null, counts.oldestPendingMs());
      assertEquals(null, index.nextOutboxDue());
      assertEquals(List.of("sent", "failed"), states(index));
    }
  }

  @Test
  void aGivenUpDeliveryIsAudited() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      var job = claimedJob(index);
      index.finishJob(job, "{}", List.of(), 10, TWO.subList(0, 1));
      index.outboxAttemptFailed(index.dueOutbox(10, 1).getFirst(), "refused", true, 0, 20);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT detail FROM audit WHERE event = 'outbox_failed'")) {
      assertTrue(rs.next());
      assertTrue(rs.getString(1).contains("sr 2.25.1 of series 1.2.3.9 to P@h:1"), rs.getString(1));
      assertTrue(rs.getString(1).contains("refused"), rs.getString(1));
    }
  }

  @Test
  void queueingTheSameDocumentAgainIsANoOpAndANewVerdictSupersedesPendingOnes() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      var job = claimedJob(index);
      index.finishJob(job, "{}", List.of(), 10, TWO);
      index.outboxDelivered(index.dueOutbox(10, 10).getFirst().id(), 11);
      // The series is graded again: its pending KOS is superseded by the new verdict's documents.
      index.completeSeries("1.2.3.9", 20, true, "selected", List.of());
      var second = index.claimJob(21).orElseThrow();
      List<Item> newer =
          List.of(new Item("sr", "2.25.3", "1.2.840.10008.5.1.4.1.1.88.34", "outbox/3", "P@h:1"));
      index.finishJob(second, "{}", List.of(), 22, newer);
      assertEquals(List.of("sent", "superseded", "pending"), states(index));
      // The same documents once more (a crash between file and commit, then a retry): no new row.
      index.completeSeries("1.2.3.9", 30, true, "selected", List.of());
      index.finishJob(index.claimJob(31).orElseThrow(), "{}", List.of(), 32, newer);
      assertEquals(3, index.outboxOfStudy("1.2.3").size());
    }
  }

  @Test
  void aVersionSevenIndexGainsTheOutboxAndKeepsItsVerdict() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      index.finishJob(claimedJob(index), "{\"grade\":\"2\"}", List.of(), 10);
    }
    OldSchema.rollBack(db, 7, List.of("DROP TABLE outbox"));
    try (Index index = Index.open(db)) {
      assertEquals(
          "{\"grade\":\"2\"}",
          index.study("1.2.3").orElseThrow().series().getFirst().verdictJson());
      assertEquals(0, index.outboxCounts().pending());
    }
  }

  @Test
  void aVersionTwelveIndexGainsTheDeliveryStartedColumnsAndTheStepMayRunTwice() throws Exception {
    Path db = tmp.resolve("index.db");
    try (Index index = Index.open(db)) {
      assertTrue(index.finishJob(claimedJob(index), "{\"grade\":\"2\"}", List.of(), 10, TWO));
    }
    OldSchema.rollBack(
        db,
        12,
        List.of(
            "ALTER TABLE outbox DROP COLUMN started_ms",
            "ALTER TABLE outbox DROP COLUMN sent_via"));
    try (Index index = Index.open(db)) {
      var sr = index.dueOutbox(10, 10).getFirst();
      assertNull(sr.startedMs(), "a row queued before the step was never started");
      index.outboxStarted(List.of(sr.id()), 20);
      assertEquals(20L, index.dueOutbox(20, 10).getFirst().startedMs());
      assertTrue(index.outboxDelivered(sr.id(), OutboxRecords.Via.C_FIND, 30));
    }
    // Renumbered among other helpers' steps, it may meet an index that has its columns already.
    OldSchema.rollBack(db, 12, List.of());
    try (Index index = Index.open(db)) {
      var sr = index.outboxOfStudy("1.2.3").getFirst();
      assertEquals("c-find", sr.sentVia());
      assertEquals(20L, sr.startedMs());
    }
    assertEquals(Schema.VERSION, OldSchema.version(db));
  }

  private static List<String> states(Index index) {
    return index.outboxOfStudy("1.2.3").stream().map(OutboxRecords.Row::state).toList();
  }

  private static Records.JobRow claimedJob(Index index) {
    SelectedSeries.queue(index);
    return index.claimJob(3).orElseThrow();
  }
}
