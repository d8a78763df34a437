package io.cordwatch.web;

import io.cordwatch.store.Records.StudyRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The index's part of the status that {@code GET /api/v1/status}, its event stream and the status
 * page show ({@link Views.IndexFigures}), read at most once per {@link #MAX_AGE} whatever the
 * number of clients, and shared by all of them (both listeners included). The rest of the status
 * (listeners, counters, disk, device, model) costs no index work and is read at each request, so a
 * full disk or a listener down shows at once.
 *
 * <p>Why: the status counts whole tables (studies, series, instances and their bytes, jobs, the
 * outbox, the last day's activity). At 50 polls a second (docs/robustness.md, {@code bench load})
 * each poll ran those counts again, the requests queued on the index's read connection, and most of
 * them timed out. Status is a glance, not a transaction: a reading a second old tells staff and
 * dashboards the same. So the first request after a reading has aged reads again, on demand
 * (nothing reads the index while nobody asks), requests that arrive meanwhile wait for that one
 * read and share it rather than start their own, and every request within the next second gets it
 * as it is. Each reading says when it was taken ({@code as_of}).
 *
 * <p>The status page's own parts, the database check of the health probe (a trial write
 * transaction) and the newest studies with their series, are shared the same way ({@link
 * #pageParts}), so a wall screen reloading on every event costs the index nothing extra. They stay
 * in memory only: the page prints studies by {@code Uids.tag}, and nothing here reaches the JSON.
 *
 * <p>A read that fails is not kept: its callers get the failure, and the next request tries again,
 * because an index that cannot be read fails at once and a stale good reading would hide it.
 *
 * <p>Ages are measured on a monotonic ticker in nanoseconds, injected so that tests decide when a
 * reading is old; {@link #statusReads()} counts the readings taken, for tests.
 */
final class StatusSnapshot {
  private static final Logger LOG = Logger.getLogger(StatusSnapshot.class.getName());

  /** How long one reading is shared. */
  static final Duration MAX_AGE = Duration.ofSeconds(1);

  /**
   * The status page's parts beside the status view: the database check, and the newest studies with
   * their series (null when they could not be read).
   */
  record PageParts(HealthChecks.Check database, List<StudyRow> newestStudies) {}

  private final WebContext ctx;
  private final LongSupplier ticker;
  private final Shared<Views.IndexFigures> status;
  private final Shared<PageParts> page;

  /** On the system's monotonic clock. */
  StatusSnapshot(WebContext ctx) {
    this(ctx, System::nanoTime);
  }

  StatusSnapshot(WebContext ctx, LongSupplier ticker) {
    this.ctx = ctx;
    this.ticker = ticker;
    this.status = new Shared<>(() -> Views.indexFigures(ctx), ticker, MAX_AGE);
    this.page = new Shared<>(this::readPageParts, ticker, MAX_AGE);
  }

  /**
   * The status with the shared index figures (at most {@link #MAX_AGE} old) and the HTTP listener
   * on {@code httpPort}, the port the request came in on.
   */
  Views.StatusView status(int httpPort) {
    return view(statusReading(), httpPort);
  }

  /** The shared index figures with the ticker reading taken just before they were read. */
  Shared.Reading<Views.IndexFigures> statusReading() {
    return status.get();
  }

  /** The status with {@code figures}, the rest read now. */
  Views.StatusView view(Shared.Reading<Views.IndexFigures> figures, int httpPort) {
    return Views.status(ctx, httpPort, figures.value());
  }

  /** The status page's parts, at most {@link #MAX_AGE} old. */
  PageParts pageParts() {
    return page.get().value();
  }

  /** The ticker now (for the event stream, to tell a reading taken after a change it saw). */
  long now() {
    return ticker.getAsLong();
  }

  /** How many times the status's index figures have been read since start. */
  long statusReads() {
    return status.reads();
  }

  private PageParts readPageParts() {
    HealthChecks.Check database = HealthChecks.database(ctx);
    List<StudyRow> newest;
    try {
      newest = newestStudies();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "status page could not read the newest studies", e);
      newest = null;
    }
    return new PageParts(database, newest);
  }

  private List<StudyRow> newestStudies() {
    // The list rows carry no series; the page names them so staff can see what arrived.
    List<StudyRow> out = new ArrayList<>();
    for (StudyRow s : ctx.index().studies(null, StatusPage.NEWEST_STUDIES)) {
      out.add(ctx.index().study(s.studyUid()).orElse(s));
    }
    return List.copyOf(out);
  }

  /**
   * A value read at most once per {@code maxAge} and shared: a caller that finds it older waits for
   * the lock, and whoever holds it reads; those queued behind find the fresh value and return it.
   */
  static final class Shared<T> {
    /** A value and the ticker reading taken just before it was read. */
    record Reading<T>(T value, long tick) {}

    private final Supplier<T> read;
    private final LongSupplier ticker;
    private final long maxAgeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong reads = new AtomicLong();
    private volatile Reading<T> latest;

    Shared(Supplier<T> read, LongSupplier ticker, Duration maxAge) {
      this.read = read;
      this.ticker = ticker;
      this.maxAgeNanos = maxAge.toNanos();
    }

    Reading<T> get() {
      Reading<T> r = latest;
      if (fresh(r)) {
        return r;
      }
      lock.lock();
      try {
        r = latest;
        if (fresh(r)) {
          return r;
        }
        long tick = ticker.getAsLong();
        reads.incrementAndGet();
        r = new Reading<>(read.get(), tick);
        latest = r;
        return r;
      } finally {
        lock.unlock();
      }
    }

    long reads() {
      return reads.get();
    }

    private boolean fresh(Reading<T> r) {
      return r != null && ticker.getAsLong() - r.tick() < maxAgeNanos;
    }
  }
}
