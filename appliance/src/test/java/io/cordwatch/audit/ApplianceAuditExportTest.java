package io.cordwatch.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.PrometheusRules;
import io.cordwatch.config.Settings;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.testing.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running appliance with {@code audit-syslog}: its start, a study received by C-STORE from a
 * real storescu, a refused caller and its stop reach a real TCP collector as DICOM audit messages.
 */
class ApplianceAuditExportTest {
  @TempDir Path tmp;

  @Test
  void startReceiveRefusalAndStopReachTheCollector() throws Exception {
    try (SyslogCollector collector = SyslogCollector.tcp(0, null)) {
      Map<String, String> flags = new HashMap<>(RunningAppliance.flags(tmp.resolve("data")));
      flags.put("audit-syslog", "tcp://127.0.0.1:" + collector.port());
      flags.put("audit-syslog-app-name", "cw-test");
      List<Path> files =
          SyntheticStudy.write(
              tmp.resolve("study"), new SyntheticStudy.Spec(3, false, false, 64, 11));
      try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
        Await.until("application start arrives", () -> events(collector).contains("110120"));
        assertEquals(3, Peers.successes(Peers.storescu(appliance.dicomPort(), "STORESCU", files)));
        Peers.storescu(appliance.dicomPort(), "INTRUDER", files.subList(0, 1));
        Await.until(
            "the transfer and the refusal arrive",
            () -> events(collector).contains("110104") && events(collector).contains("110126"));
        // The shipped alert rules on the audit export name metrics this appliance exports.
        Set<String> rules = new TreeSet<>(PrometheusRules.metricNames(PrometheusRules.SHIPPED));
        rules.removeIf(n -> !n.startsWith(PrometheusRules.AUDIT_EXPORT_PREFIX));
        assertEquals(3, rules.size(), rules.toString());
        String scrape = metrics(appliance.httpPort());
        assertEquals(Set.of(), PrometheusRules.missing(rules, scrape), scrape);
      }
      Await.until("application stop arrives", () -> events(collector).contains("110121"));
      SyslogMessage received = null;
      for (String m : collector.messages()) {
        SyslogMessage p = SyslogMessage.parse(m);
        assertEquals("cw-test", p.appName());
        if (p.eventId().equals("110104")) {
          received = p;
        }
      }
      assertTrue(received != null);
      assertEquals("C", received.action());
      assertEquals("STORESCU", received.requestor());
      assertTrue(received.objectId().matches("[0-9.]+"), "a Study Instance UID");
    }
  }

  @Test
  void aStartThatFailsAfterTheTrailOpenedLeavesNoExportThreadBehind() throws Exception {
    long before = exportThreads();
    try (SyslogCollector collector = SyslogCollector.tcp(0, null);
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Map<String, String> flags = new HashMap<>(RunningAppliance.flags(tmp.resolve("data")));
      flags.put("audit-syslog", "tcp://127.0.0.1:" + collector.port());
      // The HTTP port is held here, so start-up fails at the web stage, after the trail opened.
      flags.put("http-port", Integer.toString(taken.getLocalPort()));
      assertThrows(
          RuntimeException.class,
          () -> Appliance.start(Settings.load(null, flags), Clock.systemUTC()).close());
    }
    assertEquals(before, exportThreads(), "audit-export threads alive after the failed start");
  }

  private static String metrics(int httpPort) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + httpPort + "/observe/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  private static long exportThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("audit-export"))
        .count();
  }

  /** The event type (or, without one, the event id) of every message so far. */
  private static List<String> events(SyslogCollector c) {
    List<String> out = new ArrayList<>();
    for (String m : c.messages()) {
      try {
        SyslogMessage p = SyslogMessage.parse(m);
        out.add(p.eventType() != null ? p.eventType() : p.eventId());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }
}
