package io.cordwatch.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.bench.FaultPeer;
import io.cordwatch.dicom.Dcmtk;
import io.cordwatch.store.Index;
import io.cordwatch.store.OutboxRecords;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.MutableClock;
import io.cordwatch.testing.SelectedSeries;
import io.cordwatch.testing.SkipPeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender against a real storescp: a destination that is down is retried with back-off and gets
 * every document exactly once when it comes up; one down for longer than the give-up time fails the
 * deliveries for good. A delivery in doubt (started, never confirmed: a crash) is looked up by
 * C-FIND at a dcmqrscp PACS and sent only when it is not held there, and sent again, counted, to a
 * storescp that answers no C-FIND; C-STOREs are counted at the peers (dcmqrscp's log, storescp's
 * files). Time is a fake clock; each round is run by the test.
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

  @Test
  void aDocumentInDoubtThatThePeerHoldsIsConfirmedByCFindAndOneItLacksIsSent() throws Exception {
    SkipPeers.assumePeers("dcmqrscp and storescu");
    try (Index index = Index.open(tmp.resolve("data/index.db"));
        FaultPeer pacs = FaultPeer.start(FaultPeer.Kind.DCMQRSCP, tmp.resolve("pacs"))) {
      queue(index, pacs.destination());
      OutboxRecords.Row sr = row(index, "sr");
      OutboxRecords.Row kos = row(index, "kos");
      // A crash cut both deliveries off after their association opened; the PACS had stored the SR.
      index.outboxStarted(List.of(sr.id(), kos.id()), clock.millis());
      storescu(pacs.port, FaultPeer.AE, sr);
      assertEquals(Map.of(sr.objectUid(), 1), FaultPeer.receivedByStudy(pacs.dir).get(studyUid));

      Meters meters = new Meters();
      assertEquals(2, sender(index, meters).round());

      assertEquals(
          Map.of(sr.objectUid(), 1, kos.objectUid(), 1),
          FaultPeer.receivedByStudy(pacs.dir).get(studyUid),
          "C-STOREs the PACS logged: the SR not again, the KOS once");
      assertEquals("sent", row(index, "sr").state());
      assertEquals("c-find", row(index, "sr").sentVia(), "confirmed by C-FIND");
      assertEquals("sent", row(index, "kos").state());
      assertEquals("c-store", row(index, "kos").sentVia());
      assertEquals(1.0, attempts(meters, "sr", "confirmed"));
      assertEquals(1.0, attempts(meters, "kos", "sent"));
      assertTrue(
          index.auditAfter(0, 100).stream()
              .anyMatch(a -> a.detail().endsWith("(confirmed by C-FIND, not sent again)")));
    }
  }

  @Test
  void aFreshDocumentGoesWithoutAQueryAndIsMarkedStartedAndSent() throws Exception {
    SkipPeers.assumePeers("dcmqrscp");
    try (Index index = Index.open(tmp.resolve("data/index.db"));
        FaultPeer pacs = FaultPeer.start(FaultPeer.Kind.DCMQRSCP, tmp.resolve("pacs"))) {
      queue(index, pacs.destination());
      assertEquals(2, sender(index, new Meters()).round());
      for (OutboxRecords.Row r : index.outboxOfStudy(studyUid)) {
        assertEquals("c-store", r.sentVia());
        assertEquals(clock.millis(), r.startedMs());
      }
      assertEquals(2, FaultPeer.receivedByStudy(pacs.dir).get(studyUid).size());
      String log = FaultPeer.logs(pacs.dir);
      assertTrue(log.contains("C-STORE RQ"), log);
      assertFalse(log.contains("C-FIND RQ"), "nothing was in doubt, so nothing was asked");
    }
  }

  @Test
  void aPeerWithoutCFindGetsADocumentInDoubtAgainAndTheResendIsCounted() throws Exception {
    int port = StoreScp.freePort();
    try (Index index = Index.open(tmp.resolve("data/index.db"));
        StoreScp scp = StoreScp.start("PACS", port, tmp.resolve("received"))) {
      queue(index, "PACS@127.0.0.1:" + port);
      OutboxRecords.Row sr = row(index, "sr");
      OutboxRecords.Row kos = row(index, "kos");
      index.outboxStarted(List.of(sr.id(), kos.id()), clock.millis());
      storescu(port, "PACS", sr);
      assertEquals(1, scp.received().size());

      Meters meters = new Meters();
      assertEquals(2, sender(index, meters).round());

      Await.until("storescp holds all three arrivals", () -> count(scp) == 3);
      assertEquals(3, scp.received().size(), "the SR twice (at-least-once), the KOS once");
      assertEquals("c-store", row(index, "sr").sentVia());
      assertEquals(1.0, attempts(meters, "sr", "resent_unchecked"));
      assertEquals(1.0, attempts(meters, "kos", "resent_unchecked"));
    }
  }

  private OutboxRecords.Row row(Index index, String kind) {
    return index.outboxOfStudy(studyUid).stream()
        .filter(r -> r.kind().equals(kind))
        .findFirst()
        .orElseThrow();
  }

  /** The document of {@code r} sent to the peer by DCMTK's storescu, as a PACS got it before. */
  private void storescu(int port, String ae, OutboxRecords.Row r) throws Exception {
    String file = tmp.resolve("data").resolve(r.path()).toString();
    Process p = Dcmtk.storescu("OTHER", ae, port, List.of("-R"), List.of(file)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }

  private static double attempts(Meters meters, String kind, String outcome) {
    var c =
        meters
            .registry()
            .find("cordwatch.outbox.attempts")
            .tag("kind", kind)
            .tag("outcome", outcome)
            .counter();
    return c == null ? 0 : c.count();
  }

  private String studyUid;

  private OutboxSender sender(Index index) {
    return sender(index, new Meters());
  }

  private OutboxSender sender(Index index, Meters meters) {
    return new OutboxSender(
        index,
        new ResultFiles(tmp.resolve("data")),
        "CORDWATCH",
        new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(80), Duration.ofHours(24)),
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        meters,
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
