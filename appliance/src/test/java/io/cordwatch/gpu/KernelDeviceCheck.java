package io.cordwatch.gpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.cordwatch.gpu.KernelReference.HeadCase;
import io.cordwatch.gpu.KernelReference.PreprocessCase;
import io.cordwatch.grade.ReferenceGrade;
import io.cordwatch.infer.Preprocessing;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The device check (kernels/device-check.sh runs it on a lent GPU machine; kernels/README.md):
 * every kernel of the CUDA library against the appliance's Java references on fresh random inputs,
 * outputs poisoned (all bytes 0xFF: NaN floats, -1 ints) before each call, then timed with CUDA
 * events — median of many runs after a warm-up, each run preceded by a 128 MiB memset that keeps
 * the GPU busy while the host enqueues (so the events time the kernel, not the launch gap) and
 * leaves the L2 cache cold — and printed as a table with achieved bandwidth against a measured
 * device-to-device copy and, for the prototype head, the PyTorch time measured the same way by
 * peer_head.py.
 *
 * <p>{@code --host} runs the same checks on the host build with host memory and wall-clock timing:
 * the dry run for machines without a GPU. It is not a benchmark of anything that ships to a GPU.
 *
 * <p>Exit status: 0 when every check passed (targets missed are reported, not failed), 1 when a
 * kernel disagreed with the reference, 2 on a usage or set-up error.
 */
public final class KernelDeviceCheck {
  private static final int POISON = 0xff;

  private KernelDeviceCheck() {}

  /** Where buffers live and how time is taken. */
  private interface Backend extends AutoCloseable {
    String describe();

    KernelLibrary lib();

    Buffer allocate(long bytes);

    void upload(MemorySegment host, Buffer to);

    void download(Buffer from, MemorySegment host);

    void poison(Buffer b);

    MemorySegment stream();

    /** Microseconds of each timed run. */
    double[] time(Runnable op, int warmup, int reps);

    /** Measured copy bandwidth, bytes read + written per second, in GB/s. */
    double copyGbPerSecond();

    @Override
    void close();
  }

  private interface Buffer extends AutoCloseable {
    MemorySegment segment();

    @Override
    void close();
  }

  private record DeviceBuf(DeviceBuffer device) implements Buffer {
    @Override
    public MemorySegment segment() {
      return device.segment();
    }

    @Override
    public void close() {
      device.close();
    }
  }

  private static final class HostBackend implements Backend {
    private final Arena arena = Arena.ofShared();

    @Override
    public String describe() {
      return "host build, host memory, wall-clock timing (dry run: no GPU)";
    }

    @Override
    public KernelLibrary lib() {
      return KernelLibrary.host();
    }

    @Override
    public Buffer allocate(long bytes) {
      MemorySegment s = arena.allocate(bytes, 64);
      return new Buffer() {
        @Override
        public MemorySegment segment() {
          return s;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void upload(MemorySegment host, Buffer to) {
      MemorySegment.copy(host, 0, to.segment(), 0, host.byteSize());
    }

    @Override
    public void download(Buffer from, MemorySegment host) {
      MemorySegment.copy(from.segment(), 0, host, 0, host.byteSize());
    }

    @Override
    public void poison(Buffer b) {
      b.segment().fill((byte) POISON);
    }

    @Override
    public MemorySegment stream() {
      return MemorySegment.NULL;
    }

    @Override
    public double[] time(Runnable op, int warmup, int reps) {
      for (int i = 0; i < warmup; i++) {
        op.run();
      }
      double[] us = new double[reps];
      for (int i = 0; i < reps; i++) {
        long t = System.nanoTime();
        op.run();
        us[i] = (System.nanoTime() - t) / 1e3;
      }
      return us;
    }

    @Override
    public double copyGbPerSecond() {
      long bytes = 64L << 20;
      MemorySegment a = arena.allocate(bytes, 64);
      MemorySegment b = arena.allocate(bytes, 64);
      double[] us = time(() -> MemorySegment.copy(a, 0, b, 0, bytes), 2, 10);
      return 2.0 * bytes / median(us) / 1e3;
    }

    @Override
    public void close() {
      arena.close();
    }
  }

  private static final class DeviceBackend implements Backend {
    private final CudaRuntime rt;
    private final KernelLibrary lib;
    private final CudaStream stream;
    private final DeviceBuffer busy;
    private final CudaTimer timer;
    private final List<DeviceBuffer> owned = new ArrayList<>();

    DeviceBackend(CudaRuntime rt) {
      this.rt = rt;
      this.lib = KernelLibrary.cuda();
      this.stream = rt.stream();
      this.busy = rt.allocate(128L << 20);
      this.timer = new CudaTimer(rt);
    }

    @Override
    public String describe() {
      return rt.deviceName()
          + ", compute capability "
          + rt.computeCapability()
          + ", "
          + rt.multiprocessors()
          + " SMs, CUDA runtime "
          + rt.runtimeVersion()
          + " (from "
          + rt.source()
          + "), driver "
          + rt.driverVersion()
          + "; kernels: "
          + lib;
    }

    @Override
    public KernelLibrary lib() {
      return lib;
    }

    @Override
    public Buffer allocate(long bytes) {
      DeviceBuf d = new DeviceBuf(rt.allocate(Math.max(bytes, 1)));
      owned.add(d.device());
      return d;
    }

    private static DeviceBuffer device(Buffer b) {
      return ((DeviceBuf) b).device();
    }

    @Override
    public void upload(MemorySegment host, Buffer to) {
      rt.upload(host, device(to), host.byteSize());
    }

    @Override
    public void download(Buffer from, MemorySegment host) {
      stream.synchronize();
      rt.download(device(from), host, host.byteSize());
    }

    @Override
    public void poison(Buffer b) {
      rt.fill(device(b), POISON, stream);
      stream.synchronize();
    }

    @Override
    public MemorySegment stream() {
      return stream.handle();
    }

    @Override
    public double[] time(Runnable op, int warmup, int reps) {
      for (int i = 0; i < warmup; i++) {
        op.run();
      }
      stream.synchronize();
      double[] us = new double[reps];
      for (int i = 0; i < reps; i++) {
        rt.fill(busy, i & 0xff, stream);
        timer.start(stream);
        op.run();
        timer.stop(stream);
        us[i] = timer.elapsedMillis() * 1e3;
      }
      stream.synchronize();
      return us;
    }

    @Override
    public double copyGbPerSecond() {
      long bytes = 256L << 20;
      try (DeviceBuffer a = rt.allocate(bytes);
          DeviceBuffer b = rt.allocate(bytes)) {
        double[] us = time(() -> rt.copyAsync(a, b, bytes, stream), 3, 20);
        return 2.0 * bytes / median(us) / 1e3;
      }
    }

    @Override
    public void close() {
      for (DeviceBuffer d : owned) {
        d.close();
      }
      timer.close();
      busy.close();
      stream.close();
    }
  }

  /** One line of the table. */
  private record Row(
      String op,
      String shape,
      String check,
      double medianUs,
      double minUs,
      double bytes,
      String note) {}

  private static int failures;

  public static void main(String[] args) {
    boolean host = false;
    double peerHeadUs = Double.NaN;
    String peerNote = "";
    int reps = 200;
    int warmup = 20;
    long seed = System.nanoTime();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = true;
        case "--peer-head-us" -> peerHeadUs = Double.parseDouble(args[++i]);
        case "--peer-note" -> peerNote = args[++i];
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> {
          System.err.println(
              "usage: KernelDeviceCheck [--host] [--peer-head-us US --peer-note TEXT] [--reps N]"
                  + " [--warmup N] [--seed S]");
          System.exit(2);
        }
      }
    }
    Backend backend;
    if (host) {
      backend = new HostBackend();
    } else {
      var rt = CudaRuntime.find();
      if (rt.isEmpty()) {
        System.err.println(
            "no CUDA device: " + CudaRuntime.unavailableReason().orElse("unknown reason"));
        System.exit(2);
        return;
      }
      backend = new DeviceBackend(rt.get());
    }
    try (backend) {
      run(backend, host, peerHeadUs, peerNote, reps, warmup, seed);
    }
    System.exit(failures == 0 ? 0 : 1);
  }

  private static void run(
      Backend b,
      boolean host,
      double peerHeadUs,
      String peerNote,
      int reps,
      int warmup,
      long seed) {
    System.out.println("device: " + b.describe());
    System.out.println("seed: " + seed + " (inputs are fresh per run; pass --seed to repeat)");
    System.out.printf(
        Locale.ROOT, "timing: median and minimum of %d runs after %d warm-up runs%n", reps, warmup);
    double copy = b.copyGbPerSecond();
    System.out.printf(
        Locale.ROOT,
        "copy bandwidth: %.1f GB/s (%s, bytes read + written)%n",
        copy,
        host ? "64 MiB host memcpy" : "256 MiB cudaMemcpyAsync device to device");
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();

    InputSpec rgb224 = new InputSpec(224, 3, 0.1, 0.1937, 0.1420);
    SampleEncoding u12 = new SampleEncoding(12, false, 1, 0, false);
    SampleEncoding u16 = new SampleEncoding(16, false, 1, 0, false);
    SampleEncoding s12 = new SampleEncoding(12, true, 2.5, -1024, true);
    rows.add(
        preprocess(b, preCase("canal boxes", r, 60, 512, 512, u12, rgb224, false), reps, warmup));
    rows.add(
        preprocess(
            b, preCase("whole-image boxes", r, 60, 512, 512, u16, rgb224, true), reps, warmup));
    rows.add(
        preprocess(
            b,
            preCase(
                "signed, rescaled, MONOCHROME1, 1 channel",
                r,
                8,
                320,
                320,
                s12,
                new InputSpec(224, 1, 0.1, 0.1937, 0.1420),
                false),
            reps,
            warmup));
    rows.add(preprocess(b, preCase("one slice", r, 1, 256, 256, u12, rgb224, false), reps, warmup));

    for (int[] shape :
        new int[][] {{64, 6, 2048}, {1, 6, 2048}, {512, 6, 2048}, {64, 1, 2048}, {7, 6, 2047}}) {
      HeadCase c = KernelReference.headCase("head", r, shape[0], shape[1], shape[2], 2);
      rows.add(head(b, c, false, reps, warmup));
    }
    HeadCase faulty = KernelReference.headCase("head with a NaN row", r, 16, 6, 2048, 2);
    faulty.embeddings()[5][1234] = Float.NaN;
    rows.add(head(b, faulty, true, 0, 0));

    for (SampleEncoding enc : List.of(u12, u16, new SampleEncoding(12, true, 0.5, 10, false))) {
      rows.add(histogram(b, r, 60, 512, 512, enc, reps, warmup));
    }

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-10s %-72s %-34s %10s %10s %9s %7s  %s%n",
        "op",
        "shape",
        "check against the Java reference",
        "median us",
        "min us",
        "GB/s",
        "% copy",
        "note");
    for (Row row : rows) {
      double gbs = row.bytes() / row.medianUs() / 1e3;
      System.out.printf(
          Locale.ROOT,
          "%-10s %-72s %-34s %10.2f %10.2f %9.1f %6.0f%%  %s%n",
          row.op(),
          row.shape(),
          row.check(),
          row.medianUs(),
          row.minUs(),
          gbs,
          100 * gbs / copy,
          row.note());
    }
    System.out.println();
    Row head = rows.stream().filter(x -> x.shape().startsWith("N=64 K=6 D=2048")).findFirst().get();
    Row canal = rows.get(0);
    Row whole = rows.get(1);
    if (host) {
      System.out.println("targets: not evaluated (host dry run; the targets are for an H100)");
    } else {
      System.out.printf(
          Locale.ROOT,
          "target head N=64 K=6 D=2048 < 10 us: %.2f us -> %s%n",
          head.medianUs(),
          head.medianUs() < 10 ? "MET" : "MISSED");
      for (Row p : List.of(canal, whole)) {
        double share = p.bytes() / p.medianUs() / 1e3 / copy;
        System.out.printf(
            Locale.ROOT,
            "target preprocess 60 x 512x512 (%s) >= 70%% of copy bandwidth: %.0f%% -> %s%n",
            p.shape().substring(p.shape().indexOf(',') + 2),
            100 * share,
            share >= 0.7 ? "MET" : "MISSED");
      }
    }
    if (!Double.isNaN(peerHeadUs)) {
      System.out.printf(
          Locale.ROOT,
          "peer: PyTorch head N=64 K=6 D=2048 %.2f us (%s); ours %.2f us; PyTorch / ours = %.2f%n",
          peerHeadUs,
          peerNote,
          head.medianUs(),
          peerHeadUs / head.medianUs());
    } else {
      System.out.println("peer: PyTorch not measured (no --peer-head-us)");
    }
    System.out.println(
        failures == 0
            ? "result: every kernel agreed with the Java reference"
            : "result: " + failures + " check(s) FAILED");
  }

  private static PreprocessCase preCase(
      String name,
      SplittableRandom r,
      int n,
      int w,
      int h,
      SampleEncoding enc,
      InputSpec spec,
      boolean whole) {
    List<short[]> slices = KernelReference.slices(r, n, w, h, enc);
    double[] boxes =
        whole ? KernelReference.sameBoxes(n, 0, 0, w, h) : KernelReference.canalBoxes(r, n, w, h);
    return new PreprocessCase(
        name, slices, w, h, enc, KernelReference.window(slices, enc), boxes, spec);
  }

  private static Row preprocess(Backend b, PreprocessCase c, int reps, int warmup) {
    long values = c.n() * c.spec().itemValues();
    String shape =
        String.format(
            Locale.ROOT,
            "%d x %dx%d -> %dx%dx%d fp32+fp16, %s",
            c.n(),
            c.width(),
            c.height(),
            c.spec().channels(),
            c.spec().size(),
            c.spec().size(),
            c.name());
    String check;
    try (Arena a = Arena.ofConfined();
        Buffer in = b.allocate(2L * c.n() * c.width() * c.height());
        Buffer f32 = b.allocate(4 * values);
        Buffer f16 = b.allocate(2 * values)) {
      b.upload(a.allocateFrom(JAVA_SHORT, c.flatStored()), in);
      b.poison(f32);
      b.poison(f16);
      Runnable op =
          () ->
              b.lib()
                  .preprocess(
                      in.segment(),
                      c.n(),
                      c.width(),
                      c.height(),
                      c.encoding(),
                      c.window().low(),
                      c.window().high(),
                      c.boxes(),
                      c.spec(),
                      f32.segment(),
                      f16.segment(),
                      b.stream());
      op.run();
      MemorySegment got32 = a.allocate(JAVA_FLOAT, values);
      MemorySegment got16 = a.allocate(JAVA_SHORT, values);
      b.download(f32, got32);
      b.download(f16, got16);
      float[] ref = c.reference();
      double worst32 = 0;
      double worst16 = 0;
      int bad = 0;
      for (int i = 0; i < values; i++) {
        float v = got32.getAtIndex(JAVA_FLOAT, i);
        float h = Float.float16ToFloat(got16.getAtIndex(JAVA_SHORT, i));
        double d32 = Math.abs(v - ref[i]);
        double d16 = Math.abs(h - ref[i]);
        if (!(d32 <= c.tolerance(ref[i]))
            || !(d16 <= KernelReference.halfUlp(ref[i]) + c.tolerance(ref[i]))) {
          bad++;
        }
        worst32 = Math.max(worst32, Double.isNaN(d32) ? Double.POSITIVE_INFINITY : d32);
        worst16 = Math.max(worst16, Double.isNaN(d16) ? Double.POSITIVE_INFINITY : d16);
      }
      check =
          String.format(
              Locale.ROOT,
              "%s fp32 %.1e fp16 %.1e",
              bad == 0 ? "ok" : "FAIL " + bad + " values",
              worst32,
              worst16);
      if (bad > 0) {
        failures++;
      }
      double[] us = b.time(op, warmup, Math.max(reps / 4, 10));
      double bytes = 6.0 * values + 2.0 * cropPixels(c);
      return new Row(
          "preprocess",
          shape,
          check,
          median(us),
          Arrays.stream(us).min().orElse(Double.NaN),
          bytes,
          "bytes = outputs + stored pixels inside the clamped crops");
    }
  }

  /** Stored pixels inside each slice's grown, image-clamped box: what the kernel can read. */
  private static long cropPixels(PreprocessCase c) {
    long sum = 0;
    for (int s = 0; s < c.n(); s++) {
      double[] bx = Arrays.copyOfRange(c.boxes(), 4 * s, 4 * s + 4);
      double mx = c.spec().margin() * (bx[2] - bx[0]);
      double my = c.spec().margin() * (bx[3] - bx[1]);
      long x0 = Math.max(0, (long) Math.floor(bx[0] - mx));
      long y0 = Math.max(0, (long) Math.floor(bx[1] - my));
      long x1 = Math.min(c.width(), (long) Math.ceil(bx[2] + mx));
      long y1 = Math.min(c.height(), (long) Math.ceil(bx[3] + my));
      sum += Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
    }
    return sum;
  }

  private static Row head(Backend b, HeadCase c, boolean expectFault, int reps, int warmup) {
    int n = c.n();
    int k = c.k();
    int d = c.d();
    String shape =
        String.format(
            Locale.ROOT, "N=%d K=%d D=%d%s", n, k, d, expectFault ? ", NaN in row 5" : "");
    try (Arena a = Arena.ofConfined();
        Buffer e = b.allocate(4L * n * d);
        Buffer p = b.allocate(4L * k * d);
        Buffer prob = b.allocate(4L * n * k);
        Buffer dist = b.allocate(4L * n * k);
        Buffer grades = b.allocate(4L * n);
        Buffer ood = b.allocate(4L * n);
        Buffer bad = b.allocate(4L * n)) {
      b.upload(a.allocateFrom(JAVA_FLOAT, c.flatEmbeddings()), e);
      b.upload(a.allocateFrom(JAVA_FLOAT, c.flatPrototypes()), p);
      for (Buffer out : List.of(prob, dist, grades, ood, bad)) {
        b.poison(out);
      }
      Runnable op =
          () ->
              b.lib()
                  .prototypeHead(
                      e.segment(),
                      n,
                      p.segment(),
                      k,
                      d,
                      c.temperature(),
                      c.oodScale(),
                      prob.segment(),
                      dist.segment(),
                      grades.segment(),
                      ood.segment(),
                      bad.segment(),
                      b.stream());
      op.run();
      float[] gotP = download(b, a, prob, n * k);
      float[] gotD = download(b, a, dist, n * k);
      float[] gotO = download(b, a, ood, n);
      MemorySegment g = a.allocate(JAVA_INT, n);
      MemorySegment nf = a.allocate(JAVA_INT, n);
      b.download(grades, g);
      b.download(bad, nf);
      int wrong = 0;
      double worstD = 0;
      double worstP = 0;
      for (int i = 0; i < n; i++) {
        int flagged = nf.getAtIndex(JAVA_INT, i);
        if (expectFault && i == 5) {
          if (flagged != 1234 || g.getAtIndex(JAVA_INT, i) != -1 || !Float.isNaN(gotO[i])) {
            wrong++;
          }
          continue;
        }
        ReferenceGrade ref = c.reference(i);
        if (flagged != -1) {
          wrong++;
          continue;
        }
        for (int j = 0; j < k; j++) {
          double rd = ref.squaredDistances()[j];
          double dd = Math.abs(gotD[i * k + j] - rd) / Math.max(rd, Double.MIN_NORMAL);
          double dp = Math.abs(gotP[i * k + j] - ref.probabilities()[j]);
          if (!(dd <= KernelReference.HEAD_RELATIVE) || !(dp <= KernelReference.HEAD_PROBABILITY)) {
            wrong++;
          }
          worstD = Math.max(worstD, Double.isNaN(dd) ? Double.POSITIVE_INFINITY : dd);
          worstP = Math.max(worstP, Double.isNaN(dp) ? Double.POSITIVE_INFINITY : dp);
        }
        double dO = Math.abs(gotO[i] - ref.oodScore()) / ref.oodScore();
        if (!(dO <= KernelReference.HEAD_RELATIVE)
            || (KernelReference.clearlyNearest(ref) && g.getAtIndex(JAVA_INT, i) != ref.grade())) {
          wrong++;
        }
      }
      if (wrong > 0) {
        failures++;
      }
      String check =
          expectFault
              ? (wrong == 0 ? "ok: row 5 flagged at 1234" : "FAIL: NaN row not flagged alone")
              : String.format(
                  Locale.ROOT,
                  "%s dist %.1e prob %.1e",
                  wrong == 0 ? "ok" : "FAIL " + wrong,
                  worstD,
                  worstP);
      if (reps == 0) {
        return new Row("head", shape, check, Double.NaN, Double.NaN, 0, "fault check, not timed");
      }
      double[] us = b.time(op, warmup, reps);
      double bytes = 4.0 * ((long) n * d + (long) k * d + 2L * n * k + 3L * n);
      return new Row(
          "head",
          shape,
          check,
          median(us),
          Arrays.stream(us).min().orElse(Double.NaN),
          bytes,
          "bytes = embeddings + prototypes + outputs");
    }
  }

  private static float[] download(Backend b, Arena a, Buffer from, int count) {
    MemorySegment host = a.allocate(JAVA_FLOAT, Math.max(1, count));
    b.download(from, host.asSlice(0, 4L * count));
    return host.asSlice(0, 4L * count).toArray(JAVA_FLOAT);
  }

  private static Row histogram(
      Backend b,
      SplittableRandom r,
      int n,
      int w,
      int h,
      SampleEncoding enc,
      int reps,
      int warmup) {
    List<short[]> slices = KernelReference.slices(r, n, w, h, enc);
    long count = (long) n * w * h;
    String shape =
        String.format(
            Locale.ROOT,
            "%d x %dx%d, %d bits %s",
            n,
            w,
            h,
            enc.bitsStored(),
            enc.signed() ? "signed" : "unsigned");
    try (Arena a = Arena.ofConfined();
        Buffer in = b.allocate(2 * count);
        Buffer counts = b.allocate(8L * enc.bins())) {
      short[] flat = new short[(int) count];
      for (int s = 0; s < n; s++) {
        System.arraycopy(slices.get(s), 0, flat, s * w * h, w * h);
      }
      b.upload(a.allocateFrom(JAVA_SHORT, flat), in);
      b.poison(counts);
      Runnable op =
          () -> {
            b.lib().histogramClear(counts.segment(), enc.bitsStored(), b.stream());
            b.lib()
                .histogramAccumulate(
                    in.segment(),
                    count,
                    enc.bitsStored(),
                    enc.signed(),
                    counts.segment(),
                    b.stream());
          };
      op.run();
      MemorySegment got = a.allocate(JAVA_LONG, enc.bins());
      b.download(counts, got);
      long[] expected = KernelReference.counts(slices, enc);
      boolean countsOk = Arrays.equals(expected, got.toArray(JAVA_LONG));
      double[] window = b.lib().histogramWindow(got, enc, 0.5, 99.5);
      Preprocessing.Window ref = KernelReference.window(slices, enc);
      boolean windowOk = window[0] == ref.low() && window[1] == ref.high();
      if (!countsOk || !windowOk) {
        failures++;
      }
      String check =
          (countsOk ? "counts exact" : "FAIL counts")
              + ", "
              + (windowOk ? "window exact" : "FAIL window " + Arrays.toString(window));
      double[] us = b.time(op, warmup, Math.max(reps / 4, 10));
      return new Row(
          "histogram",
          shape,
          check,
          median(us),
          Arrays.stream(us).min().orElse(Double.NaN),
          2.0 * count,
          "clear + accumulate; bytes = samples read");
    }
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
