package io.cordwatch.gpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The fused pipeline's orchestration on the host build: chunking, the order of graded and ungraded
 * slices, the window over the whole series, the results block, non-finite rows, limits and
 * lifetime. The backbone is a projection (each item's first D input values), so every number the
 * pipeline returns follows from the kernels alone; the appliance's tests compare the pipeline with
 * the Java references and with ONNX Runtime in between.
 */
class FusedPipelineTest {
  private static final int W = 40;
  private static final int H = 32;
  private static final int D = 24;
  private static final int K = 5;
  private static final InputSpec SPEC = new InputSpec(8, 3, 0.1, 0.1937, 0.142);
  private static final SampleEncoding U12 = new SampleEncoding(12, false, 1, 0, false);

  /** Embedding = the first D values of each item's input (binary16 widened when halfInput). */
  static class Projection implements PipelineBackbone {
    private final int maxBatch;
    private final boolean half;
    private final IntPredicate poisonRow;
    int calls;

    Projection(int maxBatch, boolean half, IntPredicate poisonRow) {
      this.maxBatch = maxBatch;
      this.half = half;
      this.poisonRow = poisonRow;
    }

    @Override
    public String name() {
      return "projection";
    }

    @Override
    public Shape shape() {
      return new Shape(SPEC.channels(), SPEC.size(), D, maxBatch, half);
    }

    @Override
    public void enqueue(MemorySegment input, MemorySegment output, int n, MemorySegment stream) {
      assertTrue(n >= 1 && n <= maxBatch, "batch " + n);
      long item = SPEC.itemValues();
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < D; j++) {
          float v =
              half
                  ? Float.float16ToFloat(input.getAtIndex(JAVA_SHORT, i * item + j))
                  : input.getAtIndex(JAVA_FLOAT, i * item + j);
          output.setAtIndex(JAVA_FLOAT, (long) i * D + j, v);
        }
        if (poisonRow.test(calls * maxBatch + i)) {
          output.setAtIndex(JAVA_FLOAT, (long) i * D + 7, Float.NaN);
        }
      }
      calls++;
    }
  }

  private static FusedPipeline.Config config(long maxSeriesBytes) {
    SplittableRandom r = new SplittableRandom(5);
    float[] p = new float[K * D];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (r.nextGaussian() * 0.8);
    }
    return new FusedPipeline.Config(
        SPEC, 0.5, 99.5, new FusedPipeline.Head(p, K, 2.0, 3.0), maxSeriesBytes);
  }

  private static FusedPipeline open(int maxBatch, boolean half) {
    return open(new Projection(maxBatch, half, i -> false), config(1L << 30));
  }

  private static FusedPipeline open(PipelineBackbone b, FusedPipeline.Config c) {
    return FusedPipeline.open(KernelLibrary.host(), new HostMemory(), b, c);
  }

  private static List<short[]> slices(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<short[]> out = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      short[] px = new short[W * H];
      double cx = r.nextDouble(W);
      double cy = r.nextDouble(H);
      for (int i = 0; i < H; i++) {
        for (int j = 0; j < W; j++) {
          double d2 = ((j - cx) * (j - cx) + (i - cy) * (i - cy)) / 60.0;
          px[i * W + j] = (short) (600 + 2500 * Math.exp(-d2) + r.nextInt(200));
        }
      }
      out.add(px);
    }
    return out;
  }

  /** Each slice's own box (it depends on the slice, not on its place among the graded). */
  private static double[] boxes(int[] graded) {
    double[] b = new double[4 * graded.length];
    for (int i = 0; i < graded.length; i++) {
      int s = graded[i];
      b[4 * i] = 3 + s % 5;
      b[4 * i + 1] = 2 + s % 3;
      b[4 * i + 2] = 17 + s % 7;
      b[4 * i + 3] = 15 + s % 4;
    }
    return b;
  }

  private static FusedPipeline.Series series(List<short[]> s, int[] graded) {
    return new FusedPipeline.Series(W, H, U12, s, graded, boxes(graded));
  }

  @Test
  void chunksOfAnyBatchGiveTheSameResults() {
    List<short[]> s = slices(11, 1);
    int[] graded = {0, 1, 2, 4, 5, 6, 7, 8, 10};
    FusedPipeline.Result whole;
    try (FusedPipeline p = open(64, false)) {
      whole = p.run(series(s, graded));
    }
    assertEquals(graded.length, whole.count());
    for (int batch : new int[] {1, 2, 4, 9}) {
      try (FusedPipeline p = open(batch, false)) {
        FusedPipeline.Result r = p.run(series(s, graded));
        assertArrayEquals(whole.grades(), r.grades(), "batch " + batch);
        assertArrayEquals(whole.probabilities(), r.probabilities(), "batch " + batch);
        assertArrayEquals(whole.ood(), r.ood(), "batch " + batch);
      }
    }
  }

  @Test
  void everySliceCountsTowardsTheWindowButOnlyGradedOnesAreGraded() {
    List<short[]> s = slices(6, 2);
    // A slice without a box that is much brighter than the rest moves the window.
    Arrays.fill(s.get(2), (short) 4000);
    int[] some = {1, 4};
    try (FusedPipeline p = open(4, false)) {
      FusedPipeline.Result r = p.run(series(s, some));
      long[] counts = new long[1 << 12];
      for (short[] slice : s) {
        for (short v : slice) {
          counts[v & 0xfff]++;
        }
      }
      double[] expected;
      try (Arena a = Arena.ofConfined()) {
        expected =
            KernelLibrary.host().histogramWindow(a.allocateFrom(JAVA_LONG, counts), U12, 0.5, 99.5);
      }
      assertEquals(expected[0], r.windowLow());
      assertEquals(expected[1], r.windowHigh());
      assertEquals(2, r.count());

      // Graded alone, from a series without the bright slice: another window, other results.
      FusedPipeline.Result without =
          p.run(series(List.of(s.get(0), s.get(1), s.get(3), s.get(4)), new int[] {1, 3}));
      assertNotEquals(r.windowHigh(), without.windowHigh());
      assertFalse(Arrays.equals(r.ood(), without.ood()));

      // The graded slices' results do not depend on which other slices are graded.
      FusedPipeline.Result all = p.run(series(s, new int[] {0, 1, 2, 3, 4, 5}));
      assertEquals(r.windowHigh(), all.windowHigh());
      assertArrayEquals(r.probabilities(0), all.probabilities(1));
      assertArrayEquals(r.probabilities(1), all.probabilities(4));
      assertEquals(r.grades()[1], all.grades()[4]);
      for (int i = 0; i < all.count(); i++) {
        float sum = 0;
        for (float v : all.probabilities(i)) {
          sum += v;
        }
        assertEquals(1, sum, 1e-5);
      }
    }
  }

  @Test
  void aSeriesWithoutGradedSlicesStillHasItsWindow() {
    try (FusedPipeline p = open(4, false)) {
      FusedPipeline.Result r = p.run(series(slices(3, 3), new int[0]));
      assertEquals(0, r.count());
      assertTrue(r.windowHigh() > r.windowLow());
    }
  }

  @Test
  void halfInputRunsThroughTheFp16Output() {
    List<short[]> s = slices(5, 4);
    int[] graded = {0, 1, 2, 3, 4};
    try (FusedPipeline f32 = open(3, false);
        FusedPipeline f16 = open(3, true)) {
      FusedPipeline.Result a = f32.run(series(s, graded));
      FusedPipeline.Result b = f16.run(series(s, graded));
      assertFalse(Arrays.equals(a.ood(), b.ood()), "fp16 inputs are rounded");
      for (int i = 0; i < a.count(); i++) {
        // Inputs within one binary16 step (about 4e-3 near 5): OOD and probabilities stay close.
        assertEquals(a.ood()[i], b.ood()[i], 1e-2 * Math.max(1, a.ood()[i]), "ood " + i);
      }
    }
  }

  @Test
  void aNonFiniteEmbeddingIsRefusedNamingItsSlice() {
    List<short[]> s = slices(7, 5);
    int[] graded = {0, 2, 3, 5, 6};
    // Graded row 3 is slice 5; batches of 2 put it in the second chunk.
    Projection poisoned = new Projection(2, false, row -> row == 3);
    try (FusedPipeline p = open(poisoned, config(1L << 30))) {
      KernelException e = assertThrows(KernelException.class, () -> p.run(series(s, graded)));
      assertEquals(KernelException.Code.NON_FINITE, e.code());
      assertTrue(e.getMessage().contains("slice 5 (graded slice 3"), e.getMessage());
      assertTrue(e.getMessage().contains("at index 7"), e.getMessage());
    }
  }

  @Test
  void seriesItCannotTakeAreRefusedWithTheKernelsCode() {
    List<short[]> s = slices(3, 6);
    try (FusedPipeline p = open(new Projection(4, false, i -> false), config(2L * W * H * 2))) {
      KernelException big =
          assertThrows(KernelException.class, () -> p.run(series(s, new int[] {0})));
      assertEquals(KernelException.Code.BAD_SIZE, big.code());
      assertTrue(big.getMessage().contains("larger than the fused pipeline keeps"));

      KernelException box =
          assertThrows(
              KernelException.class,
              () ->
                  p.run(
                      new FusedPipeline.Series(
                          W, H, U12, s.subList(0, 2), new int[] {1}, new double[] {50, 1, 60, 9})));
      assertEquals(KernelException.Code.BAD_BOX, box.code());

      SampleEncoding negative = new SampleEncoding(12, false, -1, 0, false);
      KernelException slope =
          assertThrows(
              KernelException.class,
              () ->
                  p.run(
                      new FusedPipeline.Series(
                          W, H, negative, s.subList(0, 2), new int[] {0}, boxes(new int[] {0}))));
      assertEquals(KernelException.Code.UNSUPPORTED, slope.code());

      // The pipeline is still usable after refusals.
      assertEquals(1, p.run(series(s.subList(0, 2), new int[] {1})).count());
    }
  }

  @Test
  void seriesArgumentsAreCheckedBeforeAnythingRuns() {
    List<short[]> s = slices(3, 7);
    assertThrows(IllegalArgumentException.class, () -> series(s, new int[] {1, 1}));
    assertThrows(IllegalArgumentException.class, () -> series(s, new int[] {2, 1}));
    assertThrows(IllegalArgumentException.class, () -> series(s, new int[] {3}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new FusedPipeline.Series(W, H, U12, s, new int[] {0}, new double[3]));
    assertThrows(
        IllegalArgumentException.class,
        () -> new FusedPipeline.Series(W + 1, H, U12, s, new int[0], new double[0]));
    assertThrows(
        IllegalArgumentException.class,
        () -> new FusedPipeline.Series(W, H, U12, List.of(), new int[0], new double[0]));
  }

  @Test
  void partsThatDoNotFitAreRefusedAtOpenNamingEach() {
    FusedPipeline.Config c = config(1L << 30);
    PipelineBackbone wrong =
        new Projection(4, false, i -> false) {
          @Override
          public Shape shape() {
            return new Shape(SPEC.channels(), 9, D + 1, 4, false);
          }
        };
    HostMemory memory = new HostMemory();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FusedPipeline.open(KernelLibrary.host(), memory, wrong, c));
    assertTrue(e.getMessage().contains("gives D = 25, the prototypes have D = 24"), e.getMessage());
    assertTrue(e.getMessage().contains("3 x 9^2"), e.getMessage());
    // The pipeline took the memory and closed it.
    KernelException closed = assertThrows(KernelException.class, () -> memory.device(8));
    assertEquals(KernelException.Code.CLOSED, closed.code());
    assertThrows(
        IllegalArgumentException.class,
        () -> new FusedPipeline.Head(new float[] {1, 2, Float.NaN, 4}, 2, 1, 1));
    assertThrows(
        IllegalArgumentException.class, () -> new FusedPipeline.Head(new float[5], 2, 1, 1));
  }

  @Test
  void cudaKernelsCannotUseHostMemory() {
    KernelLibrary cuda;
    try {
      cuda = KernelLibrary.cuda();
    } catch (KernelException e) {
      org.junit.jupiter.api.Assumptions.abort("no CUDA kernel library here: " + e.getMessage());
      return;
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FusedPipeline.open(
                    cuda, new HostMemory(), new Projection(4, false, i -> false), config(1 << 20)));
    assertTrue(e.getMessage().contains("CUDA kernels cannot use host memory"), e.getMessage());
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseIsRefused() {
    FusedPipeline p = open(4, false);
    p.close();
    p.close();
    KernelException e =
        assertThrows(KernelException.class, () -> p.run(series(slices(1, 8), new int[] {0})));
    assertEquals(KernelException.Code.CLOSED, e.code());
  }

  @Test
  void hostMemoryFreesWhatItGaveAndRefusesUseAfterClose() {
    HostMemory m = new HostMemory();
    MemorySegment a = m.device(64);
    MemorySegment b = m.staging(64);
    assertEquals(0, a.address() % 256);
    b.fill((byte) 3);
    m.upload(b, a, 64);
    assertEquals(3, a.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 63));
    m.free(a);
    assertFalse(a.scope().isAlive());
    assertThrows(IllegalArgumentException.class, () -> m.device(0));
    m.close();
    m.close();
    assertFalse(b.scope().isAlive());
    assertEquals(
        KernelException.Code.CLOSED, assertThrows(KernelException.class, m::synchronize).code());
  }
}
