package io.cordwatch.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.AuditRow;
import io.cordwatch.store.Index;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.MutableClock;
import io.cordwatch.testing.TestPki;
import io.cordwatch.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail reaches real collectors on loopback (UDP, TCP, TLS) as RFC 5424 messages with a
 * DICOM audit message inside, and none is lost while the collector is down or across a restart.
 */
class AuditExporterTest {
  @TempDir Path tmp;

  private static final AuditSource SOURCE =
      new AuditSource("CORDWATCH", "cordwatch-test", "box1.example", "4242");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
  private final Meters meters = new Meters();

  private AuditExporter exporter(Index index, Collector to, SSLContext tls) {
    return new AuditExporter(
        index,
        to,
        SOURCE,
        tls,
        meters,
        clock,
        Duration.ofMillis(20),
        Duration.ofMillis(20),
        Duration.ofMillis(200),
        Duration.ofMinutes(5));
  }

  @Test
  void aUdpCollectorGetsALoginAsUserAuthenticationWithTheSyslogHeader() throws Exception {
    try (Index index = Index.open(tmp.resolve("index.db"));
        SyslogCollector collector = SyslogCollector.udp(0)) {
      index.accounts().addUser("alice", "clinician", "hash", clock.millis());
      index
          .accounts()
          .addSession("sid", index.accounts().user("alice").orElseThrow(), 1_000, "10.1.2.3");
      long login = lastId(index, "login");
      try (AuditExporter e =
          exporter(index, Collector.parse("udp://127.0.0.1:" + collector.port()), null)) {
        e.start();
        Await.until("the login reaches the collector", () -> has(collector, login));
      }
      SyslogMessage m = find(collector, login);
      assertEquals(10 * 8 + 5, m.pri(), "facility security/authorization, severity notice");
      assertEquals("1970-01-01T00:00:01.000Z", m.timestamp(), "when it happened");
      assertEquals("box1.example", m.hostname());
      assertEquals("cordwatch-test", m.appName());
      assertEquals("4242", m.procId());
      assertEquals("DICOM+RFC3881", m.msgId());
      assertEquals("110114", m.eventId(), "User Authentication");
      assertEquals("110122", m.eventType(), "Login");
      assertEquals("E", m.action());
      assertEquals("0", m.outcome());
      assertEquals("alice", m.requestor());
    }
  }

  @Test
  void aTcpCollectorDownThenUpGetsEveryRowOnceInOrder() throws Exception {
    int port = SyslogCollector.freePort();
    Collector to = Collector.parse("tcp://127.0.0.1:" + port);
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      List<Long> written = new ArrayList<>();
      try (AuditExporter e = exporter(index, to, null)) {
        e.start();
        for (int i = 0; i < 30; i++) {
          index.audit(clock.millis(), "study_viewed", "study 1.2.3." + i + " by user bob");
        }
        written.addAll(ids(index));
        Await.until("the exporter finds the collector down", () -> e.figures().lastError() != null);
        assertTrue(e.figures().backlog() >= 30, "the rows wait in the index");
        assertFalse(e.figures().alerting(), "not yet down for long");
        clock.advance(Duration.ofMinutes(6));
        assertTrue(e.figures().alerting(), "down for longer than alert-after");

        try (SyslogCollector collector = SyslogCollector.tcp(port, null)) {
          Await.until(
              "every row reaches the collector once it is up",
              () -> collector.messages().size() >= written.size());
          Await.until("the cursor is recorded", () -> index.auditExported(to.toString()) > 0);
          assertEquals(written, sequenceIds(collector), "each row once, in the order written");
          assertEquals(written.getLast(), index.auditExported(to.toString()));
          assertNull(e.figures().lastError());
          assertEquals(0, e.figures().backlog());
          assertTrue(meters.auditExported("failed") >= 1);
          assertEquals(written.size(), (int) meters.auditExported("sent"));
        }
      }
    }
  }

  @Test
  void aRestartResumesAfterTheLastRowSent() throws Exception {
    try (Index index = Index.open(tmp.resolve("index.db"));
        SyslogCollector collector = SyslogCollector.tcp(0, null)) {
      Collector to = Collector.parse("tcp://127.0.0.1:" + collector.port());
      index.audit(clock.millis(), "application_started", "CordWatch test as AE CORDWATCH");
      index.audit(clock.millis(), "application_stopped", "CordWatch test as AE CORDWATCH");
      try (AuditExporter first = exporter(index, to, null)) {
        first.start();
        Await.until("both rows are sent", () -> collector.messages().size() == 2);
        Await.until("and recorded", () -> first.cursor() == lastId(index, "application_stopped"));
      }
      index.audit(clock.millis(), "application_started", "CordWatch test as AE CORDWATCH");
      long third = lastId(index, "application_started");
      try (AuditExporter second = exporter(index, to, null)) {
        second.start();
        Await.until("the new row is sent", () -> collector.messages().size() >= 3);
      }
      // Any row sent again would have come before the new one.
      assertEquals(third, sequenceIds(collector).get(2));
      assertEquals(3, collector.messages().size());
      SyslogMessage start = SyslogMessage.parse(collector.messages().get(2));
      assertEquals("110100", start.eventId(), "Application Activity");
      assertEquals("110120", start.eventType(), "Application Start");
    }
  }

  @Test
  void aTlsCollectorWithOurCaGetsTheTrail() throws Exception {
    TestPki pki = TestPki.create(tmp.resolve("pki"), "audit-ca");
    TestPki.Identity server = pki.issue("collector", "ec");
    ServerTls tls =
        ServerTls.load(
            server.cert(), server.key(), null, List.of("TLSv1.3", "TLSv1.2"), "test-tls-");
    try (Index index = Index.open(tmp.resolve("index.db"));
        SyslogCollector collector = SyslogCollector.tcp(0, tls)) {
      index.audit(
          clock.millis(),
          "association_rejected",
          "calling AE EVIL (called CW) from" + " 10.9.9.9 refused: calling_ae");
      Collector to = Collector.parse("tls://127.0.0.1:" + collector.port());
      try (AuditExporter e =
          exporter(index, to, ClientTls.context(pki.caCert(), "audit-syslog-ca"))) {
        e.start();
        Await.until("the row arrives over TLS", () -> collector.messages().size() == 1);
      }
      SyslogMessage m = SyslogMessage.parse(collector.messages().getFirst());
      assertEquals("110113", m.eventId(), "Security Alert");
      assertEquals("110126", m.eventType(), "Node Authentication");
      assertEquals("4", m.outcome(), "refused: a minor failure");
      assertEquals("EVIL", m.requestor());
      assertEquals(10 * 8 + 4, m.pri(), "a failure is a warning");
    }
  }

  @Test
  void aTlsCollectorWhoseCertificateWeDoNotTrustGetsNothing() throws Exception {
    TestPki pki = TestPki.create(tmp.resolve("pki"), "audit-ca");
    TestPki other = TestPki.create(tmp.resolve("other"), "other-ca");
    TestPki.Identity server = pki.issue("collector", "ec");
    ServerTls tls =
        ServerTls.load(
            server.cert(), server.key(), null, List.of("TLSv1.3", "TLSv1.2"), "test-tls-");
    try (Index index = Index.open(tmp.resolve("index.db"));
        SyslogCollector collector = SyslogCollector.tcp(0, tls)) {
      index.audit(clock.millis(), "logout", "user alice");
      Collector to = Collector.parse("tls://127.0.0.1:" + collector.port());
      try (AuditExporter e =
          exporter(index, to, ClientTls.context(other.caCert(), "audit-syslog-ca"))) {
        e.start();
        Await.until("the handshake is refused", () -> e.figures().lastError() != null);
        assertEquals(1, e.figures().backlog(), "the row waits");
      }
      assertEquals(List.of(), collector.messages());
    }
  }

  private static long lastId(Index index, String event) {
    List<AuditRow> rows = index.auditAfter(0, 10_000);
    return rows.stream().filter(r -> r.event().equals(event)).toList().getLast().id();
  }

  private static List<Long> ids(Index index) {
    return index.auditAfter(0, 10_000).stream().map(AuditRow::id).toList();
  }

  private static List<Long> sequenceIds(SyslogCollector c) throws Exception {
    List<Long> out = new ArrayList<>();
    for (String m : c.messages()) {
      out.add(SyslogMessage.parse(m).sequenceId());
    }
    return out;
  }

  private static boolean has(SyslogCollector c, long id) {
    try {
      return find(c, id) != null;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static SyslogMessage find(SyslogCollector c, long id) throws Exception {
    for (String m : c.messages()) {
      SyslogMessage p = SyslogMessage.parse(m);
      if (p.sequenceId() == id) {
        return p;
      }
    }
    return null;
  }
}
