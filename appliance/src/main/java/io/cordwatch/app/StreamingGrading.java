package io.cordwatch.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesGrader.DecodedInput;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.receive.ReceiveListener;
import io.cordwatch.receive.Spool;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.study.SeriesSelector;
import io.cordwatch.telemetry.Meters;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Grading as slices arrive, so that a series' verdict is ready when the series is complete rather
 * than a model run later.
 *
 * <p>The difficulty is the window: the preprocessing windows each slice by percentiles over every
 * pixel of the whole series (docs/model-bundle.md), so no slice's tensor is final before the last
 * instance is in, and a verdict computed on part of a series is not the verdict of the series.
 * Embedding with a provisional window and fixing it up later would change grades; so this class
 * never commits anything that differs from grading at completion. It does two things instead:
 *
 * <ol>
 *   <li><b>Decode ahead.</b> Each stored instance of a series that looks gradable (its own facts
 *       pass the series selection) is decoded on this class's thread as it arrives, and held as
 *       stored samples (two bytes a pixel). Decoding is the same function the grader calls on a
 *       file, and a held decode is used only for the very file the index names (row, path and
 *       sha256 equal), so it cannot change a result.
 *   <li><b>Speculate.</b> When the association that brought the series is released, or nothing new
 *       has arrived for half the stable window, the whole series as the index has it now (if the
 *       selection rules select it) is graded at once, with the held decodes, through {@link
 *       SeriesGrader#grade(String, String, List, java.util.function.BooleanSupplier)}. The result
 *       is kept in memory with the exact instance list it was computed from and the box version.
 *       When the tracker then declares the series complete and the worker claims its job, {@link
 *       #claim} hands the result over only if the instance list the job reads from the index is the
 *       same list and the boxes have not changed: the same inputs through the same code give the
 *       same verdict, so committing it is grading at completion, done early. Anything else discards
 *       it, and the job grades as before (with whatever decodes are still valid). A new instance of
 *       the series cancels a running speculation at its next batch.
 * </ol>
 *
 * <p>Nothing here is durable, on purpose. The job in the index stays the only record of work to do,
 * and the worker still commits verdict, slices and job state in one transaction; a crash, a
 * restart, a cap reached or an eviction just means the job grades from the files, as it always
 * could. Memory is bounded by {@code stream-memory}: when holding a series' next decode would pass
 * it, idle series are dropped first, and then the growing series itself stops being held (it falls
 * back to grading at completion).
 *
 * <p>One thread does the decoding and the speculation; the receiver's threads only enqueue. A
 * release goes to the front of the queue, and the speculation decodes whatever of the series is not
 * held yet on every core at once: on a loaded machine one thread decoding arrivals in turn falls
 * behind a fast sender, and a speculation queued behind those decodes started later than grading at
 * completion would. A worker that claims a series whose speculation is still running over the same
 * instances waits for it instead of grading the series a second time.
 */
final class StreamingGrading implements ReceiveListener, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(StreamingGrading.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A series nothing happened to for this long is forgotten (its job grades from the files). */
  static final Duration IDLE_EVICTION = Duration.ofMinutes(10);

  /** Series idle for less than this are never evicted to make room: they are still arriving. */
  static final Duration EVICTABLE_AFTER = Duration.ofSeconds(30);

  /** How often the thread looks for idle series when no event comes. */
  private static final long TICK_MS = 100;

  /** What became of streaming work, as counted in {@code cordwatch_grading_streaming_total}. */
  static final String COMMITTED = "committed";

  static final String DISCARDED = "discarded";
  static final String CANCELLED = "cancelled";
  static final String FAILED = "failed";
  static final String OVER_CAP = "over_cap";

  private final Index index;
  private final Spool spool;
  private final ModelSlot models;
  private final SeriesSelector selector;
  private final long capBytes;
  private final Duration idleSpeculation;
  private final Meters meters;
  private final Clock clock;

  /** Arrivals at the back, releases at the front: a released series is graded before decodes. */
  private final LinkedBlockingDeque<Event> queue = new LinkedBlockingDeque<>();

  private final Object lock = new Object();
  // Guarded by lock.
  private final Map<String, SeriesState> series = new HashMap<>();
  private long heldBytes;
  private final WorkerThread loopThread = new WorkerThread("grading-ahead");

  /**
   * @param capBytes the most decoded sample bytes held over all series
   * @param idleSpeculation speculate on a series when nothing arrived for this long although its
   *     association was not released (the appliance uses half of {@code series-stable}: long enough
   *     not to grade every pause of a slow sender, early enough to be done when the stable rule
   *     completes the series)
   */
  StreamingGrading(
      Index index,
      Spool spool,
      SeriesGrader grader,
      SeriesSelector selector,
      long capBytes,
      Duration idleSpeculation,
      Meters meters,
      Clock clock) {
    this(
        index,
        spool,
        new ModelSlot(LoadedModel.of(grader, null)),
        selector,
        capBytes,
        idleSpeculation,
        meters,
        clock);
  }

  /**
   * Streaming over whatever model {@code models} holds: a series is graded ahead on the model
   * current when it starts, and that result serves only a job holding the same model version.
   * Nothing is decoded ahead while there is no model.
   */
  StreamingGrading(
      Index index,
      Spool spool,
      ModelSlot models,
      SeriesSelector selector,
      long capBytes,
      Duration idleSpeculation,
      Meters meters,
      Clock clock) {
    this.index = index;
    this.spool = spool;
    this.models = models;
    this.selector = selector;
    this.capBytes = capBytes;
    this.idleSpeculation = idleSpeculation;
    this.meters = meters;
    this.clock = clock;
    meters.bindStreaming(this::heldBytes, this::readyResults);
  }

  private sealed interface Event permits Arrived, Released {}

  private record Arrived(InstanceFacts facts) implements Event {}

  private record Released(String seriesUid) implements Event {}

  /** The identity of one input: a held decode or a result is only reused for equal keys. */
  private record Key(long rowId, String sopInstanceUid, String path, String sha256) {
    static Key of(InstanceRow r) {
      return new Key(r.id(), r.sopInstanceUid(), r.path(), r.sha256());
    }
  }

  private record Held(Key key, DecodedInput decoded, long bytes) {}

  /** A speculative grading, running or done. Fields other than the finals are guarded by lock. */
  private static final class Speculation {
    final List<Key> inputs;
    final long boxesVersion;
    final long modelVersion;
    boolean done;
    SeriesResult result;
    Duration took;

    Speculation(List<Key> inputs, long boxesVersion, long modelVersion) {
      this.inputs = inputs;
      this.boxesVersion = boxesVersion;
      this.modelVersion = modelVersion;
    }
  }

  /** What is known about one series in flight. Guarded by lock. */
  private static final class SeriesState {
    final Map<String, Held> held = new HashMap<>();
    long bytes;
    boolean overCap;
    boolean overCapReported; // only touched by the thread
    long generation;
    long speculatedGeneration = -1;
    long lastArrivalMs;
    Speculation speculation;
  }

  /**
   * What the worker gets for a job.
   *
   * @param result the speculative result for exactly the job's instances, or null
   * @param took how long the speculative grading took (null without a result)
   * @param decoded per instance row of the job, in its order, a still valid decode or null
   */
  record Claim(SeriesResult result, Duration took, List<DecodedInput> decoded) {}

  /** Starts the thread. */
  synchronized void start() {
    loopThread.start(this::loop);
  }

  // ---- receiver side: enqueue only

  @Override
  public void instanceStored(InstanceFacts facts) {
    if (loopThread.stopping() || !models.loaded()) {
      return;
    }
    synchronized (lock) {
      SeriesState s = series.get(facts.seriesInstanceUid());
      if (s != null) {
        // A speculation over the series as it was is stale now; it stops at its next batch.
        s.generation++;
      }
    }
    queue.addLast(new Arrived(facts));
  }

  @Override
  public void associationEnded(Set<String> seriesUids, boolean released) {
    if (!released || loopThread.stopping() || !models.loaded()) {
      return;
    }
    for (String uid : seriesUids) {
      // Ahead of the arrivals still queued: speculate() decodes what is missing on every core,
      // rather than one file at a time behind them.
      queue.addFirst(new Released(uid));
    }
  }

  // ---- worker side

  /**
   * Hands over what was prepared for a series whose job the worker is about to grade, and forgets
   * the series. Waits while a speculation over exactly these instances is still running.
   *
   * @param rows the job's instances, as the worker read them from the index
   * @param modelVersion the version of the model the job grades with: a result graded ahead on
   *     another is not used
   */
  Claim claim(String seriesUid, List<InstanceRow> rows, long modelVersion) {
    List<Key> keys = rows.stream().map(Key::of).toList();
    List<DecodedInput> decoded = new ArrayList<>(rows.size());
    String discarded = null;
    synchronized (lock) {
      SeriesState s = series.get(seriesUid);
      if (s == null) {
        rows.forEach(r -> decoded.add(null));
        return new Claim(null, null, decoded);
      }
      while (!loopThread.stopping()
          && s.speculation != null
          && !s.speculation.done
          && s.speculation.inputs.equals(keys)) {
        try {
          lock.wait(TICK_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      forget(seriesUid, s);
      Speculation spec = s.speculation;
      if (spec != null && spec.done && spec.result != null) {
        if (spec.inputs.equals(keys)
            && spec.boxesVersion == index.boxesVersion()
            && spec.modelVersion == modelVersion) {
          // Counted as committed (or discarded) by the worker, once it knows which.
          return new Claim(spec.result, spec.took, null);
        }
        discarded =
            !spec.inputs.equals(keys)
                ? "graded " + spec.inputs.size() + " instances, the series has " + keys.size()
                : spec.modelVersion != modelVersion
                    ? "the model bundle was switched"
                    : "canal boxes changed";
      }
      for (Key k : keys) {
        Held h = s.held.get(k.sopInstanceUid());
        decoded.add(h != null && h.key().equals(k) ? h.decoded() : null);
      }
    }
    // Meters and logs outside the lock: a metrics scrape reads the gauges, which take it.
    if (discarded != null) {
      meters.streamingOutcome(DISCARDED);
      LOG.info(
          "series "
              + Uids.tag(seriesUid)
              + ": result graded ahead discarded ("
              + discarded
              + "); grading at completion");
    }
    return new Claim(null, null, decoded);
  }

  /** Decoded bytes held now. */
  long heldBytes() {
    synchronized (lock) {
      return heldBytes;
    }
  }

  /** Series graded ahead whose result waits for their job. */
  long readyResults() {
    synchronized (lock) {
      return series.values().stream()
          .filter(s -> s.speculation != null && s.speculation.result != null)
          .count();
    }
  }

  /** Whether a finished speculative result is waiting for the series (for tests and logs). */
  boolean hasResult(String seriesUid) {
    synchronized (lock) {
      SeriesState s = series.get(seriesUid);
      return s != null && s.speculation != null && s.speculation.result != null;
    }
  }

  // ---- the thread

  private void loop() {
    while (!loopThread.stopping()) {
      try {
        Event e = queue.pollFirst(TICK_MS, TimeUnit.MILLISECONDS);
        if (e instanceof Arrived a) {
          arrived(a.facts());
        } else if (e instanceof Released r) {
          speculate(r.seriesUid());
        }
        if (queue.isEmpty()) {
          tick();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | OutOfMemoryError e) {
        // Streaming is an optimisation: whatever goes wrong, the jobs grade from the files.
        LOG.log(Level.WARNING, "grading ahead: " + e + "; the affected series grade at completion");
      }
    }
  }

  private void arrived(InstanceFacts facts) {
    String uid = facts.seriesInstanceUid();
    if (!selector.decide(List.of(facts)).selected()) {
      return;
    }
    Optional<InstanceRow> row = index.findInstance(facts.sopInstanceUid());
    if (row.isEmpty() || !row.get().seriesUid().equals(uid)) {
      return;
    }
    SeriesState s;
    synchronized (lock) {
      s = series.computeIfAbsent(uid, u -> new SeriesState());
      s.lastArrivalMs = clock.millis();
      Held h = s.held.get(facts.sopInstanceUid());
      if (s.overCap || (h != null && h.key().equals(Key.of(row.get())))) {
        return;
      }
    }
    hold(uid, s, row.get(), decode(row.get()));
  }

  private DecodedInput decode(InstanceRow row) {
    return SeriesGrader.decode(
        new SeriesGrader.Input(row.sopInstanceUid(), spool.resolve(row.path())));
  }

  /** Holds a decode for a series, within the cap; false when the series went over it. */
  private boolean hold(String uid, SeriesState s, InstanceRow row, DecodedInput d) {
    if (holdLocked(uid, s, row, d)) {
      return true;
    }
    if (s.overCapReported) {
      return false;
    }
    s.overCapReported = true;
    meters.streamingOutcome(OVER_CAP);
    LOG.info(
        "series "
            + Uids.tag(uid)
            + ": decoded pixels of series in flight would pass stream-memory ("
            + capBytes
            + " bytes); this series is graded at completion");
    return false;
  }

  private boolean holdLocked(String uid, SeriesState s, InstanceRow row, DecodedInput d) {
    synchronized (lock) {
      if (series.get(uid) != s || s.overCap) {
        s.overCapReported = true; // claimed or dropped while decoding: nothing to report
        return false;
      }
      long bytes = d.bytes();
      Held before = s.held.put(row.sopInstanceUid(), new Held(Key.of(row), d, bytes));
      long delta = bytes - (before == null ? 0 : before.bytes());
      s.bytes += delta;
      heldBytes += delta;
      if (heldBytes > capBytes) {
        makeRoom(s);
      }
      if (heldBytes > capBytes) {
        heldBytes -= s.bytes;
        s.bytes = 0;
        s.held.clear();
        s.overCap = true;
        return false;
      }
      return true;
    }
  }

  /** Drops idle series (oldest first) until the held bytes fit; never {@code keep}. */
  private void makeRoom(SeriesState keep) {
    long evictableBefore = clock.millis() - EVICTABLE_AFTER.toMillis();
    List<Map.Entry<String, SeriesState>> idle =
        series.entrySet().stream()
            .filter(e -> e.getValue() != keep && e.getValue().bytes > 0)
            .filter(e -> e.getValue().lastArrivalMs < evictableBefore)
            .filter(e -> e.getValue().speculation == null || e.getValue().speculation.done)
            .sorted(Comparator.comparingLong(e -> e.getValue().lastArrivalMs))
            .toList();
    for (Map.Entry<String, SeriesState> e : idle) {
      if (heldBytes <= capBytes) {
        return;
      }
      forget(e.getKey(), e.getValue());
    }
  }

  private void forget(String uid, SeriesState s) {
    if (series.remove(uid) == s) {
      heldBytes -= s.bytes;
      s.bytes = 0;
    }
  }

  /** Speculates on series idle for a while; forgets series idle for a long time. */
  private void tick() {
    long now = clock.millis();
    List<String> due = new ArrayList<>();
    synchronized (lock) {
      for (var it = series.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        SeriesState s = e.getValue();
        if (now - s.lastArrivalMs >= IDLE_EVICTION.toMillis()) {
          heldBytes -= s.bytes;
          it.remove();
        } else if (!s.overCap
            && s.speculatedGeneration != s.generation
            && now - s.lastArrivalMs >= idleSpeculation.toMillis()) {
          due.add(e.getKey());
        }
      }
    }
    for (String uid : due) {
      if (loopThread.stopping() || !queue.isEmpty()) {
        return; // new arrivals first; they may make the speculation moot
      }
      speculate(uid);
    }
  }

  private void speculate(String uid) {
    if (!models.loaded()) {
      return; // nothing to grade with: do not decode a series that waits for a model
    }
    SeriesState s;
    long generation;
    synchronized (lock) {
      // A release may come before the thread got to the series' arrivals: start its state here.
      s = series.computeIfAbsent(uid, u -> new SeriesState());
      if (s.lastArrivalMs == 0) {
        s.lastArrivalMs = clock.millis();
      }
      if (s.overCap || s.speculatedGeneration == s.generation) {
        return;
      }
      generation = s.generation;
      s.speculatedGeneration = generation;
    }
    // Read after the state exists: an instance stored from now on moves its generation.
    List<InstanceRow> rows = index.instancesOfSeries(uid);
    if (rows.isEmpty() || !selector.decide(facts(rows)).selected()) {
      return;
    }
    long boxesVersion = index.boxesVersion();
    DecodedInput[] inputs = new DecodedInput[rows.size()];
    List<Integer> missing = new ArrayList<>();
    synchronized (lock) {
      for (int i = 0; i < rows.size(); i++) {
        Held h = s.held.get(rows.get(i).sopInstanceUid());
        if (h != null && h.key().equals(Key.of(rows.get(i)))) {
          inputs[i] = h.decoded();
        } else {
          missing.add(i);
        }
      }
    }
    LOG.fine(
        () ->
            "series "
                + Uids.tag(uid)
                + ": grading ahead, "
                + rows.size()
                + " instances, "
                + missing.size()
                + " not decoded yet");
    // Not decoded yet (still queued, or stored before this process started): all cores at once.
    List<DecodedInput> fresh =
        SeriesGrader.decodeAll(
            missing.stream()
                .map(
                    i ->
                        new SeriesGrader.Input(
                            rows.get(i).sopInstanceUid(), spool.resolve(rows.get(i).path())))
                .toList());
    for (int k = 0; k < missing.size(); k++) {
      int i = missing.get(k);
      if (!hold(uid, s, rows.get(i), fresh.get(k))) {
        return;
      }
      inputs[i] = fresh.get(k);
    }
    ModelSlot.Lease lease = models.acquire();
    if (lease == null) {
      return;
    }
    try (lease) {
      speculate(uid, s, generation, rows, inputs, boxesVersion, lease);
    }
  }

  private void speculate(
      String uid,
      SeriesState s,
      long generation,
      List<InstanceRow> rows,
      DecodedInput[] inputs,
      long boxesVersion,
      ModelSlot.Lease lease) {
    Speculation spec =
        new Speculation(rows.stream().map(Key::of).toList(), boxesVersion, lease.version());
    synchronized (lock) {
      if (series.get(uid) != s || s.generation != generation) {
        return;
      }
      s.speculation = spec;
    }
    long t0 = System.nanoTime();
    String outcome = null;
    try {
      SeriesResult result =
          lease
              .model()
              .grader()
              .grade(
                  rows.getFirst().studyUid(),
                  uid,
                  List.of(inputs),
                  () ->
                      loopThread.stopping()
                          || stale(s, generation)
                          || index.boxesVersion() != boxesVersion
                          || models.version() != lease.version());
      synchronized (lock) {
        spec.result = result;
        spec.took = Duration.ofNanos(System.nanoTime() - t0);
      }
      LOG.fine(
          () ->
              "series "
                  + Uids.tag(uid)
                  + ": graded ahead of completion in "
                  + spec.took.toMillis()
                  + " ms");
    } catch (CancellationException e) {
      outcome = CANCELLED;
    } catch (RuntimeException e) {
      outcome = FAILED;
      LOG.info(
          "series "
              + Uids.tag(uid)
              + ": speculative grading failed ("
              + e.getMessage()
              + "); the job grades at completion");
    } finally {
      synchronized (lock) {
        spec.done = true;
        if (spec.result == null && s.speculation == spec) {
          s.speculation = null;
        }
        lock.notifyAll();
      }
    }
    if (outcome != null) {
      meters.streamingOutcome(outcome);
    }
  }

  private boolean stale(SeriesState s, long generation) {
    synchronized (lock) {
      return s.generation != generation;
    }
  }

  private static List<InstanceFacts> facts(List<InstanceRow> rows) {
    List<InstanceFacts> out = new ArrayList<>(rows.size());
    for (InstanceRow r : rows) {
      try {
        out.add(JSON.readValue(r.factsJson(), InstanceFacts.class));
      } catch (IOException e) {
        // The tracker skips such a row too, so the decision is the same.
      }
    }
    return out;
  }

  @Override
  public void close() {
    // The running speculation sees the flag at its next batch.
    loopThread.stop(
        () -> {
          synchronized (lock) {
            lock.notifyAll();
          }
        });
    synchronized (lock) {
      series.clear();
      heldBytes = 0;
    }
  }
}
