package io.cordwatch.app;

import io.cordwatch.auth.AccessControl;
import io.cordwatch.config.ConfigException;
import io.cordwatch.config.Settings;
import io.cordwatch.device.DeviceProfiles;
import io.cordwatch.device.HostProbe;
import io.cordwatch.device.ProfileDetector;
import io.cordwatch.device.ProfileException;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.BundleStore;
import io.cordwatch.infer.FallbackEngine;
import io.cordwatch.publish.Backoff;
import io.cordwatch.publish.Destination;
import io.cordwatch.publish.OutboxSender;
import io.cordwatch.publish.ResultFiles;
import io.cordwatch.receive.DicomReceiver;
import io.cordwatch.receive.ReceiveConfig;
import io.cordwatch.receive.ReceiveListener;
import io.cordwatch.receive.Spool;
import io.cordwatch.retention.Retention;
import io.cordwatch.retention.RetentionWorker;
import io.cordwatch.store.BundleActivations;
import io.cordwatch.store.Index;
import io.cordwatch.study.SeriesSelector;
import io.cordwatch.study.SeriesTracker;
import io.cordwatch.telemetry.CachedGpuTelemetry;
import io.cordwatch.telemetry.DiskWatermark;
import io.cordwatch.telemetry.GpuSources;
import io.cordwatch.telemetry.GpuTelemetry;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.telemetry.VolumeUsage;
import io.cordwatch.web.Accelerator;
import io.cordwatch.web.ApiToken;
import io.cordwatch.web.TlsIdentity;
import io.cordwatch.web.WebContext;
import io.cordwatch.web.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

  /** The longest the outbox sender waits before looking at the outbox again when idle. */
  static final Duration OUTBOX_POLL = Duration.ofSeconds(1);

  /** How long one association to a destination may take before it is aborted. */
  static final Duration ASSOCIATION_TIMEOUT = Duration.ofMinutes(2);

  /** How often the grading worker looks for queued jobs when idle. */
  static final Duration GRADING_POLL = Duration.ofMillis(100);

  private final Settings settings;
  private final Index index;
  private final Meters meters;
  private final DiskWatermark disk;
  private final SeriesTracker tracker;
  private final DicomReceiver receiver;
  private final WebServer web;
  private final ModelSlot models;
  private final GradingWorker grading;
  private final StreamingGrading streaming;
  private final BundleLifecycle bundles;
  private final ModelSwitcher switcher;
  private final ShadowGrading shadow;

  /** Why no model runs although one was asked for (refused at start-up), or null. */
  private final String startNote;

  private final Instant startedAt;
  private final ProfileDetector.Detection detection;
  private final GpuTelemetry gpu;
  private final OutboxSender outbox;
  private final VerifiedResults verifiedResults;
  private final List<Destination> destinations;
  private final RetentionWorker retention;
  private final AuditTrail audit;

  /** Everything started, closed last first: by close(), or when start-up fails part way. */
  private final StartedStages stages = new StartedStages();

  private boolean closed;

  private Appliance(
      Settings settings, Clock clock, ApiToken apiToken, TlsIdentity tls, ReceiveConfig receive)
      throws IOException {
    this.settings = settings;
    this.startedAt = clock.instant();
    this.meters = new Meters();
    try {
      this.index =
          stages.add(
              Index.open(
                  settings.dataDir().resolve("index.db"),
                  settings.indexReadConnections(),
                  new RegradeOnBoxChange()));
      this.audit = stages.add(AuditTrail.start(settings, index, meters, clock));
      Retention retention = RetentionWiring.retention(settings, index, meters, clock);
      // Before the spool check: files of an interrupted removal are deleted, not quarantined.
      retention.recover();
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
      this.disk = new DiskWatermark(settings.dataDir(), settings.diskReserveBytes());
      meters.bindGauges(disk::freeBytes, disk::reserveBytes, () -> index.totals().jobsQueued());
      meters.bindVolume(VolumeUsage.statvfs(), settings.dataDir());
      this.detection = detect(settings);
      this.gpu =
          stages.add(
              new CachedGpuTelemetry(
                  GpuSources.telemetry(Path.of("/")), clock, Duration.ofSeconds(1)));
      meters.bindGpu(gpu);
      this.destinations = destinations(settings);
      ResultFiles resultFiles = new ResultFiles(settings.dataDir());
      int partial = resultFiles.removeLeftovers();
      if (partial > 0) {
        LOG.info(
            "results: removed " + partial + " partly written document(s) left by the last run");
      }
      this.outbox =
          new OutboxSender(
              index,
              resultFiles,
              settings.aeTitle(),
              new Backoff(
                  settings.forwardRetryDelay(),
                  settings.forwardRetryMaxDelay(),
                  settings.forwardGiveUpAfter()),
              ASSOCIATION_TIMEOUT,
              OUTBOX_POLL,
              meters,
              clock,
              alertKey(settings));
      this.verifiedResults =
          new VerifiedResults(index, resultFiles, settings.aeTitle(), clock, outbox::wake);
      meters.bindOutbox(
          () -> index.outboxCounts().pending(),
          () -> index.outboxCounts().failing(),
          () -> index.outboxCounts().failed(),
          () -> {
            Long oldest = index.outboxCounts().oldestPendingMs();
            return oldest == null ? 0L : Math.max(0, (clock.millis() - oldest) / 1000);
          });
      SeriesSelector selector = new SeriesSelector(StageSettings.selectionRules(settings));
      this.tracker =
          new SeriesTracker(
              index, selector, settings.seriesStable(), settings.releaseGrace(), clock);
      tracker.start();
      stages.add(tracker);
      this.models = stages.add(new ModelSlot());
      ModelLoader loader =
          new ModelLoader(
              settings, index, spool, detection, fallbackMeters(meters), destinations, clock);
      this.bundles =
          new BundleLifecycle(
              settings.dataDir(),
              index,
              BundleLifecycle.trust(settings),
              clock,
              models::current,
              this::wakeSwitcher,
              this::shadowStatus,
              this::wakeShadow);
      Startup first = firstModel(settings, bundles, loader);
      if (first.model() != null) {
        models.install(first.model());
      }
      this.startNote = first.note();
      meters.bindEngine(
          () -> {
            FallbackEngine e = engineOf(models.current());
            return e != null && e.state().mode() == FallbackEngine.Mode.GPU;
          },
          () -> {
            FallbackEngine e = engineOf(models.current());
            return e != null && e.state().degraded();
          });
      this.streaming =
          settings.streaming()
              ? new StreamingGrading(
                  index,
                  spool,
                  models,
                  selector,
                  settings.streamMemoryBytes(),
                  // A sender that does not release: grade ahead halfway to the stable rule.
                  settings.seriesStable().dividedBy(2),
                  meters,
                  clock)
              : null;
      this.shadow = new ShadowGrading(bundles, loader, index, spool, meters, clock);
      shadow.start();
      stages.add(shadow);
      this.grading =
          new GradingWorker(
              index,
              spool,
              models,
              meters,
              clock,
              GRADING_POLL,
              new GradingWorker.Retry(
                  settings.gradingAttempts(),
                  settings.gradingRetryDelay(),
                  settings.gradingRetryMaxDelay()),
              streaming,
              outbox::wake,
              shadow);
      tracker.onJobQueued(grading::wake);
      grading.start();
      stages.add(grading);
      this.switcher = new ModelSwitcher(bundles, loader, models, index, clock, first.seen());
      switcher.start();
      stages.add(switcher);
      // Always started: deliveries queued under an earlier configuration still go out.
      outbox.start();
      stages.add(outbox);
      LOG.info(
          destinations.isEmpty()
              ? "results: no forward-to destination; verdicts stay on the box"
              : "results: SR and key-object documents"
                  + (settings.publishSecondaryCapture()
                      ? ", and Secondary Capture key images (publish-secondary-capture),"
                      : "")
                  + " of each verdict go to "
                  + destinations.stream().map(Destination::toString).toList()
                  + " as "
                  + settings.aeTitle());
      ReceiveListener listener = tracker;
      if (streaming != null) {
        streaming.start();
        stages.add(streaming);
        listener = both(tracker, streaming);
      }
      this.receiver = new DicomReceiver(receive, spool, index, disk, meters, listener, clock);
      receiver.start();
      stages.add(receiver);
      AccessControl access = AccessControl.over(index, StageSettings.auth(settings), clock);
      this.web =
          stages.add(
              WebServer.start(
                  new WebContext(
                      StageSettings.web(settings),
                      index,
                      meters,
                      disk,
                      receiver::listening,
                      receiver::port,
                      receiver::tlsPort,
                      this::engineState,
                      clock,
                      startedAt,
                      this::accelerator,
                      bundles::model,
                      apiToken,
                      access,
                      verifiedResults::reviewed,
                      bundles),
                  tls));
      this.retention = new RetentionWorker(retention);
      this.retention.start();
      stages.add(this.retention);
      // Last: a start-up that failed above must not leave the exporter's thread running.
      audit.export();
      LOG.info("engine: " + engineState());
      if (!access.users().anyActive()) {
        LOG.warning("access: " + AccessControl.FIRST_ADMIN_HINT);
      }
    } catch (IOException | RuntimeException | Error e) {
      stages.closeAfterFailure(e);
      throw e;
    }
  }

  /**
   * The model the appliance starts with.
   *
   * @param model null when none runs
   * @param note why none runs although one was asked for, or null
   * @param seen the activation it stands for ({@code seq}), 0 for none
   */
  private record Startup(LoadedModel model, String note, long seen) {}

  /**
   * Detects the device profile among the shipped ones or those in {@code profiles}; a forced
   * profile that does not exist, or a profile folder that cannot be read, stops start-up. Detection
   * never fails otherwise: an unreadable host is the CPU-only profile with the reason.
   */
  private static ProfileDetector.Detection detect(Settings settings) {
    try {
      ProfileDetector.Detection d =
          new ProfileDetector(
                  settings.profiles() == null
                      ? DeviceProfiles.builtIn()
                      : DeviceProfiles.load(settings.profiles()))
              .detect(
                  new HostProbe(Path.of("/"), GpuSources.inventory()).read(), settings.profile());
      LOG.info(
          "device profile: "
              + d.profile().id()
              + (d.forced() ? " (set)" : "")
              + ": "
              + d.reasons().getLast());
      d.warnings().forEach(w -> LOG.warning("device profile: " + w));
      return d;
    } catch (ProfileException e) {
      throw new ConfigException(
          (settings.profiles() == null ? "profile: " : "profiles: ") + e.getMessage());
    }
  }

  /**
   * The key alerts are signed with, read from {@code alert-key-file} before anything starts; empty
   * when none is set. A file that cannot be read, or holds fewer than 16 characters, stops
   * start-up.
   */
  private static byte[] alertKey(Settings settings) {
    if (settings.alertKeyFile() == null) {
      return new byte[0];
    }
    String key;
    try {
      key = java.nio.file.Files.readString(settings.alertKeyFile()).strip();
    } catch (IOException e) {
      throw new ConfigException(
          "alert-key-file: cannot read " + settings.alertKeyFile() + ": " + e.getMessage());
    }
    if (key.length() < 16) {
      throw new ConfigException(
          "alert-key-file: the key in "
              + settings.alertKeyFile()
              + " is shorter than 16 characters");
    }
    return key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The configured destinations; one that does not parse stops start-up naming it. */
  private static List<Destination> destinations(Settings settings) {
    List<Destination> out = new ArrayList<>();
    for (String d : settings.forwardTo()) {
      try {
        out.add(Destination.parse(d));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("forward-to: " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  /** The device and engine as the status surfaces show them. */
  private Accelerator accelerator() {
    FallbackEngine engine = engineOf(models.current());
    FallbackEngine.State s = engine == null ? null : engine.state();
    if (s == null) {
      return new Accelerator(
          detection.profile().id(),
          detection.profile().gpu() ? "gpu" : "cpu",
          false,
          null,
          "no model loaded; engine chosen when a bundle is configured",
          0,
          null,
          null,
          gpu);
    }
    return new Accelerator(
        detection.profile().id(),
        s.mode().name().toLowerCase(java.util.Locale.ROOT),
        s.degraded(),
        s.activeEngine(),
        s.reason(),
        s.gpuFaults(),
        s.lastFaultAt(),
        s.nextRetryAt(),
        gpu);
  }

  /** The tracker first (it records the release in the index), then streaming. */
  private static ReceiveListener both(ReceiveListener first, ReceiveListener second) {
    return new ReceiveListener() {
      @Override
      public void instanceStored(InstanceFacts facts) {
        first.instanceStored(facts);
        second.instanceStored(facts);
      }

      @Override
      public void associationEnded(Set<String> seriesUids, boolean released) {
        first.associationEnded(seriesUids, released);
        second.associationEnded(seriesUids, released);
      }
    };
  }

  /** GPU faults and CPU-fallback batches counted in the meters. */
  private static FallbackEngine.Listener fallbackMeters(Meters meters) {
    return new FallbackEngine.Listener() {
      @Override
      public void gpuFault(String reason) {
        meters.gpuFault();
      }

      @Override
      public void fallbackBatch() {
        meters.fallbackBatch();
      }

      @Override
      public void gpuRestored() {}
    };
  }

  /**
   * The model to start with. With the {@code bundle} setting, that bundle: it is installed in the
   * bundle store (if that version is not there yet) and activated, so it is what starts active
   * whatever was active before. Without it, the store's active version, if any. A bundle refused by
   * the signature rules leaves the appliance without a model, receiving and queueing, and says why
   * on every status surface; any other problem with a bundle the operator asked for stops start-up
   * (silently not grading would look like an appliance that finds nothing).
   */
  private static Startup firstModel(
      Settings settings, BundleLifecycle bundles, ModelLoader loader) {
    String id;
    Bundle bundle;
    try {
      if (settings.bundle() != null) {
        BundleStore.Installed i = bundles.installConfigured(settings.bundle());
        id = i.id();
        bundle = i.bundle();
      } else {
        Optional<String> active = bundles.activation().map(BundleActivations.Activation::bundleId);
        if (active.isEmpty()) {
          return new Startup(null, null, 0);
        }
        id = active.get();
        bundle = bundles.load(id);
      }
    } catch (BundleException e) {
      if (SIGNATURE_REFUSALS.contains(e.code())) {
        String note = "bundle " + e.getMessage();
        LOG.severe("grading: " + note + "; series are received and queued, not graded");
        return new Startup(null, note, bundles.activation().map(a -> a.seq()).orElse(0L));
      }
      throw new ConfigException("bundle: " + e.getMessage());
    }
    if (!bundle.signature().trusted()) {
      LOG.warning(
          "grading: bundle "
              + id
              + " is "
              + bundle.signature().describe()
              + " and runs because allow-unsigned-bundles is on; every status surface says"
              + " UNSIGNED MODEL");
    }
    LoadedModel model;
    try {
      model = loader.open(id, bundle);
    } catch (ModelLoader.LoadException e) {
      throw new ConfigException(e.getMessage());
    }
    return new Startup(model, null, bundles.activation().map(a -> a.seq()).orElse(0L));
  }

  private static final Set<BundleException.Code> SIGNATURE_REFUSALS =
      Set.of(
          BundleException.Code.UNSIGNED,
          BundleException.Code.BAD_SIGNATURE,
          BundleException.Code.UNTRUSTED_SIGNATURE);

  private static FallbackEngine engineOf(LoadedModel m) {
    return m == null ? null : m.engine();
  }

  /**
   * One line about the grading engine, model and boxes, as the status surfaces show it; the engine
   * part is read live, because a GPU fault changes it.
   */
  public String engineState() {
    LoadedModel m = models.current();
    String failure = switcher == null ? null : switcher.failure();
    if (m == null || m.engine() == null) {
      String why = failure != null ? failure : startNote;
      return why == null
          ? ENGINE_STATE
          : "no model loaded: " + why + "; series are selected and queued, not graded";
    }
    FallbackEngine.State s = m.engine().state();
    String active =
        s.mode() == FallbackEngine.Mode.GPU
            ? "TensorRtEngine (" + s.activeEngine() + ")"
            : "OnnxRuntimeEngine (CPU, " + Runtime.getRuntime().availableProcessors() + " threads)";
    return active
        + (s.degraded() ? " [degraded: " + s.reason() + "]" : "")
        + ", "
        + m.state()
        + (failure == null ? "" : "; " + failure);
  }

  /** A new activation: look at it now (null only while start-up activates the configured one). */
  private void wakeSwitcher() {
    if (switcher != null) {
      switcher.wake();
    }
  }

  /** A new shadow choice: look at it now (null only during start-up). */
  private void wakeShadow() {
    if (shadow != null) {
      shadow.wake();
    }
  }

  /** The shadow bundle as the status surfaces show it; null when off or during start-up. */
  private io.cordwatch.web.ShadowModel shadowStatus() {
    return shadow == null ? null : shadow.status();
  }

  /** The installed bundles and the active one (what the CLI and the admin routes change). */
  public BundleLifecycle bundles() {
    return bundles;
  }

  /** The id of the bundle version grading now, or null. */
  public String activeBundleId() {
    LoadedModel m = models.current();
    return m == null ? null : m.id();
  }

  /** Starts the appliance; the DICOM port is accepting when this returns. */
  public static Appliance start(Settings settings, Clock clock) {
    ApiToken token = apiToken(settings);
    TlsIdentity tls = tls(settings, clock);
    // Read before anything starts, like the token: a bad TLS file stops start-up here.
    ReceiveConfig receive = StageSettings.receive(settings);
    try {
      return new Appliance(settings, clock, token, tls, receive);
    } catch (IOException e) {
      throw new UncheckedIOException("start-up failed: " + e.getMessage(), e);
    }
  }

  /**
   * The deprecated shared token, read before anything starts so an unusable file stops start-up;
   * while it is set, start-up says to replace it with per-client tokens.
   */
  private static ApiToken apiToken(Settings settings) {
    ApiToken token;
    try {
      token = ApiToken.of(settings.apiTokenFile());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("api-token-file: " + e.getMessage());
    }
    if (token.required()) {
      LOG.warning(
          "access: api-token-file is deprecated; its token is accepted as the write-scope token"
              + " 'api-token-file'. Make one token per client (cordwatch token add NAME --scope"
              + " write) and remove the setting");
    }
    return token;
  }

  /**
   * The HTTPS certificate and key, read before anything starts so that a file that cannot be used
   * stops start-up before the DICOM port opens; null without HTTPS.
   */
  private static TlsIdentity tls(Settings settings, Clock clock) {
    if (settings.tlsCert() == null) {
      return null;
    }
    try {
      return TlsIdentity.load(settings.tlsCert(), settings.tlsKey(), clock.instant());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          e.getMessage()
              + ". CordWatch did not start: fix the file, or remove tls-cert and tls-key to serve"
              + " plain HTTP only");
    }
  }

  public int dicomPort() {
    return receiver.port();
  }

  /** The DICOM TLS port, or -1 when DICOM TLS is off. */
  public int dicomTlsPort() {
    return receiver.tlsPort();
  }

  /** The plain HTTP port, -1 with {@code http-mode: off}. */
  public int httpPort() {
    return web.port();
  }

  /**
   * Whether every DICOM accept loop and the HTTP server still run: the liveness the systemd
   * watchdog is fed on ({@link ServiceNotifier}).
   */
  public boolean listenersAlive() {
    return receiver.listening() && web.running();
  }

  /** The HTTPS port, -1 without HTTPS. */
  public int httpsPort() {
    return web.httpsPort();
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
    stages.closeAll();
  }
}
