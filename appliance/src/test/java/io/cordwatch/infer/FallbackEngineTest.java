package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fallback state machine, run for real: both engines are ONNX Runtime sessions of the same
 * torch-exported graph, and the "GPU" one fails on demand, which is what a GPU fault looks like
 * from the grading side (an {@link EngineException} out of {@code embed}). No GPU runs here.
 */
class FallbackEngineTest {
  private final FakeClock clock = new FakeClock();
  private final List<String> events = new ArrayList<>();
  private final List<FailOnDemand> opened = new ArrayList<>();
  private OnnxRuntimeEngine cpu;
  private FallbackEngine engine;
  private boolean reopenFails;

  private final FallbackEngine.Listener listener =
      new FallbackEngine.Listener() {
        @Override
        public void gpuFault(String reason) {
          events.add("fault");
        }

        @Override
        public void fallbackBatch() {
          events.add("cpu-batch");
        }

        @Override
        public void gpuRestored() {
          events.add("restored");
        }
      };

  @BeforeEach
  void open() {
    cpu = OnnxRuntimeEngine.open(TorchFixture.backbone(), TorchFixture.SIZE);
    engine =
        FallbackEngine.gpuFirst(
            gpu(),
            cpu,
            new FallbackEngine.Retry(
                () -> {
                  if (reopenFails) {
                    throw new EngineException(
                        EngineException.Code.NATIVE_LIBRARY, "cudaErrorDevicesUnavailable");
                  }
                  return gpu();
                },
                Duration.ofSeconds(30),
                Duration.ofMinutes(5)),
            clock,
            listener,
            "profile x86-ada");
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private FailOnDemand gpu() {
    FailOnDemand g =
        new FailOnDemand(OnnxRuntimeEngine.open(TorchFixture.backbone(), TorchFixture.SIZE));
    opened.add(g);
    return g;
  }

  private FailOnDemand current() {
    return opened.getLast();
  }

  private static FloatBuffer input() throws IOException {
    float[] v = TorchFixture.input();
    FloatBuffer b =
        ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(v).flip();
    return b;
  }

  @Test
  void aHealthyGpuRunsEveryBatch() throws IOException {
    float[][] out = engine.embed(input(), TorchFixture.BATCH);
    assertEquals(TorchFixture.BATCH, out.length);
    assertEquals(1, current().calls);
    FallbackEngine.State s = engine.state();
    assertEquals(FallbackEngine.Mode.GPU, s.mode());
    assertEquals("gpu-stand-in", engine.name());
    assertFalse(s.degraded());
    assertEquals(0, s.gpuFaults());
    assertTrue(events.isEmpty());
  }

  @Test
  void aGpuFaultRedoesTheBatchOnTheCpuAndMarksTheApplianceDegraded() throws IOException {
    float[][] healthy = engine.embed(input(), TorchFixture.BATCH);
    FailOnDemand first = current();
    first.failNext = true;
    FloatBuffer in = input();
    float[][] afterFault = engine.embed(in, TorchFixture.BATCH);

    // Same graph on the CPU: the radiologist gets the same embeddings, now.
    for (int i = 0; i < TorchFixture.BATCH; i++) {
      assertArrayEquals(healthy[i], afterFault[i], 1e-6f);
    }
    assertEquals(0, in.position(), "the caller's buffer is left as it was given");
    assertTrue(first.closed, "a failed GPU engine is closed, never reused");
    FallbackEngine.State s = engine.state();
    assertEquals(FallbackEngine.Mode.DEGRADED, s.mode());
    assertTrue(s.degraded());
    assertEquals("onnxruntime-cpu", s.activeEngine());
    assertEquals(1, s.gpuFaults());
    assertEquals(clock.now, s.lastFaultAt());
    assertEquals(clock.now.plusSeconds(30), s.nextRetryAt());
    assertTrue(s.reason().contains("cudaErrorIllegalAddress"), s.reason());
    assertEquals(List.of("fault", "cpu-batch"), events);

    // Until the retry time, batches stay on the CPU without touching the GPU.
    clock.advance(Duration.ofSeconds(29));
    engine.embed(input(), TorchFixture.BATCH);
    assertEquals(1, opened.size());
    assertEquals(List.of("fault", "cpu-batch", "cpu-batch"), events);
  }

  @Test
  void afterTheRetryDelayAFreshGpuEngineTakesOverAgain() throws IOException {
    current().failNext = true;
    engine.embed(input(), TorchFixture.BATCH);
    clock.advance(Duration.ofSeconds(30));
    engine.embed(input(), TorchFixture.BATCH);
    assertEquals(2, opened.size(), "a new GPU engine was opened for the retry");
    assertEquals(1, current().calls);
    FallbackEngine.State s = engine.state();
    assertEquals(FallbackEngine.Mode.GPU, s.mode());
    assertFalse(s.degraded());
    assertNull(s.nextRetryAt());
    assertEquals(1, s.gpuFaults(), "the fault count is history, kept after recovery");
    assertTrue(s.reason().contains("restored after 1 fault"), s.reason());
    assertEquals(List.of("fault", "cpu-batch", "restored"), events);
  }

  @Test
  void failedRetriesBackOffExponentiallyUpToTheMaximum() throws IOException {
    current().failNext = true;
    reopenFails = true;
    engine.embed(input(), TorchFixture.BATCH);
    Instant fault = clock.now;
    assertEquals(fault.plusSeconds(30), engine.state().nextRetryAt());
    long[] expected = {60, 120, 240, 300, 300};
    for (long delay : expected) {
      clock.now = engine.state().nextRetryAt();
      engine.embed(input(), TorchFixture.BATCH);
      assertEquals(FallbackEngine.Mode.DEGRADED, engine.state().mode());
      assertEquals(clock.now.plusSeconds(delay), engine.state().nextRetryAt());
      assertTrue(engine.state().reason().contains("the retry failed too"), engine.state().reason());
    }
    reopenFails = false;
    clock.now = engine.state().nextRetryAt();
    engine.embed(input(), TorchFixture.BATCH);
    assertEquals(FallbackEngine.Mode.GPU, engine.state().mode());

    // A success resets the back-off: the next fault waits the first delay again.
    current().failNext = true;
    engine.embed(input(), TorchFixture.BATCH);
    assertEquals(clock.now.plusSeconds(30), engine.state().nextRetryAt());
    assertEquals(2, engine.state().gpuFaults());
  }

  @Test
  void aBadInputIsTheCallersMistakeAndIsNotMaskedByTheCpu() throws IOException {
    EngineException e =
        assertThrows(EngineException.class, () -> engine.embed(input(), TorchFixture.BATCH + 5));
    assertEquals(EngineException.Code.BAD_INPUT, e.code());
    assertEquals(FallbackEngine.Mode.GPU, engine.state().mode());
    assertTrue(events.isEmpty());
  }

  @Test
  void aCrashingNativeCallIsAFaultToo() throws IOException {
    current().throwLinkage = true;
    engine.embed(input(), TorchFixture.BATCH);
    assertEquals(FallbackEngine.Mode.DEGRADED, engine.state().mode());
    assertTrue(engine.state().reason().contains("UnsatisfiedLinkError"), engine.state().reason());
  }

  @Test
  void cpuOnlyIsDegradedOnlyWhenTheProfileExpectedAGpu() throws IOException {
    try (OnnxRuntimeEngine other =
            OnnxRuntimeEngine.open(TorchFixture.backbone(), TorchFixture.SIZE);
        FallbackEngine noGpu =
            FallbackEngine.cpuOnly(other, clock, false, "profile cpu-only: no NVIDIA GPU")) {
      assertEquals(FallbackEngine.Mode.CPU, noGpu.state().mode());
      assertFalse(noGpu.state().degraded());
      assertEquals(TorchFixture.BATCH, noGpu.embed(input(), TorchFixture.BATCH).length);
    }
    try (OnnxRuntimeEngine other =
            OnnxRuntimeEngine.open(TorchFixture.backbone(), TorchFixture.SIZE);
        FallbackEngine expected =
            FallbackEngine.cpuOnly(other, clock, true, "TensorRT presets not on the class path")) {
      assertTrue(expected.state().degraded());
      assertEquals("TensorRT presets not on the class path", expected.state().reason());
    }
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseThrows() throws IOException {
    engine.close();
    engine.close();
    assertTrue(current().closed);
    EngineException e =
        assertThrows(EngineException.class, () -> engine.embed(input(), TorchFixture.BATCH));
    assertEquals(EngineException.Code.CLOSED, e.code());
  }

  @Test
  void enginesThatDoNotRunTheSameGraphCannotBePaired() {
    BackboneEngine narrow =
        new FailOnDemand(OnnxRuntimeEngine.open(TorchFixture.backbone(), TorchFixture.SIZE)) {
          @Override
          public int embeddingWidth() {
            return 7;
          }
        };
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FallbackEngine.gpuFirst(
                    narrow,
                    cpu,
                    new FallbackEngine.Retry(
                        () -> narrow, Duration.ofSeconds(1), Duration.ofSeconds(2)),
                    clock,
                    listener,
                    "x"));
    assertTrue(e.getMessage().contains("the fallback must run the same graph"), e.getMessage());
    narrow.close();
  }

  @Test
  void retriesBackOffByDoublingUpToTheLongestDelayAndRefuseNonsenseDelays() {
    FallbackEngine.Retry r =
        new FallbackEngine.Retry(this::gpu, Duration.ofSeconds(30), Duration.ofMinutes(2));
    assertEquals(
        List.of(
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(120),
            Duration.ofSeconds(120)),
        List.of(r.delay(1), r.delay(2), r.delay(3), r.delay(9)));
    for (Duration[] bad :
        new Duration[][] {
          {Duration.ZERO, Duration.ofSeconds(1)},
          {Duration.ofSeconds(-1), Duration.ofSeconds(1)},
          {Duration.ofSeconds(2), Duration.ofSeconds(1)}
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new FallbackEngine.Retry(this::gpu, bad[0], bad[1]));
      assertTrue(e.getMessage().startsWith("retry delays must be positive"), e.getMessage());
    }
  }

  /** A real engine that fails when told to, as a faulting GPU engine would. */
  static class FailOnDemand implements BackboneEngine {
    final OnnxRuntimeEngine inner;
    boolean failNext;
    boolean throwLinkage;
    boolean closed;
    int calls;

    FailOnDemand(OnnxRuntimeEngine inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return "gpu-stand-in";
    }

    @Override
    public InputShape inputShape() {
      return inner.inputShape();
    }

    @Override
    public int embeddingWidth() {
      return inner.embeddingWidth();
    }

    @Override
    public float[][] embed(FloatBuffer nchw, int batch) {
      calls++;
      if (throwLinkage) {
        // Read the buffer first, as a real engine copying it to the device would.
        nchw.get(new float[8]);
        throw new UnsatisfiedLinkError("libnvinfer.so.10: cannot open shared object file");
      }
      if (failNext) {
        failNext = false;
        nchw.get(new float[8]);
        throw new EngineException(
            EngineException.Code.RUN_FAILED, "enqueueV3: cudaErrorIllegalAddress");
      }
      return inner.embed(nchw, batch);
    }

    @Override
    public void close() {
      closed = true;
      inner.close();
    }
  }

  static final class FakeClock extends Clock {
    Instant now = Instant.parse("2026-03-01T08:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
