package io.cordwatch.app;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.EngineException;
import io.cordwatch.store.BundleActivations.Activation;
import io.cordwatch.store.Index;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes up bundle activations while the appliance runs, on a thread of its own. The latest row of
 * the index's activations is the active bundle, whoever wrote it (an admin over HTTP, {@code
 * cordwatch bundle activate|rollback} on the box); this thread looks at it every {@link #POLL} (at
 * once when woken), loads a newly activated version beside the running one (ONNX Runtime session,
 * TensorRT engine on a GPU, localizer) while grading goes on, and only then installs it in the
 * {@link ModelSlot}: the series being graded finishes on the old version, the next one is graded
 * with the new, and the old is closed after its last job.
 *
 * <p>A version that cannot be loaded (refused by the signature rules, which may have changed since
 * it was activated, or an engine that does not open) leaves the running model in place; the failure
 * is logged, audited ({@code bundle_switch_failed}) and shown on the status surfaces until the next
 * activation.
 */
final class ModelSwitcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ModelSwitcher.class.getName());

  /** How often the activations are looked at when nobody wakes the thread. */
  static final Duration POLL = Duration.ofSeconds(1);

  private final BundleLifecycle lifecycle;
  private final ModelLoader loader;
  private final ModelSlot slot;
  private final Index index;
  private final Clock clock;
  private final Object signal = new Object();
  private final WorkerThread thread = new WorkerThread("bundle-switch");
  private long seen;
  private volatile String failure;

  /**
   * @param seen the activation already applied at start-up (its {@code seq}), 0 for none
   */
  ModelSwitcher(
      BundleLifecycle lifecycle,
      ModelLoader loader,
      ModelSlot slot,
      Index index,
      Clock clock,
      long seen) {
    this.lifecycle = lifecycle;
    this.loader = loader;
    this.slot = slot;
    this.index = index;
    this.clock = clock;
    this.seen = seen;
  }

  void start() {
    thread.start(this::loop);
  }

  /** Look at the activations now rather than at the next poll. */
  void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  /** Why the latest activation is not what grades, or null when it is. */
  String failure() {
    return failure;
  }

  private void loop() {
    while (!thread.stopping()) {
      try {
        check();
      } catch (RuntimeException e) {
        if (thread.stopping()) {
          return;
        }
        LOG.log(Level.WARNING, "bundle switch: cannot read the activations; retrying", e);
      }
      synchronized (signal) {
        try {
          signal.wait(POLL.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void check() {
    Optional<Activation> latest = lifecycle.activation();
    if (latest.isEmpty() || latest.get().seq() <= seen) {
      return;
    }
    Activation a = latest.get();
    seen = a.seq();
    LoadedModel current = slot.current();
    if (current != null && current.id().equals(a.bundleId())) {
      failure = null;
      return;
    }
    LOG.info(
        "bundle switch: loading "
            + a.bundleId()
            + " ("
            + a.how()
            + " by "
            + a.actor()
            + "); grading goes on with "
            + (current == null ? "no model (jobs wait)" : current.id())
            + " meanwhile");
    LoadedModel next;
    try {
      Bundle b = lifecycle.load(a.bundleId());
      next = loader.open(a.bundleId(), b);
    } catch (BundleException | EngineException | ModelLoader.LoadException e) {
      failed(a, e.getMessage());
      return;
    } catch (RuntimeException e) {
      failed(a, e.toString());
      return;
    }
    if (thread.stopping()) {
      next.close();
      return;
    }
    int inFlight = slot.leasesOnCurrent();
    LoadedModel old = slot.install(next);
    failure = null;
    LOG.info(
        "bundle switch: grading with "
            + next.id()
            + " ("
            + next.bundle().signature().describe()
            + ") from the next series"
            + (old == null
                ? ""
                : "; was "
                    + old.id()
                    + (inFlight > 0
                        ? ", which finishes the " + inFlight + " series in progress"
                        : ", closed")));
  }

  private void failed(Activation a, String why) {
    String running = slot.current() == null ? "no model" : slot.current().id();
    failure = "switch to " + a.bundleId() + " failed (" + why + "); still grading with " + running;
    LOG.severe("bundle switch: " + failure);
    try {
      index.bundleActivations().switchFailed(a.bundleId(), why, clock.millis());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "bundle switch: cannot audit the failure", e);
    }
  }

  @Override
  public void close() {
    thread.stop(this::wake);
  }
}
