package io.cordwatch.app;

import io.cordwatch.config.ConfigException;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.BundleStore;
import io.cordwatch.infer.BundleTrust;
import io.cordwatch.infer.SignatureStatus;
import io.cordwatch.publish.ModelIdentity;
import io.cordwatch.store.BundleActivations;
import io.cordwatch.store.BundleActivations.Activation;
import io.cordwatch.store.BundleShadows;
import io.cordwatch.store.Index;
import io.cordwatch.web.ActiveModel;
import io.cordwatch.web.BundleControl;
import io.cordwatch.web.ShadowModel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Installing, listing, activating and rolling back model bundles: the bundle store's folders under
 * the data directory ({@link BundleStore}) and the activations in the index ({@link
 * BundleActivations}, each with its audit row), with the appliance's signature rules ({@link
 * BundleTrust}) applied to every version before it is installed or made active. The CLI uses it on
 * the data directory of a running or stopped appliance; the running appliance serves it to admins
 * over HTTP and takes every new activation up between jobs ({@link ModelSwitcher}), so both ways of
 * switching are one mechanism: the latest activation row is the active bundle.
 */
public final class BundleLifecycle implements BundleControl {
  /** The actor of the activation made at start-up from the {@code bundle} setting. */
  static final String CONFIGURATION = "configuration (bundle setting)";

  private final BundleStore store;
  private final BundleActivations activations;
  private final Index index;
  private final BundleTrust trust;
  private final Clock clock;
  private final Supplier<LoadedModel> running;
  private final Runnable activated;
  private final Supplier<ShadowModel> shadowRunning;
  private final Runnable shadowChosen;

  /**
   * The versions as {@link #entries} loaded them, by id. A version's folder never changes once
   * installed (its id is its bundle.json's digest), so the list, the admin page and {@code GET
   * /api/v1/bundles} hash each version's files once per process rather than on every call. The
   * check that matters is not cached: an activation and the appliance's switch load the version
   * again with every checksum, so a file changed after it was listed is refused there (and {@code
   * cordwatch bundle verify} finds it).
   */
  private final Map<String, Bundle> listed = new ConcurrentHashMap<>();

  /**
   * @param running the model the appliance grades with now; null outside the appliance (CLI)
   * @param activated told after each new activation (wakes the appliance's switcher)
   * @param shadowRunning the shadow as the running appliance has it; null outside the appliance
   * @param shadowChosen told after each new shadow choice (wakes the appliance's shadow loader)
   */
  BundleLifecycle(
      Path dataDir,
      Index index,
      BundleTrust trust,
      Clock clock,
      Supplier<LoadedModel> running,
      Runnable activated,
      Supplier<ShadowModel> shadowRunning,
      Runnable shadowChosen) {
    this.shadowRunning = shadowRunning;
    this.shadowChosen = shadowChosen;
    this.store = new BundleStore(dataDir);
    this.activations = index.bundleActivations();
    this.index = index;
    this.trust = trust;
    this.clock = clock;
    this.running = running;
    this.activated = activated;
  }

  /** The lifecycle of the data directory of {@code settings}, for the CLI. */
  public static BundleLifecycle of(Settings settings, Index index, Clock clock) {
    return new BundleLifecycle(
        settings.dataDir(), index, trust(settings), clock, null, () -> {}, () -> null, () -> {});
  }

  /**
   * The trusted keys and the unsigned-bundle rule of {@code settings}.
   *
   * @throws ConfigException {@code bundle-trusted-keys: ...} when a key file cannot be used
   */
  public static BundleTrust trust(Settings settings) {
    try {
      return BundleTrust.load(settings.bundleTrustedKeys(), settings.allowUnsignedBundles());
    } catch (BundleException e) {
      throw new ConfigException("bundle-trusted-keys: " + e.getMessage());
    }
  }

  public BundleTrust trust() {
    return trust;
  }

  public BundleStore store() {
    return store;
  }

  /**
   * Copies the bundle at {@code source} into the store after the signature check; an audit row
   * records a new version.
   *
   * @throws BundleException when it is refused or cannot be copied
   */
  public BundleStore.Installed install(Path source, String actor) {
    BundleStore.Installed i = store.install(source, trust);
    if (i.added()) {
      index.audit(
          clock.millis(),
          "bundle_installed",
          "bundle " + i.id() + " (" + i.bundle().signature().describe() + ") by " + actor);
    }
    return i;
  }

  /** The active version's activation, empty when none was ever activated. */
  public Optional<Activation> activation() {
    return activations.latest();
  }

  /** The last activations, newest first. */
  public List<Activation> history(int limit) {
    return activations.history(limit);
  }

  /**
   * Loads an installed version with the signature check, as the appliance will run it.
   *
   * @throws BundleException when it is not installed or is refused
   */
  public Bundle load(String id) {
    return store.load(id, trust);
  }

  /**
   * Makes an installed version active after checking it loads and passes the signature check.
   *
   * @throws BundleException when it is not installed or is refused
   */
  public Switched activateChecked(String id, String actor, String how) {
    load(id);
    String before = activations.latest().map(Activation::bundleId).orElse(null);
    Optional<Activation> a = activations.activate(id, actor, how, clock.millis());
    if (a.isPresent()) {
      activated.run();
    }
    return new Switched(before, id, a.isPresent());
  }

  /**
   * Makes the version active before the current one active again.
   *
   * @throws BundleException when there is no earlier version, or it is refused now
   */
  public Switched rollbackChecked(String actor) {
    Activation now =
        activations
            .latest()
            .orElseThrow(
                () ->
                    new BundleException(
                        BundleException.Code.MISSING_FILE,
                        "no bundle was ever activated here; nothing to roll back"));
    if (now.previousId() == null) {
      throw new BundleException(
          BundleException.Code.MISSING_FILE,
          "bundle " + now.bundleId() + " is the first one activated here; nothing to roll back to");
    }
    return activateChecked(now.previousId(), actor, "rollback");
  }

  /** The bundle in shadow now (the latest choice), empty when shadow mode is off. */
  public Optional<String> shadowId() {
    return index.bundleShadows().current();
  }

  /** The last shadow choices, newest first. */
  public List<BundleShadows.Choice> shadowHistory(int limit) {
    return index.bundleShadows().history(limit);
  }

  /**
   * Runs an installed version in shadow (null: shadow off), after checking it loads and passes the
   * signature check as an activation would; recorded with its audit row.
   *
   * @throws BundleException when it is not installed or is refused
   */
  public Switched shadowChecked(String id, String actor) {
    if (id != null) {
      load(id);
    }
    String before = shadowId().orElse(null);
    boolean changed = index.bundleShadows().choose(id, actor, clock.millis()).isPresent();
    if (changed) {
      shadowChosen.run();
    }
    return new Switched(before, id, changed);
  }

  /**
   * Installs the configured bundle and makes it active (start-up with the {@code bundle} setting:
   * it is what starts active).
   */
  BundleStore.Installed installConfigured(Path configured) {
    BundleStore.Installed i = install(configured, CONFIGURATION);
    activations.activate(i.id(), CONFIGURATION, "configured", clock.millis());
    return i;
  }

  /** An installed version as {@code bundle list} and {@code GET /api/v1/bundles} show it. */
  public record Entry(
      String id,
      Bundle bundle,
      SignatureStatus signature,
      String problem,
      boolean active,
      boolean shadow) {}

  /** Every installed version with what its signature check says now. */
  public List<Entry> entries() {
    String active = activations.latest().map(Activation::bundleId).orElse(null);
    String shadow = shadowId().orElse(null);
    BundleTrust lenient = new BundleTrust(trust.keys(), true, trust.folder());
    List<Entry> out = new ArrayList<>();
    List<String> ids = store.ids();
    listed.keySet().retainAll(ids);
    for (String id : ids) {
      Bundle b = null;
      String problem = null;
      try {
        // A failure is not kept: the next call tries again (a read error may pass).
        b = listed.computeIfAbsent(id, i -> store.load(i, lenient));
        if (!b.signature().trusted() && !trust.allowUnsigned()) {
          problem =
              "refused here: " + b.signature().describe() + " and allow-unsigned-bundles is off";
        }
      } catch (BundleException e) {
        problem = e.getMessage() + " [" + e.code() + "]";
      }
      out.add(
          new Entry(
              id,
              b,
              b == null ? null : b.signature(),
              problem,
              id.equals(active),
              id.equals(shadow)));
    }
    return out;
  }

  // ---- BundleControl, for the web layer

  /** The model grading now, as the status surfaces name it; null while none is loaded. */
  public ActiveModel model() {
    LoadedModel m = running == null ? null : running.get();
    if (m == null || m.bundle() == null || m.identity() == null) {
      return null;
    }
    SignatureStatus s = m.bundle().signature();
    ModelIdentity identity = m.identity();
    return new ActiveModel(
        m.id(),
        identity.name(),
        identity.version(),
        identity.clinicalUse(),
        s.trusted(),
        s.describe());
  }

  @Override
  public List<Installed> installed() {
    return entries().stream()
        .map(
            e ->
                new Installed(
                    e.id(),
                    e.bundle() == null ? null : e.bundle().name(),
                    e.bundle() == null ? null : e.bundle().provenance().date().toString(),
                    e.active(),
                    e.signature() == null ? null : e.signature().describe(),
                    e.signature() != null && e.signature().trusted(),
                    e.problem()))
        .toList();
  }

  @Override
  public Switched activate(String id, String actor) {
    try {
      return activateChecked(id, actor, "activate");
    } catch (BundleException e) {
      throw refused(e, e.code() == BundleException.Code.MISSING_FILE);
    }
  }

  @Override
  public Switched rollback(String actor) {
    try {
      return rollbackChecked(actor);
    } catch (BundleException e) {
      throw refused(e, false);
    }
  }

  @Override
  public ShadowModel shadow() {
    ShadowModel running = shadowRunning.get();
    if (running != null) {
      return running;
    }
    // Outside the appliance (or before it loaded one): what the index says, counted.
    return shadowId()
        .map(
            id ->
                new ShadowModel(
                    id, null, null, false, false, index.shadowResults().seriesCount(id), 0, null))
        .orElse(null);
  }

  @Override
  public String shadowChoice() {
    return shadowId().orElse(null);
  }

  @Override
  public Switched shadow(String id, String actor) {
    try {
      return shadowChecked(id, actor);
    } catch (BundleException e) {
      throw refused(e, e.code() == BundleException.Code.MISSING_FILE);
    }
  }

  private static Refused refused(BundleException e, boolean notFound) {
    return new Refused(e.getMessage() + " [" + e.code() + "]", notFound);
  }
}
