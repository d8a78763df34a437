package io.cordwatch.app;

import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesGrader.DecodedInput;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.grade.SliceResult;
import io.cordwatch.grade.Verdict;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.EngineException;
import io.cordwatch.receive.Spool;
import io.cordwatch.store.BundleShadows.Choice;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.ShadowResults;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.web.ShadowModel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Shadow mode: a candidate bundle grades every series beside the active one, and what it finds is
 * stored apart ({@link ShadowResults}) and never published, alerted, shown as the verdict or
 * counted in the verdict metrics.
 *
 * <p>Two halves. A thread of its own takes up the latest shadow choice of the index the way {@link
 * ModelSwitcher} takes up activations: it loads the chosen version through the same {@link
 * ModelLoader} path as the active model (signature rules, operating point, canal boxes from the
 * file, the API and the bundle's own localizer, engine) but with publishing off, beside grading,
 * and installs it in a slot of its own; "off" empties the slot. The grading worker then calls
 * {@link #gradeAfter} once a real verdict is committed: the shadow model grades the same instances
 * (the decodes the worker already holds, else decoded again from the spool) on a lease of that
 * slot. It runs after the commit, so the real verdict, its outbox rows and its alerts are never
 * waited on; it costs the next queued series one more grading's worth of time.
 *
 * <p>Nothing here may fail the real job: every exception of a shadow grading or load is caught,
 * logged, counted ({@code cordwatch_shadow_failures_total}) and shown on the status surfaces.
 */
final class ShadowGrading implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ShadowGrading.class.getName());

  private final BundleLifecycle lifecycle;
  private final ModelLoader loader;
  private final Index index;
  private final Spool spool;
  private final Meters meters;
  private final Clock clock;
  private final ModelSlot slot = new ModelSlot();
  private final Object signal = new Object();
  private final WorkerThread thread = new WorkerThread("shadow-switch");
  private long seen;
  private volatile String chosen;
  private volatile String problem;

  ShadowGrading(
      BundleLifecycle lifecycle,
      ModelLoader loader,
      Index index,
      Spool spool,
      Meters meters,
      Clock clock) {
    this.lifecycle = lifecycle;
    this.loader = loader;
    this.index = index;
    this.spool = spool;
    this.meters = meters;
    this.clock = clock;
  }

  /** Loads the shadow chosen before this start, if any, and starts following the choices. */
  void start() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "shadow: cannot read the shadow choice; retrying", e);
    }
    thread.start(this::loop);
  }

  /** Look at the shadow choice now rather than at the next poll. */
  void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void loop() {
    while (!thread.stopping()) {
      synchronized (signal) {
        try {
          signal.wait(ModelSwitcher.POLL.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
      try {
        check();
      } catch (RuntimeException e) {
        if (thread.stopping()) {
          return;
        }
        LOG.log(Level.WARNING, "shadow: cannot read the shadow choice; retrying", e);
      }
    }
  }

  private void check() {
    Optional<Choice> latest = index.bundleShadows().latest();
    if (latest.isEmpty() || latest.get().seq() <= seen) {
      return;
    }
    Choice c = latest.get();
    seen = c.seq();
    if (c.bundleId() == null) {
      LoadedModel old = slot.install(null);
      // Only now: once the status says off, no later series is graded in shadow.
      chosen = null;
      problem = null;
      if (old != null) {
        LOG.info("shadow: off (by " + c.actor() + "); " + old.id() + " no longer grades in shadow");
      }
      return;
    }
    chosen = c.bundleId();
    LOG.info("shadow: loading " + c.bundleId() + " (by " + c.actor() + ")");
    LoadedModel next;
    try {
      Bundle b = lifecycle.load(c.bundleId());
      next = loader.openShadow(c.bundleId(), b);
    } catch (BundleException | EngineException | ModelLoader.LoadException e) {
      failedLoad(c.bundleId(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      failedLoad(c.bundleId(), e.toString());
      return;
    }
    if (thread.stopping()) {
      next.close();
      return;
    }
    slot.install(next);
    problem = null;
    LOG.info(
        "shadow: "
            + next.id()
            + " ("
            + next.bundle().signature().describe()
            + ") grades every series after its verdict; its findings are stored, never published");
  }

  private void failedLoad(String id, String why) {
    // Whatever was in shadow before stops: the choice is no longer it.
    slot.install(null);
    problem = "shadow bundle " + id + " not loaded (" + why + "); grading is not affected";
    meters.shadowFailed();
    LOG.severe("shadow: " + problem);
    try {
      index.bundleShadows().loadFailed(id, why, clock.millis());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "shadow: cannot audit the failure", e);
    }
  }

  /**
   * Grades the job's series with the shadow model, if one is loaded, and stores what it found.
   * Never throws.
   *
   * @param instances the instances the committed verdict was graded from
   * @param decoded their decodes in the same order, or null to decode them again
   * @param stopping tells a grading to stop between batches (shut-down)
   */
  void gradeAfter(
      JobRow job,
      List<InstanceRow> instances,
      List<DecodedInput> decoded,
      BooleanSupplier stopping) {
    ModelSlot.Lease lease = slot.acquire();
    if (lease == null) {
      return;
    }
    try (lease) {
      long started = System.nanoTime();
      List<DecodedInput> inputs = decoded;
      if (inputs == null) {
        List<SeriesGrader.Input> files = new ArrayList<>(instances.size());
        for (InstanceRow row : instances) {
          files.add(new SeriesGrader.Input(row.sopInstanceUid(), spool.resolve(row.path())));
        }
        inputs = SeriesGrader.decodeAll(files);
      }
      SeriesResult r =
          lease.model().grader().grade(job.studyUid(), job.seriesUid(), inputs, stopping);
      if (stopping.getAsBoolean()) {
        return;
      }
      Verdict v = r.verdict();
      index
          .shadowResults()
          .add(
              new ShadowResults.Row(
                  0,
                  job.studyUid(),
                  job.seriesUid(),
                  lease.model().id(),
                  lease.model().bundle() == null ? null : lease.model().bundle().manifestSha256(),
                  v.grade(),
                  v.group(),
                  v.indeterminateReason(),
                  VerdictJson.verdict(v),
                  slicesJson(r.slices()),
                  clock.millis()));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      meters.shadowGraded(took);
      LOG.info(
          "shadow: series "
              + Uids.tag(job.seriesUid())
              + " graded by "
              + lease.model().id()
              + ": "
              + (v.grade() == null ? "no grade" : "grade " + v.grade())
              + " ("
              + v.group()
              + ") in "
              + took.toMillis()
              + " ms (stored, not published)");
    } catch (java.util.concurrent.CancellationException e) {
      // Shut-down stopped it between batches: nothing to store, nothing failed.
      return;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      meters.shadowFailed();
      // The class only: a message may name a spool path, and the status page is open.
      problem =
          "last shadow grading failed ("
              + e.getClass().getSimpleName()
              + ", see the log); grading is not affected";
      LOG.log(
          Level.WARNING,
          "shadow: grading series " + Uids.tag(job.seriesUid()) + " failed; the verdict stands",
          e);
    }
  }

  private static String slicesJson(List<SliceResult> slices) {
    List<Map<String, Object>> out = new ArrayList<>(slices.size());
    for (SliceResult s : slices) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sop_instance_uid", s.sopInstanceUid());
      m.put("frame", s.frame());
      m.put("status", s.status());
      m.put("grade", s.grade());
      m.put("p_high", s.pHigh());
      m.put("high_call", s.highCall());
      m.put("uncertain", s.uncertain());
      out.add(m);
    }
    return VerdictJson.write(out);
  }

  /** The shadow as the status surfaces show it; null when shadow mode is off. */
  ShadowModel status() {
    String id = chosen;
    if (id == null) {
      return null;
    }
    LoadedModel m = slot.current();
    boolean loaded = m != null && id.equals(m.id());
    long series;
    try {
      series = index.shadowResults().seriesCount(id);
    } catch (RuntimeException e) {
      series = -1;
    }
    return new ShadowModel(
        id,
        loaded && m.identity() != null ? m.identity().name() : null,
        loaded && m.identity() != null ? m.identity().version() : null,
        loaded && m.bundle() != null && m.bundle().signature().trusted(),
        loaded,
        series,
        (long) meters.shadowFailures(),
        problem);
  }

  @Override
  public void close() {
    thread.stop(this::wake);
    slot.close();
  }
}
