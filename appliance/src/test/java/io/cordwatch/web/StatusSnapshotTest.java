package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status is read from the index at most once a second and shared by the API, the page and the
 * event stream: counted through {@link StatusSnapshot#statusReads}, with the snapshot's ticker
 * stopped and moved by the test, never by waiting.
 */
class StatusSnapshotTest {
  private static final String STUDY = "1.2.826.0.1.3680043.10.7.77";
  private static final long SECOND = StatusSnapshot.MAX_AGE.toNanos();

  @TempDir Path dir;
  private TestAppliance app;

  @BeforeEach
  void start() {
    app = new TestAppliance(dir);
    app.statusStep.set(0); // time stands still until a test moves it
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void requestsWithinASecondShareOneReadingAndTheNextSecondReadsAgain() {
    app.receive(STUDY, STUDY + ".1", 1_000, "T2 AX");
    assertEquals(0, app.statusSnapshot.statusReads(), "nothing is read before someone asks");

    JsonNode first = TestAppliance.json(app.getAnonymous("/api/v1/status"));
    assertEquals(1, first.at("/totals/instances").asLong());
    assertEquals(1, app.statusSnapshot.statusReads());

    // More images arrive; within the same second every client gets the index figures already
    // read, while what costs no index work (the meters, the disk) is read at each request.
    app.receive(STUDY, STUDY + ".1", 1_100, "T2 AX");
    app.meters.instanceStored(1000, java.time.Duration.ofMillis(3));
    JsonNode second = TestAppliance.json(app.get("/api/v1/status"));
    assertEquals(200, app.getAnonymous("/").statusCode());
    assertEquals(1, second.at("/totals/instances").asLong(), second.toString());
    assertEquals(1, second.at("/counters/instances_received").asLong(), second.toString());
    assertEquals(first.get("as_of"), second.get("as_of"));
    assertEquals(1, app.statusSnapshot.statusReads(), "the second request and the page read again");

    // A second later the next request reads again, and sees the new image.
    app.statusNanos.addAndGet(SECOND);
    JsonNode third = TestAppliance.json(app.getAnonymous("/api/v1/status"));
    assertEquals(2, third.at("/totals/instances").asLong(), third.toString());
    assertEquals(2, app.statusSnapshot.statusReads());
  }

  @Test
  void theSharedReadingNamesThePortEachRequestCameInOn() {
    JsonNode s = TestAppliance.json(app.getAnonymous("/api/v1/status"));
    JsonNode http = s.path("listeners").get(1);
    assertEquals("http", http.path("protocol").asText());
    assertEquals(app.server.port(), http.path("port").asInt());
  }

  @Test
  void theEventStreamSendsTheSharedReading() throws Exception {
    JsonNode api = TestAppliance.json(app.getAnonymous("/api/v1/status"));
    HttpResponse<Stream<String>> res =
        app.send(
            HttpRequest.newBuilder(app.uri(StatusEvents.PATH))
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = res.body()) {
      JsonNode event = new ObjectMapper().readTree(data(lines.iterator()));
      assertEquals(api.get("as_of"), event.get("as_of"));
    }
    assertEquals(1, app.statusSnapshot.statusReads(), "the stream shared the API's reading");
  }

  @Test
  void clientsArrivingDuringAReadWaitForItAndShareIt() throws Exception {
    AtomicLong ticks = new AtomicLong();
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger n = new AtomicInteger();
    StatusSnapshot.Shared<Integer> shared =
        new StatusSnapshot.Shared<>(
            () -> {
              reading.countDown();
              await(release);
              return n.incrementAndGet();
            },
            ticks::get,
            StatusSnapshot.MAX_AGE);
    ExecutorService threads = Executors.newFixedThreadPool(5);
    try {
      List<Future<Integer>> got = new ArrayList<>();
      got.add(threads.submit(() -> shared.get().value()));
      assertTrue(reading.await(30, TimeUnit.SECONDS));
      for (int i = 0; i < 4; i++) {
        got.add(threads.submit(() -> shared.get().value()));
      }
      release.countDown();
      for (Future<Integer> g : got) {
        assertEquals(1, g.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, shared.reads());
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void aFailedReadIsNotKept() {
    AtomicLong ticks = new AtomicLong();
    AtomicInteger calls = new AtomicInteger();
    StatusSnapshot.Shared<String> shared =
        new StatusSnapshot.Shared<>(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("index is closed");
              }
              return "read";
            },
            ticks::get,
            StatusSnapshot.MAX_AGE);
    assertThrows(IllegalStateException.class, shared::get);
    StatusSnapshot.Shared.Reading<String> r = shared.get();
    assertEquals("read", r.value());
    assertSame(r, shared.get(), "a good reading is kept for its second");
    ticks.addAndGet(SECOND - 1);
    assertSame(r, shared.get());
    ticks.addAndGet(1);
    assertFalse(r == shared.get(), "a second later it is read again");
    assertEquals(3, shared.reads());
  }

  private static String data(Iterator<String> lines) {
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("data:")) {
        return line.substring("data:".length()).trim();
      }
    }
    throw new AssertionError("the stream ended before an event");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the latch");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
