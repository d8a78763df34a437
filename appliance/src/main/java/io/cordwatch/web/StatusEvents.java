package io.cordwatch.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cordwatch.store.StoreException;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /api/v1/status/events}: the status JSON of {@code GET /api/v1/status} as server-sent
 * events (Helidon's {@link SseSink}), for the status page's script and for dashboards. Same
 * content, same access rule (open unless {@code status-page-login: on}), no patient-derived text.
 *
 * <p>One event named {@code status} goes out at once, then whenever a cheap reading of the
 * appliance changes (images received or refused, connections, verdicts, device mode, listener,
 * disk), checked twice a second, and at the latest every {@link #PERIOD}. The status itself is the
 * reading shared with {@code GET /api/v1/status} and the page ({@link StatusSnapshot}): the index
 * is asked at most once a second whatever the number of clients.
 *
 * <p>Each stream holds one virtual thread, so three things bound them. A client that goes away is
 * noticed at the next write, which fails: the loop ends, the thread returns and the slot is free
 * again within about two periods. At most {@link #MAX_STREAMS} streams run at once; the next one is
 * answered 503 with {@code Retry-After}, and the page falls back to reloading itself. A stream ends
 * by itself after {@link #MAX_AGE} (browsers reconnect on their own), so a client that stops
 * reading without closing cannot hold a thread for ever, and a server shutting down interrupts the
 * wait.
 */
final class StatusEvents implements HttpService {
  private static final Logger LOG = Logger.getLogger(StatusEvents.class.getName());

  /** Where the stream is served, as the page names it. */
  static final String PATH = "/api/v1/status/events";

  /** Streams open at once; a wall screen or two and a few dashboards need far fewer. */
  static final int MAX_STREAMS = 16;

  /** The longest gap between two events (also how soon a vanished client is noticed). */
  static final Duration PERIOD = Duration.ofSeconds(5);

  /** How often the cheap readings are compared for a change. */
  static final Duration POLL = Duration.ofMillis(500);

  /** How long one stream lasts before the client is asked to reconnect. */
  static final Duration MAX_AGE = Duration.ofMinutes(30);

  /**
   * The event sent when the index cannot be read: a failing index becomes an event saying so rather
   * than a dead stream, because the page is where people look when something is wrong.
   */
  private static final String UNREADABLE =
      "{\"state\":\"attention\",\"error\":{\"code\":\"index_unavailable\","
          + "\"message\":\"the index could not be read; see the appliance log\"}}";

  private final WebContext ctx;
  private final Semaphore slots = new Semaphore(MAX_STREAMS);
  private final StatusSnapshot snapshot;

  StatusEvents(WebContext ctx, StatusSnapshot snapshot) {
    this.ctx = ctx;
    this.snapshot = snapshot;
  }

  @Override
  public void routing(HttpRules rules) {
    Replies.get(rules, "/status/events", this::stream);
  }

  private void stream(ServerRequest req, ServerResponse res) {
    if (!req.headers().isAccepted(MediaTypes.TEXT_EVENT_STREAM)) {
      throw new WebException(
          WebException.Code.BAD_REQUEST,
          "this is an event stream: ask with Accept: text/event-stream, or GET /api/v1/status for"
              + " the same JSON once");
    }
    if (!slots.tryAcquire()) {
      res.header(HeaderNames.RETRY_AFTER, Long.toString(PERIOD.toSeconds() * 2));
      throw new WebException(
          WebException.Code.UNAVAILABLE,
          "already "
              + MAX_STREAMS
              + " status streams open; poll GET /api/v1/status instead, or retry later");
    }
    int port = req.localPeer().port();
    try (SseSink sink = res.sink(SseSink.TYPE)) {
      follow(sink, port);
    } catch (UncheckedIOException e) {
      // The client went away: the normal end of a stream.
      LOG.fine("status stream closed by the client: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      slots.release();
    }
  }

  /**
   * Sends the shared reading when the cheap readings change, and at least every {@link #PERIOD}. A
   * change seen here may be newer than the shared reading (which is up to a second old), so the
   * change stays pending until a reading taken after it has been sent; meanwhile any newer reading
   * is sent as it comes.
   */
  private void follow(SseSink sink, int port) throws InterruptedException {
    long started = System.nanoTime();
    long lastSent = 0;
    long lastSentTick = 0;
    boolean sentOnce = false;
    List<Object> lastSeen = null;
    boolean pending = true;
    long changedAt = Long.MIN_VALUE;
    long seq = 0;
    while (System.nanoTime() - started < MAX_AGE.toNanos()) {
      List<Object> seen = readings();
      if (!seen.equals(lastSeen)) {
        pending = true;
        changedAt = lastSeen == null ? Long.MIN_VALUE : snapshot.now();
        lastSeen = seen;
      }
      long now = System.nanoTime();
      boolean due = !sentOnce || now - lastSent >= PERIOD.toNanos();
      if (pending || due) {
        String data;
        long tick;
        boolean carries;
        try {
          StatusSnapshot.Shared.Reading<Views.IndexFigures> r = snapshot.statusReading();
          data = Replies.JSON.writeValueAsString(snapshot.view(r, port));
          tick = r.tick();
          carries = changedAt == Long.MIN_VALUE || tick - changedAt >= 0;
        } catch (StoreException | IllegalStateException e) {
          LOG.log(Level.SEVERE, "status stream could not read the index", e);
          data = UNREADABLE;
          tick = snapshot.now();
          carries = true;
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("cannot write the status as JSON", e);
        }
        // A reading already sent is not sent again for a change (only when due).
        if (due || (pending && tick != lastSentTick)) {
          sink.emit(SseEvent.builder().name("status").id(Long.toString(++seq)).data(data).build());
          lastSent = now;
          lastSentTick = tick;
          sentOnce = true;
        }
        if (carries) {
          pending = false;
        }
      }
      Thread.sleep(POLL);
    }
  }

  /** What changes when work moves, read without touching the index. */
  private List<Object> readings() {
    var m = ctx.meters();
    Accelerator a = ctx.accelerator().get();
    return List.of(
        m.instancesReceived(),
        m.instancesRejected(),
        m.activeAssociations(),
        m.associationsRejected(),
        m.seriesGraded(),
        a.mode(),
        a.degraded(),
        ctx.dicomListening().getAsBoolean(),
        ctx.disk().belowReserve());
  }
}
