package io.cordwatch.app;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The model grading uses now, replaceable while the appliance runs (a bundle switch or rollback)
 * without losing or mixing a job.
 *
 * <p>A job takes a {@link Lease} on the current model when it starts and grades wholly on it;
 * {@link #install} makes another model current for every lease taken afterwards, and the model it
 * replaced is closed (its engine and localizer released) when its last lease is given back, never
 * before. So a series being graded during a switch finishes on the bundle it started with, the next
 * series is graded with the new one, and no verdict is made of both. {@link #version()} counts
 * installs: work prepared ahead on one model (streaming) is only used by a job holding a lease of
 * the same version.
 */
final class ModelSlot implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ModelSlot.class.getName());

  private final Object lock = new Object();
  // Guarded by lock.
  private LoadedModel current;
  private long version;
  private final Map<LoadedModel, Integer> leases = new IdentityHashMap<>();
  private boolean closed;

  /** An empty slot: no model until {@link #install}. */
  ModelSlot() {}

  /** A slot holding {@code model} from the start. */
  ModelSlot(LoadedModel model) {
    install(model);
  }

  /** A model held for one unit of work; give it back with {@link #close}. */
  final class Lease implements AutoCloseable {
    private final LoadedModel model;
    private final long version;
    private boolean returned;

    private Lease(LoadedModel model, long version) {
      this.model = model;
      this.version = version;
    }

    LoadedModel model() {
      return model;
    }

    /** The slot's version when the lease was taken. */
    long version() {
      return version;
    }

    @Override
    public void close() {
      LoadedModel unused;
      synchronized (lock) {
        if (returned) {
          return;
        }
        returned = true;
        int left = leases.merge(model, -1, Integer::sum);
        if (left > 0) {
          return;
        }
        leases.remove(model);
        unused = model == current ? null : model;
      }
      closeQuietly(unused);
    }
  }

  /** A lease on the current model, or null when there is none. */
  Lease acquire() {
    synchronized (lock) {
      if (current == null) {
        return null;
      }
      leases.merge(current, 1, Integer::sum);
      return new Lease(current, version);
    }
  }

  /** Whether a model is loaded. */
  boolean loaded() {
    synchronized (lock) {
      return current != null;
    }
  }

  /** The current model, or null; for reading its facts, not for grading (take a lease). */
  LoadedModel current() {
    synchronized (lock) {
      return current;
    }
  }

  /** How many models were installed so far. */
  long version() {
    synchronized (lock) {
      return version;
    }
  }

  /** Jobs holding the current model now. */
  int leasesOnCurrent() {
    synchronized (lock) {
      return current == null ? 0 : leases.getOrDefault(current, 0);
    }
  }

  /**
   * Makes {@code next} the current model. The one it replaces is closed now if no job holds it,
   * else by the last job's lease.
   *
   * @return the model replaced, or null
   * @throws IllegalStateException after {@link #close}
   */
  LoadedModel install(LoadedModel next) {
    LoadedModel old;
    boolean closeOld;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the model slot is closed");
      }
      old = current;
      current = next;
      version++;
      closeOld = old != null && !leases.containsKey(old);
    }
    if (closeOld) {
      closeQuietly(old);
    }
    return old;
  }

  /** Closes the current model (now, or when its last lease is given back); no more installs. */
  @Override
  public void close() {
    LoadedModel old;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      old = current;
      current = null;
      if (old != null && leases.containsKey(old)) {
        return;
      }
    }
    closeQuietly(old);
  }

  private static void closeQuietly(LoadedModel m) {
    if (m == null) {
      return;
    }
    try {
      m.close();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing the model " + m.id() + " failed", e);
    }
  }
}
