package io.cordwatch.app;

import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesGrader.DecodedInput;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.grade.SliceResult;
import io.cordwatch.grade.Verdict;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.receive.Spool;
import io.cordwatch.store.Index;
import io.cordwatch.store.OutboxRecords;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.store.StoreException;
import io.cordwatch.telemetry.Meters;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Grades queued series, one at a time, on one thread.
 *
 * <p>The queue is the {@code jobs} table, not memory: a job is claimed (queued to running, one more
 * attempt) in a transaction, graded from the spooled files, and finished (verdict and slice rows
 * written, job done) in another, so a kill -9 at any point leaves either a queued job or a finished
 * one; jobs found running at start-up are put back in the queue. One thread because the engine
 * already uses every core for one batch; a second would only make both slower.
 *
 * <p>Failures are sorted by whose they are. A slice that cannot be read is the study's problem and
 * is reported in the verdict (the grader does that). Anything the grader throws (engine errors,
 * non-finite embeddings, a file vanishing mid-read) is the appliance's problem: the job goes back
 * to the queue with its reason and a time before which it is not tried again ({@link Retry}: 1 s,
 * then 4 s, 16 s, ... up to a cap), so an engine that fails for a while (a GPU reset, memory
 * pressure) is not hammered and other series get their turn; after the last attempt the job is
 * marked failed. Nothing thrown here leaves the loop, so one study can never stop the worker or the
 * server.
 *
 * <p>With {@link StreamingGrading}, the worker first asks it for a result computed while the series
 * arrived; that result is used only when it was computed from exactly the instances the job reads
 * from the index, so the commit is the same verdict grading now would give. Otherwise it grades as
 * before, reusing decodes that are still valid.
 *
 * <p>With {@link ShadowGrading}, a committed verdict is followed by the shadow bundle's grading of
 * the same series (the same decodes where the worker holds them); it never fails or retries the
 * job, and the next series waits for it.
 */
public final class GradingWorker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GradingWorker.class.getName());

  /** Attempts per job before it is marked failed, by default. */
  public static final int MAX_ATTEMPTS = 3;

  /**
   * When a failed job is tried again: after attempt n failed, not before {@code first * 4^(n - 1)},
   * at most {@code max}; after {@code attempts} attempts it has failed for good.
   */
  public record Retry(int attempts, Duration first, Duration max) {
    public Retry {
      if (attempts < 1 || first.isNegative() || max.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "retry needs attempts >= 1 and 0 <= first <= max, got "
                + attempts
                + ", "
                + first
                + ", "
                + max);
      }
    }

    /** 3 attempts, waiting 1 s then 4 s, at most a minute. */
    public static Retry defaults() {
      return new Retry(MAX_ATTEMPTS, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    /** The wait after attempt {@code attempt} (1-based) failed. */
    public Duration delayAfter(int attempt) {
      Duration d = first;
      for (int i = 1; i < attempt && d.compareTo(max) < 0; i++) {
        d = d.multipliedBy(4);
      }
      return d.compareTo(max) > 0 ? max : d;
    }
  }

  private final Index index;
  private final Spool spool;
  private final ModelSlot models;
  private final Meters meters;
  private final Clock clock;
  private final Duration idlePoll;
  private final Retry retry;
  private final StreamingGrading streaming;
  private final Runnable onCommitted;
  private final ShadowGrading shadow;
  private final Object signal = new Object();
  private final WorkerThread loopThread = new WorkerThread("grading");

  /**
   * @param idlePoll how long to wait for new work when the queue is empty (the tracker queues jobs
   *     in the database; polling it is a single indexed query)
   */
  public GradingWorker(
      Index index,
      Spool spool,
      SeriesGrader grader,
      Meters meters,
      Clock clock,
      Duration idlePoll) {
    this(index, spool, grader, meters, clock, idlePoll, Retry.defaults(), null, null, () -> {});
  }

  /**
   * @param retry when failed jobs are tried again
   * @param streaming results and decodes prepared while series arrived; null: none
   * @param publishing builds each verdict's results documents for the outbox; null: none
   * @param committed told after each verdict is committed (wakes the outbox sender)
   */
  GradingWorker(
      Index index,
      Spool spool,
      SeriesGrader grader,
      Meters meters,
      Clock clock,
      Duration idlePoll,
      Retry retry,
      StreamingGrading streaming,
      ResultPublishing publishing,
      Runnable committed) {
    this(
        index,
        spool,
        new ModelSlot(LoadedModel.of(grader, publishing)),
        meters,
        clock,
        idlePoll,
        retry,
        streaming,
        committed,
        null);
  }

  /**
   * A worker grading with whatever model {@code models} holds when each job starts; while it holds
   * none, jobs stay queued. A shadow bundle, when given, grades each series after its verdict is
   * committed.
   *
   * @param models the model of each job (a bundle switch takes effect at the next job)
   * @param shadow grades committed series in shadow (never published); null: no shadow mode
   */
  GradingWorker(
      Index index,
      Spool spool,
      ModelSlot models,
      Meters meters,
      Clock clock,
      Duration idlePoll,
      Retry retry,
      StreamingGrading streaming,
      Runnable committed,
      ShadowGrading shadow) {
    this.shadow = shadow;
    this.onCommitted = committed;
    this.index = index;
    this.spool = spool;
    this.models = models;
    this.meters = meters;
    this.clock = clock;
    this.idlePoll = idlePoll;
    this.retry = retry;
    this.streaming = streaming;
  }

  /** Requeues jobs a previous process left running and starts the thread. */
  public synchronized void start() {
    int requeued = index.requeueRunningJobs(clock.millis());
    if (requeued > 0) {
      LOG.info(requeued + " grading job(s) left running by the last run queued again");
    }
    loopThread.start(this::loop);
  }

  /** Tells the worker a job may be waiting, so it need not wait for its next poll. */
  public void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void loop() {
    while (!loopThread.stopping()) {
      Optional<JobRow> job;
      try {
        // Without a model, jobs wait in the queue (a bundle refused, or none activated yet).
        job = models.loaded() ? index.claimJob(clock.millis()) : Optional.empty();
      } catch (StoreException | IllegalStateException e) {
        if (loopThread.stopping()) {
          return;
        }
        LOG.log(Level.WARNING, "grading: cannot read the job queue; retrying", e);
        job = Optional.empty();
      }
      if (job.isPresent()) {
        runQuietly(job.get());
        continue;
      }
      synchronized (signal) {
        try {
          signal.wait(idlePoll.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void runQuietly(JobRow job) {
    try {
      run(job);
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      String reason = describe(e);
      boolean again = job.attempts() < retry.attempts();
      meters.gradingAttemptFailed(!again);
      long now = clock.millis();
      Duration wait = retry.delayAfter(job.attempts());
      LOG.log(
          Level.WARNING,
          "grading series "
              + Uids.tag(job.seriesUid())
              + " failed (attempt "
              + job.attempts()
              + " of "
              + retry.attempts()
              + "): "
              + reason
              + (again ? "; will retry in " + wait.toMillis() + " ms" : "; job marked failed"),
          e instanceof RuntimeException ? null : e);
      try {
        index.failJob(job, reason, again, now + wait.toMillis(), now);
      } catch (RuntimeException recording) {
        LOG.log(Level.WARNING, "could not record the failure of a grading job", recording);
      }
    }
  }

  private void run(JobRow job) {
    ModelSlot.Lease lease = models.acquire();
    if (lease == null) {
      throw new IllegalStateException("no model loaded");
    }
    try (lease) {
      run(job, lease);
    }
  }

  /** Grades a job wholly on the leased model: a switch meanwhile applies from the next job. */
  private void run(JobRow job, ModelSlot.Lease lease) {
    SeriesGrader grader = lease.model().grader();
    ResultPublishing publishing = lease.model().publishing();
    List<InstanceRow> instances = index.instancesOfSeries(job.seriesUid());
    StreamingGrading.Claim claim =
        streaming == null ? null : streaming.claim(job.seriesUid(), instances, lease.version());
    SeriesResult result;
    Duration grading;
    List<DecodedInput> decoded = null;
    boolean ahead = claim != null && claim.result() != null;
    if (ahead) {
      result = claim.result();
      grading = claim.took();
    } else {
      long started = System.nanoTime();
      List<SeriesGrader.Input> missing = new ArrayList<>();
      for (int i = 0; i < instances.size(); i++) {
        if (claim == null || claim.decoded().get(i) == null) {
          InstanceRow row = instances.get(i);
          missing.add(new SeriesGrader.Input(row.sopInstanceUid(), spool.resolve(row.path())));
        }
      }
      Iterator<DecodedInput> fresh = SeriesGrader.decodeAll(missing).iterator();
      decoded = new ArrayList<>(instances.size());
      for (int i = 0; i < instances.size(); i++) {
        DecodedInput held = claim == null ? null : claim.decoded().get(i);
        decoded.add(held != null ? held : fresh.next());
      }
      result = grader.grade(job.studyUid(), job.seriesUid(), decoded, () -> false);
      grading = Duration.ofNanos(System.nanoTime() - started);
    }
    if (loopThread.stopping()) {
      // Shutting down: the job stays running and is queued again at the next start.
      return;
    }
    List<SliceRow> rows = new ArrayList<>(result.slices().size());
    String verdictJson = VerdictJson.verdict(result.verdict());
    for (int i = 0; i < result.slices().size(); i++) {
      SliceResult s = result.slices().get(i);
      rows.add(
          new SliceRow(
              i,
              s.sopInstanceUid(),
              s.frame(),
              s.status(),
              s.grade(),
              s.probabilities() == null ? null : VerdictJson.probabilities(s.probabilities()),
              s.box() == null
                  ? null
                  : new int[] {s.box().x0(), s.box().y0(), s.box().x1(), s.box().y1()},
              s.ood(),
              s.uncertain(),
              s.reason(),
              s.boxSource(),
              s.pHigh(),
              s.highCall(),
              s.tumourInBoxMm2(),
              s.callWithdrawn()));
    }
    long committed = clock.millis();
    List<OutboxRecords.Item> outbox =
        publishing == null ? List.of() : publishing.prepare(result, instances, committed);
    boolean finished = index.finishJob(job, verdictJson, rows, committed, outbox);
    if (ahead) {
      meters.streamingOutcome(finished ? StreamingGrading.COMMITTED : StreamingGrading.DISCARDED);
    }
    if (!finished) {
      LOG.info(
          "series "
              + Uids.tag(job.seriesUid())
              + " changed while it was graded; its new job grades it again");
      return;
    }
    if (!outbox.isEmpty()) {
      onCommitted.run();
    }
    record(result, grading, committed, instances);
    logGraded(job, result, ahead, lease);
    if (shadow != null) {
      // After the commit: the verdict, its documents and alerts are already on their way.
      shadow.gradeAfter(job, instances, decoded, loopThread::stopping);
    }
  }

  private static void logGraded(
      JobRow job, SeriesResult result, boolean ahead, ModelSlot.Lease lease) {
    Verdict v = result.verdict();
    LOG.info(
        "series "
            + Uids.tag(job.seriesUid())
            + " of study "
            + Uids.tag(job.studyUid())
            + " graded: "
            + (v.grade() == null ? "no grade" : "grade " + v.grade())
            + " ("
            + v.group()
            + (v.indeterminate() ? ": " + v.indeterminateReason() : "")
            + ")"
            + ", "
            + v.counts().graded()
            + " of "
            + v.counts().slices()
            + " slices graded, "
            + v.counts().noRoi()
            + " no ROI, "
            + v.counts().unreadable()
            + " unreadable, in "
            + v.timings().totalMs()
            + " ms"
            + (ahead ? " (graded as it arrived)" : "")
            + (lease.model().bundle() == null ? "" : " with bundle " + lease.model().id()));
  }

  private void record(
      SeriesResult result, Duration grading, long committedMs, List<InstanceRow> instances) {
    Map<String, Integer> byGrade = new TreeMap<>();
    Map<String, Integer> ungraded = new TreeMap<>();
    for (SliceResult s : result.slices()) {
      if (s.grade() != null) {
        byGrade.merge(s.grade(), 1, Integer::sum);
      } else {
        ungraded.merge(s.status(), 1, Integer::sum);
      }
    }
    long lastStored =
        instances.stream().mapToLong(InstanceRow::receivedMs).max().orElse(committedMs);
    meters.seriesGraded(
        grading,
        Duration.ofMillis(Math.max(0, committedMs - lastStored)),
        byGrade,
        ungraded,
        result.verdict().counts().uncertain());
    meters.verdict(result.verdict().group(), result.verdict().indeterminateReason());
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName()
        + (m == null ? "" : ": " + m.lines().findFirst().orElse("").strip());
  }

  @Override
  public void close() {
    // A job takes about a second; the thread sees the flag after it.
    loopThread.stop(this::wake);
  }
}
