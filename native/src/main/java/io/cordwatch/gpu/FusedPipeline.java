package io.cordwatch.gpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * One series from stored 16-bit samples to grades in one pass over kernel memory: the series window
 * from a histogram, then, chunk by chunk, {@code preprocess} kernel -> backbone -> {@code
 * prototype_head} kernel, and a single copy of every slice's results back to the host. Nothing of
 * the embeddings ever reaches Java.
 *
 * <p><b>Why a whole series at a time.</b> The window is a property of the series
 * (docs/model-bundle.md, step 2), so every sample must be counted before any slice is normalised.
 * The series' samples go to kernel memory once, in one copy: graded slices first, back to back, so
 * each chunk of the preprocess kernel reads a contiguous run, then the slices without a canal box,
 * which count towards the window only. The histogram is accumulated over all of them where the
 * samples already are, and its 512 KiB of counts come back for {@code cw_histogram_window}, which
 * is host code in both builds: that is the one synchronisation before grading, and it moves counts,
 * not pixels or embeddings.
 *
 * <p><b>Chunks</b> of at most the backbone's batch run on one stream and reuse one input buffer and
 * one embedding buffer: stream order keeps chunk c + 1's preprocess from overwriting chunk c's
 * input before the backbone has read it. Each chunk's head writes its rows into one results block
 * laid out for the whole series (probabilities, grades, OOD scores, non-finite markers), so the
 * series ends with one device-to-host copy and one synchronisation, and {@link
 * KernelLibrary#checkRows} then refuses a series whose backbone produced NaN or infinity anywhere,
 * naming the slice.
 *
 * <p><b>Memory</b> is the {@link PipelineMemory}'s: device memory and pinned staging with the CUDA
 * build, host memory with the host build, which is how this exact orchestration runs and is tested
 * on a machine without a GPU. Buffers are sized at open for one batch; the series buffers grow to
 * the largest series seen, up to {@link Config#maxSeriesBytes} (a larger series is refused with
 * {@code BAD_SIZE}, and the caller grades it the per-batch way).
 *
 * <p><b>Start-up probe.</b> {@link #open} launches a kernel and reads its result back, so a kernel
 * library that loads but cannot run on this device (no image for its architecture, a driver too
 * old) is found at start-up, not on the first study.
 *
 * <p>Thread-safe: {@link #run} and {@link #close} are synchronised. The pipeline owns its memory
 * and closes it; it does not own the backbone.
 */
public final class FusedPipeline implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FusedPipeline.class.getName());

  /**
   * The largest series, in bytes of stored samples, the pipeline keeps resident by default: 256
   * MiB, a 500-slice 512 x 512 series. The buffers are kept twice (device and pinned staging) and
   * grow only to the largest series seen; an 8 GB Jetson shares that memory with TensorRT.
   */
  public static final long DEFAULT_MAX_SERIES_BYTES = 256L << 20;

  /** Histogram bins for the widest samples (16 bits), so one counts buffer serves every series. */
  private static final int MAX_BINS = 1 << 16;

  private static final long GROW = 1L << 20;

  /**
   * The prototype head as the bundle gives it.
   *
   * @param prototypes K x D float32, row-major, finite
   * @param classes K, 1..1024
   * @param temperature T > 0, finite
   * @param oodScale > 0, finite
   */
  public record Head(float[] prototypes, int classes, double temperature, double oodScale) {
    public Head {
      Objects.requireNonNull(prototypes, "prototypes");
      if (classes < 1 || classes > 1024) {
        throw new IllegalArgumentException("classes must be 1..1024, got " + classes);
      }
      if (prototypes.length == 0 || prototypes.length % classes != 0) {
        throw new IllegalArgumentException(
            prototypes.length + " prototype values are not " + classes + " rows");
      }
      for (int i = 0; i < prototypes.length; i++) {
        if (!Float.isFinite(prototypes[i])) {
          throw new IllegalArgumentException(
              "prototype value " + i + " is " + prototypes[i] + ", prototypes must be finite");
        }
      }
      if (!(temperature > 0) || !Double.isFinite(temperature)) {
        throw new IllegalArgumentException("temperature must be finite and > 0: " + temperature);
      }
      if (!(oodScale > 0) || !Double.isFinite(oodScale)) {
        throw new IllegalArgumentException("ood scale must be finite and > 0: " + oodScale);
      }
      prototypes = prototypes.clone();
    }

    @Override
    public float[] prototypes() {
      return prototypes.clone();
    }

    /** D. */
    public int width() {
      return prototypes.length / classes;
    }
  }

  /**
   * What the pipeline computes, from the bundle.
   *
   * @param input the backbone input the preprocess kernel writes
   * @param windowLowPercent the window's low percentile, 0..100
   * @param windowHighPercent the window's high percentile, 0..100
   * @param head the prototype head
   * @param maxSeriesBytes the largest series (stored samples) to keep resident
   */
  public record Config(
      InputSpec input,
      double windowLowPercent,
      double windowHighPercent,
      Head head,
      long maxSeriesBytes) {
    public Config {
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(head, "head");
      if (!(windowLowPercent >= 0 && windowLowPercent <= 100)
          || !(windowHighPercent >= 0 && windowHighPercent <= 100)) {
        throw new IllegalArgumentException(
            "window percentiles must be 0..100: " + windowLowPercent + ", " + windowHighPercent);
      }
      if (maxSeriesBytes < 1) {
        throw new IllegalArgumentException("maxSeriesBytes must be positive: " + maxSeriesBytes);
      }
    }
  }

  /**
   * One series, every frame encoded alike.
   *
   * @param width Columns of every slice
   * @param height Rows of every slice
   * @param encoding how every slice's samples read
   * @param slices every slice of the series, height x width samples each (8-bit samples widened);
   *     all count towards the window
   * @param graded indices into {@code slices} of the slices to grade, strictly increasing
   * @param boxes 4 values per graded slice: its canal box x0, y0, x1, y1 in continuous pixel
   *     coordinates
   */
  public record Series(
      int width,
      int height,
      SampleEncoding encoding,
      List<short[]> slices,
      int[] graded,
      double[] boxes) {
    public Series {
      Objects.requireNonNull(encoding, "encoding");
      slices = List.copyOf(slices);
      graded = graded.clone();
      boxes = boxes.clone();
      if (width < 1 || height < 1) {
        throw new IllegalArgumentException("slices of " + width + " x " + height);
      }
      if (slices.isEmpty()) {
        throw new IllegalArgumentException("a series needs at least one slice");
      }
      long pixels = (long) width * height;
      for (int i = 0; i < slices.size(); i++) {
        if (slices.get(i).length != pixels) {
          throw new IllegalArgumentException(
              "slice "
                  + i
                  + " has "
                  + slices.get(i).length
                  + " samples, not "
                  + width
                  + " x "
                  + height);
        }
      }
      for (int i = 0; i < graded.length; i++) {
        if (graded[i] < 0 || graded[i] >= slices.size() || (i > 0 && graded[i] <= graded[i - 1])) {
          throw new IllegalArgumentException(
              "graded slice indices must be strictly increasing in 0.."
                  + (slices.size() - 1)
                  + ": "
                  + Arrays.toString(graded));
        }
      }
      if (boxes.length != 4L * graded.length) {
        throw new IllegalArgumentException(
            boxes.length + " box values for " + graded.length + " graded slices, need 4 each");
      }
    }

    @Override
    public int[] graded() {
      return graded.clone();
    }

    @Override
    public double[] boxes() {
      return boxes.clone();
    }

    /** Bytes of stored samples. */
    public long bytes() {
      return (long) slices.size() * width * height * Short.BYTES;
    }
  }

  /**
   * The results of one series, for its graded slices in the order given.
   *
   * @param windowLow the series window's low end (modality units)
   * @param windowHigh its high end
   * @param classes K
   * @param grades the nearest prototype of each graded slice
   * @param probabilities K per graded slice, row-major
   * @param ood the out-of-distribution score of each graded slice
   * @param windowNanos wall time of the upload and the window
   * @param gradeNanos wall time of the chunks and the copy back
   */
  public record Result(
      double windowLow,
      double windowHigh,
      int classes,
      int[] grades,
      float[] probabilities,
      float[] ood,
      long windowNanos,
      long gradeNanos) {

    /** Number of graded slices. */
    public int count() {
      return grades.length;
    }

    /** Graded slice i's K probabilities. */
    public float[] probabilities(int i) {
      return Arrays.copyOfRange(probabilities, i * classes, (i + 1) * classes);
    }
  }

  private final KernelLibrary kernels;
  private final PipelineMemory memory;
  private final PipelineBackbone backbone;
  private final Config config;
  private final int k;
  private final int d;
  private final int maxBatch;
  private final long itemBytes;
  private final MemorySegment prototypes;
  private final MemorySegment input;
  private final MemorySegment embeddings;
  private final MemorySegment counts;
  private final MemorySegment countsStaging;
  private MemorySegment stored;
  private MemorySegment storedStaging;
  private MemorySegment results;
  private MemorySegment resultsStaging;
  private boolean closed;

  private FusedPipeline(
      KernelLibrary kernels, PipelineMemory memory, PipelineBackbone backbone, Config config) {
    this.kernels = kernels;
    this.memory = memory;
    this.backbone = backbone;
    this.config = config;
    this.k = config.head().classes();
    this.d = config.head().width();
    this.maxBatch = backbone.shape().maxBatch();
    this.itemBytes = config.input().itemValues() * (backbone.shape().halfInput() ? 2 : 4);
    this.prototypes = memory.device(4L * k * d);
    this.input = memory.device(maxBatch * itemBytes);
    this.embeddings = memory.device(4L * maxBatch * d);
    this.counts = memory.device(8L * MAX_BINS);
    this.countsStaging = memory.staging(8L * MAX_BINS);
  }

  /**
   * Allocates the buffers, uploads the prototypes and probes the kernels on the memory's device.
   * The pipeline takes ownership of {@code memory} (closing it on failure too).
   *
   * @throws IllegalArgumentException when the kernels, memory, backbone and config do not fit
   *     together
   * @throws KernelException when the probe fails ({@code CUDA}: the kernels cannot run here)
   */
  public static FusedPipeline open(
      KernelLibrary kernels, PipelineMemory memory, PipelineBackbone backbone, Config config) {
    Objects.requireNonNull(kernels, "kernels");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(backbone, "backbone");
    Objects.requireNonNull(config, "config");
    FusedPipeline p = null;
    try {
      List<String> misfits = new ArrayList<>();
      if (kernels.flavour() != memory.flavour()) {
        misfits.add(kernels.flavour() + " kernels cannot use " + memory.describe());
      }
      PipelineBackbone.Shape shape = backbone.shape();
      if (shape.channels() != config.input().channels()
          || shape.inputSize() != config.input().size()) {
        misfits.add(
            backbone.name()
                + " takes "
                + shape.channels()
                + " x "
                + shape.inputSize()
                + "^2, the preprocessing writes "
                + config.input().channels()
                + " x "
                + config.input().size()
                + "^2");
      }
      if (shape.embeddingWidth() != config.head().width()) {
        misfits.add(
            backbone.name()
                + " gives D = "
                + shape.embeddingWidth()
                + ", the prototypes have D = "
                + config.head().width());
      }
      if (shape.maxBatch() < 1) {
        misfits.add(backbone.name() + " takes batches of at most " + shape.maxBatch());
      }
      if (!misfits.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", misfits));
      }
      p = new FusedPipeline(kernels, memory, backbone, config);
      p.uploadPrototypes();
      p.probe();
      FusedPipeline opened = p;
      LOG.info(
          () ->
              "fused pipeline: "
                  + kernels.flavour().name().toLowerCase(java.util.Locale.ROOT)
                  + " kernels ("
                  + kernels.build()
                  + "), "
                  + backbone.name()
                  + (shape.halfInput() ? " (fp16 input)" : " (fp32 input)")
                  + ", batch "
                  + opened.maxBatch
                  + ", "
                  + memory.describe());
      return p;
    } catch (RuntimeException e) {
      if (p != null) {
        p.close();
      } else {
        memory.close();
      }
      throw e;
    }
  }

  private void uploadPrototypes() {
    float[] values = config.head().prototypes();
    MemorySegment staging = memory.staging(4L * values.length);
    try {
      MemorySegment.copy(values, 0, staging, JAVA_FLOAT, 0, values.length);
      memory.upload(staging, prototypes, 4L * values.length);
      memory.synchronize();
    } finally {
      memory.free(staging);
    }
  }

  /** Poisons two histogram bins, clears them with a kernel, and reads them back. */
  private void probe() {
    countsStaging.asSlice(0, 16).fill((byte) 0xff);
    memory.upload(countsStaging, counts, 16);
    kernels.histogramClear(counts, 1, memory.stream());
    countsStaging.asSlice(0, 16).fill((byte) 0x5a);
    memory.download(counts, countsStaging, 16);
    memory.synchronize();
    if (countsStaging.get(JAVA_LONG, 0) != 0 || countsStaging.get(JAVA_LONG, 8) != 0) {
      throw new KernelException(
          KernelException.Code.CUDA,
          "kernel probe: cw_histogram_clear returned OK but the bins read back are not zero ("
              + memory.describe()
              + ")");
    }
  }

  /** The backbone's batch: graded slices per chunk. */
  public int maxBatch() {
    return maxBatch;
  }

  /** The backbone this pipeline runs. */
  public String backboneName() {
    return backbone.name();
  }

  /** Which kernel build. */
  public KernelLibrary.Flavour flavour() {
    return kernels.flavour();
  }

  /**
   * Grades one series.
   *
   * @throws KernelException {@code BAD_SIZE} when the series is larger than {@link
   *     Config#maxSeriesBytes}; the kernels' codes when one refuses its arguments (a box outside
   *     its image: {@code BAD_BOX}; a slope that is not positive: {@code UNSUPPORTED}); {@code
   *     CUDA} when CUDA fails; {@code NON_FINITE}, naming the slice, when an embedding is not
   *     finite. The first group means "not this series", the others a broken device or backbone.
   * @throws RuntimeException whatever the backbone throws
   */
  public synchronized Result run(Series series) {
    if (closed) {
      throw new KernelException(KernelException.Code.CLOSED, "fused pipeline used after close");
    }
    Objects.requireNonNull(series, "series");
    long bytes = series.bytes();
    if (bytes > config.maxSeriesBytes()) {
      throw new KernelException(
          KernelException.Code.BAD_SIZE,
          "a series of "
              + bytes
              + " bytes of samples is larger than the fused pipeline keeps resident ("
              + config.maxSeriesBytes()
              + ")");
    }
    long t0 = System.nanoTime();
    int n = series.slices().size();
    int w = series.width();
    int h = series.height();
    int pixels = w * h;
    int[] graded = series.graded();
    int g = graded.length;
    SampleEncoding enc = series.encoding();

    ensureStored(bytes);
    boolean[] isGraded = new boolean[n];
    long at = 0;
    for (int idx : graded) {
      isGraded[idx] = true;
      MemorySegment.copy(series.slices().get(idx), 0, storedStaging, JAVA_SHORT, at, pixels);
      at += 2L * pixels;
    }
    for (int i = 0; i < n; i++) {
      if (!isGraded[i]) {
        MemorySegment.copy(series.slices().get(i), 0, storedStaging, JAVA_SHORT, at, pixels);
        at += 2L * pixels;
      }
    }
    MemorySegment stream = memory.stream();
    memory.upload(storedStaging, stored, bytes);
    kernels.histogramClear(counts, enc.bitsStored(), stream);
    kernels.histogramAccumulate(
        stored, (long) n * pixels, enc.bitsStored(), enc.signed(), counts, stream);
    memory.download(counts, countsStaging, 8L * enc.bins());
    memory.synchronize();
    double[] window =
        kernels.histogramWindow(
            countsStaging, enc, config.windowLowPercent(), config.windowHighPercent());
    long t1 = System.nanoTime();
    if (g == 0) {
      return new Result(
          window[0], window[1], k, new int[0], new float[0], new float[0], t1 - t0, 0);
    }

    long resultBytes = 4L * g * (k + 3);
    ensureResults(resultBytes);
    long gradesAt = 4L * g * k;
    long oodAt = gradesAt + 4L * g;
    long badAt = oodAt + 4L * g;
    double[] boxes = series.boxes();
    boolean half = backbone.shape().halfInput();
    for (int c0 = 0; c0 < g; c0 += maxBatch) {
      int m = Math.min(maxBatch, g - c0);
      kernels.preprocess(
          stored.asSlice(2L * c0 * pixels),
          m,
          w,
          h,
          enc,
          window[0],
          window[1],
          Arrays.copyOfRange(boxes, 4 * c0, 4 * (c0 + m)),
          config.input(),
          half ? MemorySegment.NULL : input,
          half ? input : MemorySegment.NULL,
          stream);
      backbone.enqueue(input, embeddings, m, stream);
      kernels.prototypeHead(
          embeddings,
          m,
          prototypes,
          k,
          d,
          config.head().temperature(),
          config.head().oodScale(),
          results.asSlice(4L * c0 * k),
          MemorySegment.NULL,
          results.asSlice(gradesAt + 4L * c0),
          results.asSlice(oodAt + 4L * c0),
          results.asSlice(badAt + 4L * c0),
          stream);
    }
    memory.download(results, resultsStaging, resultBytes);
    memory.synchronize();
    int[] nonfinite = resultsStaging.asSlice(badAt, 4L * g).toArray(JAVA_INT);
    KernelLibrary.checkRows(
        nonfinite,
        i -> "the embedding of slice " + graded[i] + " (graded slice " + i + " of the series)");
    Result r =
        new Result(
            window[0],
            window[1],
            k,
            resultsStaging.asSlice(gradesAt, 4L * g).toArray(JAVA_INT),
            resultsStaging.asSlice(0, 4L * g * k).toArray(JAVA_FLOAT),
            resultsStaging.asSlice(oodAt, 4L * g).toArray(JAVA_FLOAT),
            t1 - t0,
            System.nanoTime() - t1);
    return r;
  }

  private void ensureStored(long bytes) {
    if (stored == null || stored.byteSize() < bytes) {
      long size = roundUp(bytes);
      if (stored != null) {
        memory.free(stored);
        memory.free(storedStaging);
        stored = null;
        storedStaging = null;
      }
      storedStaging = memory.staging(size);
      stored = memory.device(size);
    }
  }

  private void ensureResults(long bytes) {
    if (results == null || results.byteSize() < bytes) {
      long size = roundUp(bytes);
      if (results != null) {
        memory.free(results);
        memory.free(resultsStaging);
        results = null;
        resultsStaging = null;
      }
      resultsStaging = memory.staging(size);
      results = memory.device(size);
    }
  }

  private static long roundUp(long bytes) {
    return (bytes + GROW - 1) / GROW * GROW;
  }

  /** Waits for the stream and releases every buffer (the memory is closed). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    memory.close();
  }
}
