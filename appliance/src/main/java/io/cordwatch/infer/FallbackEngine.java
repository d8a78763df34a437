package io.cordwatch.infer;

import java.nio.FloatBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine the appliance grades with: the GPU engine while it works, the CPU engine when it does
 * not, and back to the GPU when it recovers.
 *
 * <p>Three modes. {@link Mode#GPU}: batches run on the GPU engine. {@link Mode#CPU}: the GPU engine
 * never started (no GPU, or its libraries did not load); batches run on the CPU for good, and the
 * reason is kept. {@link Mode#DEGRADED}: the GPU engine failed on a batch at run time; that batch
 * and the ones after it run on the CPU engine, which was opened at start so the switch costs
 * nothing, and the appliance says "degraded" on every status surface until the GPU is back.
 *
 * <p>Why the failing batch is redone on the CPU rather than failing the job: a GPU fault is the
 * appliance's problem, not the study's, and the CPU engine runs the same ONNX graph, so the
 * radiologist gets a result now instead of after the job's retries. Why the GPU engine is closed on
 * a fault rather than retried in place: after a CUDA error the context may be unusable (CUDA calls
 * them sticky), so only a fresh engine is trusted. The fresh engine is opened by {@code reopen} on
 * the grading thread at the first batch after the retry time; that loads the cached serialized
 * engine, so it takes seconds, not a rebuild. Retries back off exponentially ({@link Retry}), and
 * the count resets after a batch succeeds on the GPU.
 *
 * <p>A {@link EngineException.Code#BAD_INPUT} from the GPU engine is the caller's mistake and is
 * rethrown: the CPU engine would refuse the same buffer.
 *
 * <p><b>Fused series.</b> When the GPU engine can grade a whole series in one pass ({@link
 * SeriesEngine}, the fused kernel pipeline), {@link #gradeSeries} hands the series to it while the
 * mode is GPU. A fault there is handled like a batch's: the GPU engine is closed, the mode becomes
 * DEGRADED, and the answer is empty, so the grader redoes the whole series the per-batch way, which
 * now runs on the CPU engine. In CPU and DEGRADED modes the answer is always empty: the CPU path is
 * Java's preprocessing and head around the CPU engine, exactly as without a GPU.
 *
 * <p>Thread-safe: {@link #embed} and {@link #close} are synchronised (one batch at a time, as the
 * grading worker runs them), and {@link #state} reads an immutable snapshot.
 */
public final class FallbackEngine implements BackboneEngine, SeriesEngine {
  private static final Logger LOG = Logger.getLogger(FallbackEngine.class.getName());

  /** Which engine runs the batches, and why. */
  public enum Mode {
    /** The GPU engine runs every batch. */
    GPU,
    /** No GPU engine was started; the CPU engine runs every batch. */
    CPU,
    /** The GPU engine failed at run time; the CPU engine runs batches until a retry succeeds. */
    DEGRADED
  }

  /** What the status surfaces and the listener are told. */
  public interface Listener {
    /** The GPU engine failed and grading moved to the CPU. */
    void gpuFault(String reason);

    /** A batch ran on the CPU because the GPU engine had failed. */
    void fallbackBatch();

    /** A retry opened a GPU engine again. */
    void gpuRestored();

    /** A listener that records nothing. */
    static Listener none() {
      return new Listener() {
        @Override
        public void gpuFault(String reason) {}

        @Override
        public void fallbackBatch() {}

        @Override
        public void gpuRestored() {}
      };
    }
  }

  /**
   * How a failed GPU engine is tried again: a fresh one from {@code reopen}, first {@code after}
   * the fault, then after twice as long for every consecutive failure, never more than {@code max}
   * apart.
   *
   * @param reopen opens a fresh GPU engine; may throw
   * @param after the first retry's delay after a fault (positive)
   * @param max the longest delay between retries (at least {@code after})
   */
  public record Retry(Supplier<? extends BackboneEngine> reopen, Duration after, Duration max) {
    public Retry {
      Objects.requireNonNull(reopen, "reopen");
      if (after.isNegative() || after.isZero() || max.compareTo(after) < 0) {
        throw new IllegalArgumentException(
            "retry delays must be positive with max >= after: " + after + ", " + max);
      }
    }

    /** The delay after the {@code consecutive}-th failure in a row (1 for the first). */
    Duration delay(int consecutive) {
      Duration d = after;
      for (int i = 1; i < consecutive && d.compareTo(max) < 0; i++) {
        d = d.multipliedBy(2);
      }
      return d.compareTo(max) > 0 ? max : d;
    }
  }

  /**
   * A snapshot for the status surfaces.
   *
   * @param mode which engine runs batches
   * @param activeEngine the name of that engine
   * @param gpuExpected whether the device profile asked for the GPU
   * @param reason why the mode is what it is (the start-up reason, or the last fault)
   * @param gpuFaults GPU faults since start
   * @param lastFaultAt when the last fault happened, or null
   * @param nextRetryAt when the GPU will be tried again (DEGRADED only), or null
   */
  public record State(
      Mode mode,
      String activeEngine,
      boolean gpuExpected,
      String reason,
      int gpuFaults,
      Instant lastFaultAt,
      Instant nextRetryAt) {

    /**
     * Degraded: a run-time GPU fault moved grading to the CPU, or the device profile asked for a
     * GPU that did not start. Grading goes on either way, slower.
     */
    public boolean degraded() {
      return mode == Mode.DEGRADED || (mode == Mode.CPU && gpuExpected);
    }
  }

  private final BackboneEngine cpu;
  private final Retry retry;
  private final Clock clock;
  private final Listener listener;
  private final boolean gpuExpected;
  private BackboneEngine gpu;
  private Mode mode;
  private String reason;
  private int faults;
  private int consecutive;
  private Instant lastFaultAt;
  private Instant nextRetryAt;
  private volatile State state;
  private boolean closed;

  /** With {@code gpu} null (CPU only), {@code retry} is null too. */
  private FallbackEngine(
      BackboneEngine gpu,
      BackboneEngine cpu,
      Retry retry,
      Clock clock,
      Listener listener,
      boolean gpuExpected,
      String reason) {
    this.gpu = gpu;
    this.cpu = Objects.requireNonNull(cpu, "cpu");
    this.retry = retry;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.gpuExpected = gpuExpected;
    this.mode = gpu == null ? Mode.CPU : Mode.GPU;
    this.reason = reason;
    if (gpu != null) {
      checkCompatible(gpu, cpu);
    }
    publish();
  }

  /**
   * GPU first, CPU on failure.
   *
   * @param gpu the GPU engine, already open
   * @param cpu the CPU engine, already open (the fallback must not itself need starting)
   * @param retry how the GPU engine is tried again after a fault
   * @param reason why the GPU was chosen, for the status surfaces
   */
  public static FallbackEngine gpuFirst(
      BackboneEngine gpu,
      BackboneEngine cpu,
      Retry retry,
      Clock clock,
      Listener listener,
      String reason) {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(retry, "retry");
    return new FallbackEngine(gpu, cpu, retry, clock, listener, true, reason);
  }

  /**
   * The CPU engine only.
   *
   * @param gpuExpected whether the device profile asked for a GPU (then this is degraded)
   * @param reason why there is no GPU engine, in words
   */
  public static FallbackEngine cpuOnly(
      BackboneEngine cpu, Clock clock, boolean gpuExpected, String reason) {
    return new FallbackEngine(null, cpu, null, clock, Listener.none(), gpuExpected, reason);
  }

  private static void checkCompatible(BackboneEngine gpu, BackboneEngine cpu) {
    if (!gpu.inputShape().equals(cpu.inputShape())
        || gpu.embeddingWidth() != cpu.embeddingWidth()) {
      throw new IllegalArgumentException(
          gpu.name()
              + " takes "
              + gpu.inputShape()
              + " and gives D = "
              + gpu.embeddingWidth()
              + ", but "
              + cpu.name()
              + " takes "
              + cpu.inputShape()
              + " and gives D = "
              + cpu.embeddingWidth()
              + "; the fallback must run the same graph");
    }
  }

  /** The current state; cheap, lock-free. */
  public State state() {
    return state;
  }

  @Override
  public String name() {
    return state.activeEngine();
  }

  @Override
  public InputShape inputShape() {
    return cpu.inputShape();
  }

  @Override
  public int embeddingWidth() {
    return cpu.embeddingWidth();
  }

  @Override
  public synchronized float[][] embed(FloatBuffer nchw, int batch) {
    openAndRetried();
    if (mode == Mode.GPU) {
      int position = nchw.position();
      float[][] out = onGpu(() -> gpu.embed(nchw, batch));
      if (out != null) {
        consecutive = 0;
        return out;
      }
      nchw.position(position);
    }
    if (mode == Mode.DEGRADED) {
      listener.fallbackBatch();
    }
    return cpu.embed(nchw, batch);
  }

  @Override
  public synchronized Optional<Grades> gradeSeries(Series series) {
    openAndRetried();
    if (mode != Mode.GPU || !(gpu instanceof SeriesEngine fused)) {
      return Optional.empty();
    }
    Optional<Grades> out = onGpu(() -> fused.gradeSeries(series));
    if (out == null) {
      return Optional.empty();
    }
    if (out.isPresent()) {
      consecutive = 0;
    }
    return out;
  }

  /** Refuses a closed engine; a degraded one whose retry time has come tries the GPU again. */
  private void openAndRetried() {
    if (closed) {
      throw new EngineException(EngineException.Code.CLOSED, "engine is closed");
    }
    if (mode == Mode.DEGRADED && !clock.instant().isBefore(nextRetryAt)) {
      retry();
    }
  }

  /**
   * Runs {@code call} on the GPU engine. A fault is counted (and may degrade the engine) and
   * answers null, so the caller falls back; bad input is the caller's error and is thrown as is.
   */
  private <T> T onGpu(Supplier<T> call) {
    try {
      return call.get();
    } catch (EngineException e) {
      if (e.code() == EngineException.Code.BAD_INPUT) {
        throw e;
      }
      fault(e);
    } catch (RuntimeException | LinkageError e) {
      fault(e);
    }
    return null;
  }

  private void fault(Throwable e) {
    faults++;
    consecutive++;
    lastFaultAt = clock.instant();
    String why = describe(e);
    BackboneEngine failed = gpu;
    gpu = null;
    closeQuietly(failed);
    mode = Mode.DEGRADED;
    nextRetryAt = lastFaultAt.plus(retry.delay(consecutive));
    reason = "GPU engine failed (" + why + "); grading on " + cpu.name() + " until a retry works";
    publish();
    LOG.log(
        Level.WARNING,
        "engine: GPU fault "
            + faults
            + ", grading moved to "
            + cpu.name()
            + " (degraded), GPU retry at "
            + nextRetryAt
            + ": "
            + why,
        e instanceof EngineException ? null : e);
    listener.gpuFault(why);
  }

  private void retry() {
    BackboneEngine fresh;
    try {
      fresh = retry.reopen().get();
      checkCompatible(fresh, cpu);
    } catch (RuntimeException | LinkageError e) {
      consecutive++;
      nextRetryAt = clock.instant().plus(retry.delay(consecutive));
      reason =
          "GPU engine failed; the retry failed too ("
              + describe(e)
              + "); grading on "
              + cpu.name()
              + ", next retry at "
              + nextRetryAt;
      publish();
      LOG.warning("engine: GPU retry failed, next at " + nextRetryAt + ": " + describe(e));
      return;
    }
    gpu = fresh;
    mode = Mode.GPU;
    nextRetryAt = null;
    reason = "GPU engine restored after " + faults + " fault(s)";
    publish();
    LOG.info("engine: " + fresh.name() + " restored; grading on the GPU again");
    listener.gpuRestored();
  }

  private void publish() {
    state =
        new State(
            mode,
            mode == Mode.GPU ? gpu.name() : cpu.name(),
            gpuExpected,
            reason,
            faults,
            lastFaultAt,
            nextRetryAt);
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName()
        + (m == null ? "" : ": " + m.lines().findFirst().orElse("").strip());
  }

  private static void closeQuietly(BackboneEngine engine) {
    if (engine == null) {
      return;
    }
    try {
      engine.close();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "closing the failed GPU engine failed too", e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(gpu);
    gpu = null;
    cpu.close();
  }
}
