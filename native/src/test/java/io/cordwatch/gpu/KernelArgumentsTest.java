package io.cordwatch.gpu;

import static java.lang.foreign.MemorySegment.NULL;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The C ABI's contract at its edges: zero items are a no-op, every refused argument is a status
 * with a message naming it, nothing is written on a refusal — and the CUDA build, which shares the
 * checks, refuses exactly as the host build does (checked here without a GPU: a refused call never
 * reaches CUDA).
 */
class KernelArgumentsTest {
  private static final SampleEncoding U16 = new SampleEncoding(16, false, 1, 0, false);
  private static final InputSpec SPEC = new InputSpec(8, 3, 0.1, 0.2, 0.1);
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment stored = arena.allocate(JAVA_SHORT, 2 * 16 * 16);
  private final MemorySegment out = arena.allocate(JAVA_FLOAT, 2 * 3 * 8 * 8);
  private final MemorySegment emb = arena.allocate(JAVA_FLOAT, 4 * 5);
  private final MemorySegment protos = arena.allocate(JAVA_FLOAT, 3 * 5);
  private final MemorySegment probs = arena.allocate(JAVA_FLOAT, 4 * 3);
  private final MemorySegment grades = arena.allocate(JAVA_INT, 4);
  private final MemorySegment ood = arena.allocate(JAVA_FLOAT, 4);
  private final MemorySegment bad = arena.allocate(JAVA_INT, 4);
  private final MemorySegment counts = arena.allocate(JAVA_LONG, 1 << 12);

  @AfterEach
  void close() {
    arena.close();
  }

  private static List<KernelLibrary> libraries() {
    List<KernelLibrary> libs = new ArrayList<>(List.of(KernelLibrary.host()));
    if (KernelLibrary.class.getResource(KernelLibrary.resourceName(KernelLibrary.Flavour.CUDA))
        != null) {
      libs.add(KernelLibrary.cuda());
    }
    return libs;
  }

  /** Both builds refuse the call with this code and the same message, which contains fragment. */
  private static void refused(
      KernelException.Code code, String fragment, Consumer<KernelLibrary> call) {
    String first = null;
    for (KernelLibrary lib : libraries()) {
      KernelException e = assertThrows(KernelException.class, () -> call.accept(lib), lib.build());
      assertEquals(code, e.code(), e.getMessage());
      String message = e.getMessage().substring(e.getMessage().indexOf("kernels: ") + 9);
      assertTrue(message.contains(fragment), message);
      if (first == null) {
        first = message;
      } else {
        assertEquals(first, message, "host and CUDA builds refuse alike");
      }
    }
  }

  private void preprocess(
      KernelLibrary lib, MemorySegment in, int n, double[] boxes, MemorySegment f32) {
    lib.preprocess(in, n, 16, 16, U16, 0, 100, boxes, SPEC, f32, NULL, NULL);
  }

  private void head(KernelLibrary lib, int n, int k, int d, double t, MemorySegment p) {
    lib.prototypeHead(emb, n, protos, k, d, t, 1, p, NULL, grades, ood, bad, NULL);
  }

  @Test
  void zeroItemsAreANoOpEvenWithoutBuffers() {
    for (KernelLibrary lib : libraries()) {
      lib.preprocess(NULL, 0, 16, 16, U16, 0, 100, new double[0], SPEC, NULL, NULL, NULL);
      lib.prototypeHead(NULL, 0, NULL, 6, 2048, 2, 1, NULL, NULL, NULL, NULL, NULL, NULL);
      lib.histogramAccumulate(NULL, 0, 12, false, counts, NULL);
    }
  }

  @Test
  void missingBuffersAreNamed() {
    double[] box = {2, 2, 10, 10};
    refused(
        KernelException.Code.NULL_POINTER,
        "stored is NULL",
        lib -> preprocess(lib, NULL, 1, box, out));
    refused(
        KernelException.Code.NULL_POINTER,
        "out_f32 and out_f16 are both NULL",
        lib -> preprocess(lib, stored, 1, box, NULL));
    refused(
        KernelException.Code.NULL_POINTER,
        "probabilities is NULL",
        lib -> head(lib, 2, 3, 5, 2, NULL));
    refused(
        KernelException.Code.NULL_POINTER,
        "counts is NULL",
        lib -> lib.histogramAccumulate(stored, 10, 12, false, NULL, NULL));
    refused(
        KernelException.Code.NULL_POINTER,
        "stored is NULL",
        lib -> lib.histogramAccumulate(NULL, 10, 12, false, counts, NULL));
  }

  @Test
  void sizesOutOfRangeAreRefused() {
    refused(
        KernelException.Code.BAD_SIZE,
        "n = -1 slices",
        lib -> lib.preprocess(stored, -1, 16, 16, U16, 0, 1, new double[0], SPEC, out, NULL, NULL));
    refused(
        KernelException.Code.BAD_SIZE,
        "slice size 0 x 16",
        lib ->
            lib.preprocess(
                stored, 1, 0, 16, U16, 0, 1, new double[] {0, 0, 1, 1}, SPEC, out, NULL, NULL));
    refused(KernelException.Code.BAD_SIZE, "k = 0 prototypes", lib -> head(lib, 2, 0, 5, 2, probs));
    refused(
        KernelException.Code.BAD_SIZE,
        "k = 1025 prototypes",
        lib -> head(lib, 2, 1025, 5, 2, probs));
    refused(KernelException.Code.BAD_SIZE, "d = 0", lib -> head(lib, 2, 3, 0, 2, probs));
    refused(KernelException.Code.BAD_SIZE, "d = 65537", lib -> head(lib, 2, 3, 65537, 2, probs));
    refused(
        KernelException.Code.BAD_SIZE, "n = -3 embeddings", lib -> head(lib, -3, 3, 5, 2, probs));
    refused(
        KernelException.Code.BAD_SIZE,
        "count = -1",
        lib -> lib.histogramAccumulate(stored, -1, 12, false, counts, NULL));
  }

  @Test
  void valuesOutOfRangeAreRefused() {
    double[] box = {2, 2, 10, 10};
    refused(
        KernelException.Code.BAD_VALUE,
        "window nan .. 100",
        lib -> lib.preprocess(stored, 1, 16, 16, U16, Double.NaN, 100, box, SPEC, out, NULL, NULL));
    refused(
        KernelException.Code.BAD_VALUE,
        "temperature 0 must be finite and > 0",
        lib -> head(lib, 2, 3, 5, 0, probs));
    refused(
        KernelException.Code.BAD_VALUE,
        "temperature nan",
        lib -> head(lib, 2, 3, 5, Double.NaN, probs));
    refused(
        KernelException.Code.BAD_VALUE,
        "ood_scale -1",
        lib -> lib.prototypeHead(emb, 2, protos, 3, 5, 2, -1, probs, NULL, grades, ood, bad, NULL));
  }

  @Test
  void boxesOutsideTheImageOrDegenerateAreRefusedNamingTheSlice() {
    refused(
        KernelException.Code.BAD_BOX,
        "box of slice 1 (5, 5, 5, 9) must be finite with x1 > x0",
        lib -> preprocess(lib, stored, 2, new double[] {0, 0, 16, 16, 5, 5, 5, 9}, out));
    refused(
        KernelException.Code.BAD_BOX,
        "box of slice 0 (16, 0, 20, 4) lies outside the 16 x 16 image",
        lib -> preprocess(lib, stored, 1, new double[] {16, 0, 20, 4}, out));
    refused(
        KernelException.Code.BAD_BOX,
        "box of slice 0 (-4, -4, 0, 3) lies outside",
        lib -> preprocess(lib, stored, 1, new double[] {-4, -4, 0, 3}, out));
  }

  @Test
  void aRefusedBoxInALaterLaunchChunkWritesNothing() {
    // 70 slices span two launch chunks of 64; the bad box is in the second.
    int n = 70;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment many = a.allocate(JAVA_SHORT, (long) n * 16 * 16);
      MemorySegment f32 = a.allocate(JAVA_FLOAT, (long) n * 3 * 8 * 8);
      f32.fill((byte) 0x7f);
      double[] boxes = new double[4 * n];
      for (int s = 0; s < n; s++) {
        boxes[4 * s + 2] = 16;
        boxes[4 * s + 3] = 16;
      }
      boxes[4 * 69] = 20;
      KernelException e =
          assertThrows(
              KernelException.class, () -> preprocess(KernelLibrary.host(), many, n, boxes, f32));
      assertEquals(KernelException.Code.BAD_BOX, e.code());
      assertTrue(e.getMessage().contains("slice 69"), e.getMessage());
      for (long i = 0; i < f32.byteSize(); i++) {
        assertEquals((byte) 0x7f, f32.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i));
      }
    }
  }

  @Test
  void histogramWindowNeedsAPositiveSlopeAndAPixel() {
    MemorySegment empty = arena.allocate(JAVA_LONG, 1 << 12);
    counts.setAtIndex(JAVA_LONG, 7, 3);
    refused(
        KernelException.Code.UNSUPPORTED,
        "slope 0 is not > 0",
        lib -> lib.histogramWindow(counts, new SampleEncoding(12, false, 0, 0, false), 1, 99));
    refused(
        KernelException.Code.BAD_VALUE,
        "the histogram is empty",
        lib -> lib.histogramWindow(empty, new SampleEncoding(12, false, 1, 0, false), 1, 99));
    refused(
        KernelException.Code.BAD_VALUE,
        "percentiles 1 and 101 must be 0..100",
        lib -> lib.histogramWindow(counts, new SampleEncoding(12, false, 1, 0, false), 1, 101));
  }

  @Test
  void nonFiniteRowsAreRaisedNamingRowAndIndex() {
    KernelException e =
        assertThrows(KernelException.class, () -> KernelLibrary.checkRows(new int[] {-1, -1, 17}));
    assertEquals(KernelException.Code.NON_FINITE, e.code());
    assertEquals(
        "embedding row 2 holds a non-finite value at index 17: the backbone output is broken",
        e.getMessage());
    KernelLibrary.checkRows(new int[] {-1, -1});
  }
}
