package io.cordwatch.gpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** Runs the host build on Java arrays, with every output poisoned before the call. */
final class HostRun {
  private HostRun() {}

  /** fp32 and fp16 outputs of one preprocess call. */
  record Preprocessed(float[] f32, short[] f16) {}

  static Preprocessed preprocess(KernelReference.PreprocessCase c) {
    KernelLibrary lib = KernelLibrary.host();
    long values = c.n() * c.spec().itemValues();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment stored = arena.allocateFrom(JAVA_SHORT, c.flatStored());
      MemorySegment f32 = arena.allocate(JAVA_FLOAT, Math.max(1, values));
      MemorySegment f16 = arena.allocate(JAVA_SHORT, Math.max(1, values));
      f32.fill((byte) 0xff); // NaN everywhere: an unwritten value cannot pass for a result
      f16.fill((byte) 0xff);
      lib.preprocess(
          stored,
          c.n(),
          c.width(),
          c.height(),
          c.encoding(),
          c.window().low(),
          c.window().high(),
          c.boxes(),
          c.spec(),
          f32,
          f16,
          MemorySegment.NULL);
      return new Preprocessed(
          f32.asSlice(0, values * 4).toArray(JAVA_FLOAT),
          f16.asSlice(0, values * 2).toArray(JAVA_SHORT));
    }
  }

  /** Outputs of one prototype-head call. */
  record Head(float[] probabilities, float[] distances, int[] grades, float[] ood, int[] bad) {}

  static Head head(KernelReference.HeadCase c) {
    KernelLibrary lib = KernelLibrary.host();
    int n = c.n();
    int k = c.k();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment e = arena.allocateFrom(JAVA_FLOAT, c.flatEmbeddings());
      MemorySegment p = arena.allocateFrom(JAVA_FLOAT, c.flatPrototypes());
      MemorySegment prob = poisoned(arena, (long) n * k);
      MemorySegment dist = poisoned(arena, (long) n * k);
      MemorySegment grades = poisoned(arena, n);
      MemorySegment ood = poisoned(arena, n);
      MemorySegment bad = poisoned(arena, n);
      lib.prototypeHead(
          e,
          n,
          p,
          k,
          c.d(),
          c.temperature(),
          c.oodScale(),
          prob,
          dist,
          grades,
          ood,
          bad,
          MemorySegment.NULL);
      return new Head(
          prob.asSlice(0, 4L * n * k).toArray(JAVA_FLOAT),
          dist.asSlice(0, 4L * n * k).toArray(JAVA_FLOAT),
          grades.asSlice(0, 4L * n).toArray(JAVA_INT),
          ood.asSlice(0, 4L * n).toArray(JAVA_FLOAT),
          bad.asSlice(0, 4L * n).toArray(JAVA_INT));
    }
  }

  private static MemorySegment poisoned(Arena arena, long count) {
    MemorySegment s = arena.allocate(JAVA_FLOAT, Math.max(1, count));
    s.fill((byte) 0xff);
    return s;
  }

  /** Histogram of the slices accumulated in the given batches of slices, and its window. */
  static long[] histogram(List<short[]> slices, SampleEncoding enc, int batches) {
    KernelLibrary lib = KernelLibrary.host();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment counts = arena.allocate(JAVA_LONG, enc.bins());
      counts.fill((byte) 0x5a);
      lib.histogramClear(counts, enc.bitsStored(), MemorySegment.NULL);
      int per = (slices.size() + batches - 1) / batches;
      for (int b = 0; b < slices.size(); b += per) {
        List<short[]> part = slices.subList(b, Math.min(slices.size(), b + per));
        int len = part.stream().mapToInt(s -> s.length).sum();
        short[] flat = new short[len];
        int at = 0;
        for (short[] s : part) {
          System.arraycopy(s, 0, flat, at, s.length);
          at += s.length;
        }
        MemorySegment stored = arena.allocateFrom(JAVA_SHORT, flat);
        lib.histogramAccumulate(
            stored, len, enc.bitsStored(), enc.signed(), counts, MemorySegment.NULL);
      }
      return counts.toArray(JAVA_LONG);
    }
  }

  static double[] window(long[] counts, SampleEncoding enc, double low, double high) {
    try (Arena arena = Arena.ofConfined()) {
      return KernelLibrary.host()
          .histogramWindow(arena.allocateFrom(JAVA_LONG, counts), enc, low, high);
    }
  }
}
