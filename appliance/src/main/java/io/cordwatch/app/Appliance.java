package io.cordwatch.app;

import io.cordwatch.receive.DicomReceiver;
import io.cordwatch.receive.Spool;
import io.cordwatch.store.Index;
import io.cordwatch.study.SelectionRules;
import io.cordwatch.study.SeriesSelector;
import io.cordwatch.study.SeriesTracker;
import io.cordwatch.telemetry.DiskWatermark;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.web.WebContext;
import io.cordwatch.web.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * The running appliance: wires the stages in data-flow order and starts them, and stops them in
 * reverse. Start-up order matters for the durability promise: the index opens and the spool is
 * reconciled before the DICOM port accepts anything.
 */
public final class Appliance implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Appliance.class.getName());

  /** Until a model bundle can be loaded, this is what every status surface says about grading. */
  public static final String ENGINE_STATE =
      "no model loaded: series are selected and queued; grading arrives with the model bundle";

  private final Settings settings;
  private final Index index;
  private final Meters meters;
  private final DiskWatermark disk;
  private final SeriesTracker tracker;
  private final DicomReceiver receiver;
  private final WebServer web;
  private final Instant startedAt;
  private boolean closed;

  private Appliance(Settings settings, Clock clock) throws IOException {
    this.settings = settings;
    this.startedAt = clock.instant();
    this.index = Index.open(settings.dataDir().resolve("index.db"));
    Spool spool = new Spool(settings.dataDir());
    Spool.Reconciliation r = spool.reconcile(index, clock);
    LOG.info(
        "data in "
            + settings.dataDir().toAbsolutePath()
            + ": "
            + index.totals().instances()
            + " instances indexed; start-up check removed "
            + r.leftoversRemoved()
            + " partial files, quarantined "
            + r.orphansQuarantined()
            + " unindexed files, found "
            + r.rowsWithoutFile()
            + " rows without a file");
    this.meters = new Meters();
    this.disk = new DiskWatermark(settings.dataDir(), settings.diskReserveBytes());
    meters.bindGauges(disk::freeBytes, disk::reserveBytes, () -> index.totals().jobsQueued());
    this.tracker =
        new SeriesTracker(
            index,
            new SeriesSelector(SelectionRules.from(settings)),
            settings.seriesStable(),
            settings.releaseGrace(),
            clock);
    tracker.start();
    this.receiver = new DicomReceiver(settings, spool, index, disk, meters, tracker, clock);
    receiver.start();
    WebServer started;
    try {
      started =
          WebServer.start(
              new WebContext(
                  settings,
                  index,
                  meters,
                  disk,
                  receiver::listening,
                  receiver::port,
                  () -> ENGINE_STATE,
                  clock,
                  startedAt));
    } catch (RuntimeException e) {
      receiver.close();
      tracker.close();
      index.close();
      throw e;
    }
    this.web = started;
    LOG.info("engine: " + ENGINE_STATE);
  }

  /** Starts the appliance; the DICOM port is accepting when this returns. */
  public static Appliance start(Settings settings, Clock clock) {
    try {
      return new Appliance(settings, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("start-up failed: " + e.getMessage(), e);
    }
  }

  public int dicomPort() {
    return receiver.port();
  }

  public int httpPort() {
    return web.port();
  }

  public Index index() {
    return index;
  }

  public Meters meters() {
    return meters;
  }

  public DiskWatermark disk() {
    return disk;
  }

  public Settings settings() {
    return settings;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public boolean dicomListening() {
    return receiver.listening();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    web.close();
    receiver.close();
    tracker.close();
    index.close();
  }
}
