package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page's server-sent events over real HTTP: the same JSON as {@code /api/v1/status}, a
 * new event when something changes, no patient-derived text, a cap on streams with a 503 beyond it,
 * and a slot freed again when a client goes away.
 */
class StatusEventsTest {
  private static final String STUDY = "1.2.826.0.1.3680043.10.7.42";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private TestAppliance app;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    app = new TestAppliance(dir);
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    app.close();
  }

  @Test
  void theStreamCarriesTheStatusJsonAndANewEventWhenImagesArrive() throws Exception {
    app.receive(STUDY, STUDY + ".1", 1_000, "DOE^JANE T2 AX");
    HttpResponse<Stream<String>> res =
        app.send(
            HttpRequest.newBuilder(app.uri(StatusEvents.PATH))
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofLines());

    assertEquals(200, res.statusCode());
    assertTrue(
        res.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"),
        res.headers().map().toString());
    try (Stream<String> lines = res.body()) {
      Iterator<String> it = lines.iterator();
      String first = event(it);
      JsonNode status = JSON.readTree(first);
      JsonNode api = TestAppliance.json(app.getAnonymous("/api/v1/status"));
      assertEquals(fieldNames(api), fieldNames(status), "the same content as /api/v1/status");
      assertEquals("ok", status.get("state").asText(), first);
      assertEquals(1, status.at("/totals/instances").asLong());
      assertEquals(0, status.at("/counters/instances_received").asLong());
      assertEquals(StatusActivity.HOURS, status.at("/activity/hours").size());
      assertFalse(first.contains("DOE"), "no series description: " + first);
      assertFalse(first.contains(STUDY), "no UID: " + first);

      app.meters.instanceStored(1000, Duration.ofMillis(3));
      JsonNode next = null;
      for (int i = 0; i < 5; i++) {
        next = JSON.readTree(event(it));
        if (next.at("/counters/instances_received").asLong() == 1) {
          break;
        }
      }
      assertEquals(1, next.at("/counters/instances_received").asLong(), next.toString());
    }
  }

  @Test
  void theStreamShowsAttentionWhenSeriesWaitForAModel() throws Exception {
    app.receive(STUDY, STUDY + ".1", 1_000, "T2 AX");
    app.complete(STUDY + ".1", true);
    HttpResponse<Stream<String>> res =
        app.send(
            HttpRequest.newBuilder(app.uri(StatusEvents.PATH)).GET().build(),
            HttpResponse.BodyHandlers.ofLines());

    try (Stream<String> lines = res.body()) {
      JsonNode status = JSON.readTree(event(lines.iterator()));
      assertEquals("attention", status.get("state").asText());
      assertEquals("no_model", status.at("/attention/0/code").asText(), status.toString());
      assertTrue(status.has("model") && status.get("model").isNull(), status.toString());
      assertFalse(status.toString().contains(STUDY), "no UID: " + status);
    }
  }

  @Test
  void theStreamNamesTheActiveModelAndWhetherItIsClearedForClinicalUse() throws Exception {
    app.model.set(
        new ActiveModel(
            "spine-net-0123",
            "spine-net",
            "2026-01-05 sha256:0123456789ab",
            false,
            true,
            "signed by key 3f2a (site.pem)"));
    HttpResponse<Stream<String>> res =
        app.send(
            HttpRequest.newBuilder(app.uri(StatusEvents.PATH)).GET().build(),
            HttpResponse.BodyHandlers.ofLines());

    try (Stream<String> lines = res.body()) {
      JsonNode model = JSON.readTree(event(lines.iterator())).path("model");
      assertEquals("spine-net", model.path("name").asText(), model.toString());
      assertEquals("2026-01-05 sha256:0123456789ab", model.path("version").asText());
      assertFalse(model.path("clinical_use").asBoolean(true), model.toString());
    }
  }

  @Test
  void streamsBeyondTheCapAre503AndAClosedClientFreesItsSlot() throws Exception {
    for (int i = 0; i < StatusEvents.MAX_STREAMS; i++) {
      assertEquals("HTTP/1.1 200 OK", open().statusLine(), "stream " + (i + 1));
    }
    Opened refused = open();
    assertEquals("HTTP/1.1 503 Service Unavailable", refused.statusLine());
    assertTrue(refused.rest().contains("Retry-After: 10"), refused.rest());
    assertTrue(refused.rest().contains("already 16 status streams open"), refused.rest());

    sockets.getFirst().close();
    // The server notices the closed client at its next write (within two periods).
    String line = "";
    for (int tries = 0; tries < 600 && !line.equals("HTTP/1.1 200 OK"); tries++) {
      Opened again = open();
      line = again.statusLine();
      if (!line.equals("HTTP/1.1 200 OK")) {
        again.socket().close();
        Thread.sleep(50);
      }
    }
    assertEquals("HTTP/1.1 200 OK", line, "a slot comes free once the client has gone");
  }

  @Test
  void aClientThatDoesNotAcceptEventsIsToldWhatToAskFor() {
    HttpResponse<String> res =
        app.send(
            HttpRequest.newBuilder(app.uri(StatusEvents.PATH))
                .header("Accept", "application/json")
                .GET()
                .build());

    assertEquals(400, res.statusCode());
    assertTrue(res.body().contains("Accept: text/event-stream"), res.body());
  }

  @Test
  void stoppingTheServerEndsAnOpenStream() throws Exception {
    Opened stream = open();
    assertEquals("HTTP/1.1 200 OK", stream.statusLine());

    app.server.close();

    // The connection ends: reading runs into its end rather than waiting for the next event.
    InputStream in = stream.socket().getInputStream();
    stream.socket().setSoTimeout(60_000);
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) >= 0) {
        // the last events, then the end
      }
    } catch (java.net.SocketException reset) {
      // A reset is an end too.
    }
    assertFalse(app.server.running());
  }

  @Test
  void withStatusPageLoginTheStreamNeedsALogin() {
    app.close();
    app = new TestAppliance(dir.resolve("login"), Map.of("status-page-login", "on"));

    assertEquals(401, app.getAnonymous(StatusEvents.PATH).statusCode());
    HttpResponse<Stream<String>> res =
        app.send(
            app.authorized(StatusEvents.PATH).GET().build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, res.statusCode());
    res.body().close();
  }

  private record Opened(Socket socket, String statusLine, String rest) {}

  /**
   * A raw HTTP/1.1 request for the stream; reads the status line (and, for a refusal, the rest).
   */
  private Opened open() throws IOException {
    Socket s = new Socket("127.0.0.1", app.server.port());
    sockets.add(s);
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET "
                + StatusEvents.PATH
                + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + app.server.port()
                + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
    String status = r.readLine();
    StringBuilder rest = new StringBuilder();
    if (status != null && !status.contains(" 200 ")) {
      // A refusal is a short JSON answer with a length: read until the connection has sent it.
      s.setSoTimeout(10_000);
      String l;
      int contentLength = -1;
      while ((l = r.readLine()) != null && !l.isEmpty()) {
        rest.append(l).append('\n');
        if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          contentLength = Integer.parseInt(l.substring(15).strip());
        }
      }
      char[] body = new char[Math.max(0, contentLength)];
      int n = 0;
      while (n < body.length) {
        int k = r.read(body, n, body.length - n);
        if (k < 0) {
          break;
        }
        n += k;
      }
      rest.append(body, 0, n);
    }
    return new Opened(s, status == null ? "" : status, rest.toString());
  }

  /** The data of the next event named {@code status}. */
  private static String event(Iterator<String> lines) {
    String name = null;
    StringBuilder data = new StringBuilder();
    while (lines.hasNext()) {
      String l = lines.next();
      if (l.isEmpty()) {
        if ("status".equals(name) && !data.isEmpty()) {
          return data.toString();
        }
        name = null;
        data.setLength(0);
      } else if (l.startsWith("event:")) {
        name = l.substring(6).strip();
      } else if (l.startsWith("data:")) {
        data.append(l.substring(5).strip());
      }
    }
    throw new AssertionError("the stream ended before a status event");
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
