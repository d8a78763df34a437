package io.cordwatch.retention;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs {@link Retention#run} on its own daemon thread every {@code retention-interval}, the first
 * time after at most a minute (not at once: start-up has enough to do, and a short-lived appliance
 * in a test never removes anything). A run that fails is logged and the next one comes as usual.
 */
public final class RetentionWorker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RetentionWorker.class.getName());
  private static final long FIRST_RUN_MAX_MILLIS = 60_000;

  private final Retention retention;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("retention").daemon(true).unstarted(r));

  public RetentionWorker(Retention retention) {
    this.retention = retention;
  }

  /** Schedules the runs; does nothing when the interval is zero. */
  public void start() {
    long every = retention.config().interval().toMillis();
    if (every <= 0) {
      LOG.info("retention: retention-interval is 0; no periodic runs (the retention command runs)");
      return;
    }
    timer.scheduleWithFixedDelay(
        this::runOnce, Math.min(every, FIRST_RUN_MAX_MILLIS), every, TimeUnit.MILLISECONDS);
  }

  private void runOnce() {
    try {
      retention.run();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "retention run failed (the next one comes as usual): " + e, e);
    }
  }

  /** Stops the timer and waits (at most 30 s) for a run in progress. Idempotent. */
  @Override
  public void close() {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warning("retention: a run did not finish within 30 s of shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
