package io.cordwatch.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.Uids;
import io.cordwatch.receive.ReceiveListener;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides when a series is complete, then selects it for grading or not, and queues its job.
 *
 * <p>DICOM has no "end of series" message, so completion is inferred, and it must be quick (a
 * radiologist is waiting) without cutting a series in two. A series is complete when either
 *
 * <ul>
 *   <li>no instance of it arrived for the stable window (default 5 s), or
 *   <li>an association that sent it was released after its last instance and a short grace (default
 *       1 s) passed with nothing new: senders usually send a series on one association and release
 *       it.
 * </ul>
 *
 * A late instance puts the series back to receiving (the index does that) and it is decided again.
 * All state lives in the index, so a restart picks up series left receiving and completes them by
 * the stable window. The sweep runs every 250 ms on one thread; tests call {@link #sweep()}
 * directly with a fake clock.
 */
public final class SeriesTracker implements ReceiveListener, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SeriesTracker.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Index index;
  private final SeriesSelector selector;
  private final Duration stable;
  private final Duration grace;
  private final Clock clock;
  private ScheduledExecutorService sweeper;
  private volatile Runnable onJobQueued = () -> {};

  public SeriesTracker(
      Index index, SeriesSelector selector, Duration stable, Duration grace, Clock clock) {
    this.index = index;
    this.selector = selector;
    this.stable = stable;
    this.grace = grace;
    this.clock = clock;
  }

  /**
   * Called after a sweep queued at least one grading job, so the grader can start at once instead
   * of at its next look at the queue.
   */
  public void onJobQueued(Runnable action) {
    this.onJobQueued = action;
  }

  /** Starts the periodic sweep. */
  public synchronized void start() {
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("series-sweep").daemon(true).unstarted(r));
    sweeper.scheduleWithFixedDelay(this::sweepQuietly, 250, 250, TimeUnit.MILLISECONDS);
  }

  @Override
  public void instanceStored(InstanceFacts facts) {
    // The index already moved the series (back) to receiving in the same transaction as the
    // instance.
  }

  @Override
  public void associationEnded(Set<String> seriesUids, boolean released) {
    if (!released) {
      return;
    }
    long now = clock.millis();
    for (String uid : seriesUids) {
      index.markSeriesReleased(uid, now);
    }
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "series sweep failed; retrying", e);
    }
  }

  /**
   * Completes every series that is due, records its selection decision and queues a job when
   * selected.
   *
   * @return how many series were completed
   */
  public int sweep() {
    long now = clock.millis();
    int done = 0;
    boolean queued = false;
    for (SeriesRow s : index.seriesInState(Index.SERIES_RECEIVING)) {
      if (!due(s, now)) {
        continue;
      }
      SeriesDecision decision = selector.decide(facts(s.seriesUid()));
      try {
        index.completeSeries(
            s.seriesUid(), now, decision.selected(), decision.summary(), decision.reasons());
      } catch (StoreException e) {
        LOG.log(
            Level.WARNING, "could not record decision for series " + Uids.tag(s.seriesUid()), e);
        continue;
      }
      done++;
      queued |= decision.selected();
      LOG.info(
          "series "
              + Uids.tag(s.seriesUid())
              + " of study "
              + Uids.tag(s.studyUid())
              + " complete with "
              + s.instanceCount()
              + " instances: "
              + decision.summary()
              + (decision.selected() ? " -> grading job queued" : ""));
    }
    if (queued) {
      onJobQueued.run();
    }
    return done;
  }

  private boolean due(SeriesRow s, long now) {
    if (now - s.lastReceivedMs() >= stable.toMillis()) {
      return true;
    }
    Long released = s.lastReleaseMs();
    return released != null && released >= s.lastReceivedMs() && now - released >= grace.toMillis();
  }

  private List<InstanceFacts> facts(String seriesUid) {
    List<InstanceFacts> out = new ArrayList<>();
    for (String json : index.factsOfSeries(seriesUid)) {
      try {
        out.add(JSON.readValue(json, InstanceFacts.class));
      } catch (IOException e) {
        LOG.warning(
            "unreadable facts row in series " + Uids.tag(seriesUid) + ": " + e.getMessage());
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
      sweeper = null;
    }
  }
}
