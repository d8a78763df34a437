package io.cordwatch.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.Index;
import io.cordwatch.store.OutboxRecords;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.MutableClock;
import io.cordwatch.testing.SelectedSeries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender against a real storescp: a destination that is down is retried with back-off and gets
 * every document exactly once when it comes up; one down for longer than the give-up time fails the
 * deliveries for good. Time is a fake clock; each round is run by the test.
 */
class OutboxSenderTest {
  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(1_000_000L);

  @Test
  void aDestinationDownAtFirstGetsEachDocumentExactlyOnceWhenItComesUp() throws Exception {
    int port = StoreScp.freePort();
    try (Index index = Index.open(tmp.resolve("data/index.db"))) {
      queue(index, "PACS@127.0.0.1:" + port);
      OutboxSender sender = sender(index);

      assertEquals(2, sender.round(), "both documents tried while nothing listens");
      List<OutboxRecords.Row> rows = index.outboxOfStudy(studyUid);
      for (OutboxRecords.Row r : rows) {
        assertEquals("pending", r.state());
        assertEquals(1, r.attempts());
        assertTrue(
            r.lastError().contains("no association with PACS@127.0.0.1:" + port), r.lastError());
        assertEquals(
            clock.millis() + 10_000, r.nextAttemptMs(), "first wait is forward-retry-delay");
      }
      assertEquals(2, index.outboxCounts().failing());
      clock.advance(Duration.ofSeconds(5));
      assertEquals(0, sender.round(), "not due before the back-off has passed");
      clock.advance(Duration.ofSeconds(5));
      assertEquals(2, sender.round(), "second try, still down");
      assertEquals(
          clock.millis() + 20_000,
          index.outboxOfStudy(studyUid).getFirst().nextAttemptMs(),
          "the wait doubles");

      try (StoreScp scp = StoreScp.start("PACS", port, tmp.resolve("received"))) {
        clock.advance(Duration.ofSeconds(20));
        assertEquals(2, sender.round());
        Await.until("storescp holds both documents", () -> count(scp) == 2);
        clock.advance(Duration.ofHours(1));
        assertEquals(0, sender.round(), "nothing left to send");
        assertEquals(2, scp.received().size(), "each document arrived exactly once");
      }
      var counts = index.outboxCounts();
      assertEquals(0, counts.pending());
      assertEquals(2, counts.sent());
      for (OutboxRecords.Row r : index.outboxOfStudy(studyUid)) {
        assertEquals("sent", r.state());
        assertEquals(3, r.attempts());
      }
    }
  }

  @Test
  void aDeliveryFailingLongerThanTheGiveUpTimeFailsForGood() throws Exception {
    int port = StoreScp.freePort();
    try (Index index = Index.open(tmp.resolve("data/index.db"))) {
      queue(index, "PACS@127.0.0.1:" + port);
      OutboxSender sender = sender(index);
      sender.round();
      clock.advance(Duration.ofHours(24));
      assertEquals(2, sender.round());
      var counts = index.outboxCounts();
      assertEquals(0, counts.pending());
      assertEquals(2, counts.failed());
      clock.advance(Duration.ofHours(1));
      assertEquals(0, sender.round(), "a failed delivery is not tried again");
    }
  }

  private String studyUid;

  private OutboxSender sender(Index index) {
    return new OutboxSender(
        index,
        new ResultFiles(tmp.resolve("data")),
        "CORDWATCH",
        new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(80), Duration.ofHours(24)),
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        new Meters(),
        clock,
        new byte[0]);
  }

  /** A graded phantom series' SR and KOS, queued for {@code destination} with their verdict. */
  private void queue(Index index, String destination) throws Exception {
    GradedPhantom g = GradedPhantom.make(tmp, 5);
    SeriesReport r = g.report();
    studyUid = r.studyUid();
    List<PreparedDocument> docs =
        new ResultDocuments(new ResultFiles(tmp.resolve("data")))
            .prepare(r, g.seriesFiles().getFirst());
    SelectedSeries.queue(
        index, r.studyUid(), r.seriesUid(), r.slices().getFirst().sopInstanceUid(), clock.millis());
    var job = index.claimJob(clock.millis()).orElseThrow();
    List<OutboxRecords.Item> items =
        docs.stream()
            .map(
                d ->
                    new OutboxRecords.Item(
                        d.kind().id(), d.sopInstanceUid(), d.sopClassUid(), d.path(), destination))
            .toList();
    assertTrue(index.finishJob(job, "{}", List.of(), clock.millis(), items));
  }

  private static int count(StoreScp scp) {
    try {
      return scp.received().size();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
