package io.cordwatch.app;

import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.EngineException;
import io.cordwatch.receive.DicomReceiver;
import io.cordwatch.receive.Spool;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.roi.ConfiguredBoxes;
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
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * The running appliance: wires the stages in data-flow order and starts them, and stops them in
 * reverse. Start-up order matters for the durability promise: the index opens and the spool is
 * reconciled before the DICOM port accepts anything.
 */
public final class Appliance implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Appliance.class.getName());

  /** What every status surface says about grading when no bundle is configured. */
  public static final String ENGINE_STATE =
      "no model loaded: series are selected and queued; grading arrives with the model bundle";

  /** How often the grading worker looks for queued jobs when idle. */
  static final Duration GRADING_POLL = Duration.ofMillis(100);

  private final Settings settings;
  private final Index index;
  private final Meters meters;
  private final DiskWatermark disk;
  private final SeriesTracker tracker;
  private final DicomReceiver receiver;
  private final WebServer web;
  private final BackboneEngine engine;
  private final GradingWorker grading;
  private final ConfiguredBoxes boxes;
  private final String engineState;
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
    Grading g;
    try {
      g = grading(settings, spool, clock);
    } catch (RuntimeException e) {
      tracker.close();
      index.close();
      throw e;
    }
    this.engine = g.engine();
    this.grading = g.worker();
    this.boxes = g.boxes();
    this.engineState = g.state();
    if (grading != null) {
      tracker.onJobQueued(grading::wake);
      grading.start();
    }
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
                  () -> engineState,
                  clock,
                  startedAt));
    } catch (RuntimeException e) {
      receiver.close();
      closeGrading();
      tracker.close();
      index.close();
      throw e;
    }
    this.web = started;
    LOG.info("engine: " + engineState);
  }

  private record Grading(
      BackboneEngine engine, GradingWorker worker, String state, ConfiguredBoxes boxes) {}

  /**
   * Loads the configured bundle and boxes and builds the grading worker; without a bundle there is
   * no worker and jobs wait in the queue. A configured bundle or box file that cannot be used stops
   * start-up: the operator asked for grading, and silently not grading would look like an appliance
   * that finds nothing.
   */
  private Grading grading(Settings settings, Spool spool, Clock clock) {
    if (settings.bundle() == null) {
      return new Grading(null, null, ENGINE_STATE, null);
    }
    Bundle bundle;
    try {
      bundle = Bundles.load(settings.bundle());
    } catch (BundleException e) {
      throw new ConfigException("bundle: " + e.getMessage());
    }
    ConfiguredBoxes boxes;
    try {
      boxes = ConfiguredBoxes.open(bundle, settings.boxes());
    } catch (BoxFileException e) {
      throw new ConfigException("boxes: " + e.getMessage());
    } catch (BundleException | EngineException e) {
      throw new ConfigException("bundle: localizer: " + e.getMessage());
    }
    String boxesState = boxes.description();
    if (!boxes.any()) {
      LOG.warning("grading: " + boxesState);
    }
    BackboneEngine opened;
    try {
      opened = Bundles.openEngine(bundle);
    } catch (BundleException | EngineException e) {
      boxes.close();
      throw new ConfigException("bundle: " + e.getMessage());
    }
    String state =
        "OnnxRuntimeEngine (CPU, "
            + Runtime.getRuntime().availableProcessors()
            + " threads), bundle "
            + bundle.name()
            + " clinical_use="
            + bundle.provenance().clinicalUse()
            + "; "
            + boxesState;
    GradingWorker worker =
        new GradingWorker(
            index,
            spool,
            new SeriesGrader(bundle, opened, boxes.source()),
            meters,
            clock,
            GRADING_POLL);
    return new Grading(opened, worker, state, boxes);
  }

  /** One line about the grading engine, model and boxes, as the status surfaces show it. */
  public String engineState() {
    return engineState;
  }

  private void closeGrading() {
    if (grading != null) {
      grading.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (boxes != null) {
      boxes.close();
    }
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
    closeGrading();
    index.close();
  }
}
