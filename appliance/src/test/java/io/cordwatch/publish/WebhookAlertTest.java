package io.cordwatch.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.cordwatch.store.Index;
import io.cordwatch.store.OutboxRecords;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.testing.MutableClock;
import io.cordwatch.testing.SelectedSeries;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook alerts against a local HTTP receiver (the JDK's server): a high-grade verdict is posted
 * as JSON signed with HMAC-SHA256 over the body, retried from the outbox when the receiver answers
 * 503, and delivered once it answers 200.
 */
class WebhookAlertTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] KEY = "a-shared-key-of-some-length".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(2_000_000L);

  record Received(byte[] body, String signature, String eventId) {}

  @Test
  void aHighGradeVerdictIsPostedSignedAndRetriedUntilTheReceiverTakesIt() throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    AtomicInteger answer = new AtomicInteger(503);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/alerts",
        ex -> {
          received.add(
              new Received(
                  ex.getRequestBody().readAllBytes(),
                  ex.getRequestHeaders().getFirst(WebhookClient.SIGNATURE_HEADER),
                  ex.getRequestHeaders().getFirst(WebhookClient.EVENT_HEADER)));
          ex.sendResponseHeaders(answer.get(), -1);
          ex.close();
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    try (Index index = Index.open(tmp.resolve("data/index.db"))) {
      GradedPhantom g = GradedPhantom.make(tmp, 5);
      SeriesReport r = g.report();
      assertTrue(r.verdict().high() || r.verdict().indeterminate(), "the phantom must alert");
      PreparedDocument alert =
          new ResultDocuments(new ResultFiles(tmp.resolve("data"))).prepareAlert(r);
      queue(
          index,
          r,
          new OutboxRecords.Item("alert", alert.sopInstanceUid(), null, alert.path(), url));
      OutboxSender sender =
          new OutboxSender(
              index,
              new ResultFiles(tmp.resolve("data")),
              "CORDWATCH",
              new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(80), Duration.ofHours(24)),
              Duration.ofSeconds(30),
              Duration.ofSeconds(1),
              new Meters(),
              clock,
              KEY);

      assertEquals(1, sender.round());
      OutboxRecords.Row row = index.outboxOfStudy(r.studyUid()).getFirst();
      assertEquals("pending", row.state());
      assertEquals("the webhook answered HTTP 503", row.lastError());
      answer.set(200);
      clock.advance(Duration.ofSeconds(10));
      assertEquals(1, sender.round());
      assertEquals("sent", index.outboxOfStudy(r.studyUid()).getFirst().state());
      clock.advance(Duration.ofHours(1));
      assertEquals(0, sender.round());

      assertEquals(2, received.size(), "one refused, one taken");
      Received taken = received.get(1);
      assertEquals(WebhookClient.signature(KEY, taken.body()), taken.signature());
      assertNotEquals(
          WebhookClient.signature(
              "another-key-entirely".getBytes(StandardCharsets.UTF_8), taken.body()),
          taken.signature());
      assertEquals(
          new String(received.get(0).body(), StandardCharsets.UTF_8),
          new String(taken.body(), StandardCharsets.UTF_8));
      JsonNode body = JSON.readTree(taken.body());
      assertEquals(r.verdict().group(), body.path("group").asText());
      assertEquals(r.studyUid(), body.path("study_instance_uid").asText());
      assertEquals(alert.sopInstanceUid(), body.path("event_id").asText());
      assertEquals(alert.sopInstanceUid(), taken.eventId());
      assertFalse(
          new String(taken.body(), StandardCharsets.UTF_8).contains("PHANTOM"), "no patient name");
    } finally {
      server.stop(0);
    }
  }

  private void queue(Index index, SeriesReport r, OutboxRecords.Item item) {
    SelectedSeries.queue(
        index, r.studyUid(), r.seriesUid(), r.slices().getFirst().sopInstanceUid(), clock.millis());
    var job = index.claimJob(clock.millis()).orElseThrow();
    assertTrue(index.finishJob(job, "{}", List.of(), clock.millis(), List.of(item)));
  }
}
