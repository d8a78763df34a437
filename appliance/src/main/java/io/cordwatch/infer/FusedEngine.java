package io.cordwatch.infer;

import io.cordwatch.gpu.FusedPipeline;
import io.cordwatch.gpu.HostMemory;
import io.cordwatch.gpu.InputSpec;
import io.cordwatch.gpu.KernelException;
import io.cordwatch.gpu.KernelLibrary;
import io.cordwatch.gpu.SampleEncoding;
import io.cordwatch.gpu.tensorrt.GpuBackbone;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A backbone with the fused pipeline around it ({@link io.cordwatch.gpu.FusedPipeline}): {@link
 * #gradeSeries} runs preprocess kernel -> backbone -> prototype-head kernel over a whole series,
 * and {@link #embed} runs the backbone alone for the series the fused pass does not take, so the
 * grader can use either.
 *
 * <p>Two of them exist. {@link #tensorRt}: the production GPU path, the CUDA kernels around the
 * TensorRT engine on one stream. {@link #host}: the host build of the same kernels around any
 * engine that runs on host memory (ONNX Runtime) — the same orchestration code, with host memory
 * instead of device memory, so that it is exercised and compared with the CPU path on machines
 * without a GPU (and can be benchmarked against it).
 *
 * <p>Failures are sorted for the {@link FallbackEngine}: a kernel refusing the series' arguments (a
 * size, a value, a box, an unsupported rescale) or a series larger than the pipeline keeps means
 * "not this series" and answers empty, so the grader goes per batch; CUDA errors, a backbone
 * failure and non-finite embeddings are {@link EngineException.Code#RUN_FAILED}, a device fault.
 * Non-finite embeddings count as a device fault, not a bad study, because on the GPU they come from
 * the FP16 engine (an overflow the float32 CPU engine does not have); if the CPU engine also
 * produces them, the per-batch path refuses the series as before.
 *
 * <p>Thread-safe (synchronised). Closing closes the pipeline, then the backbone engine it was
 * given: this object owns both.
 */
public final class FusedEngine implements BackboneEngine, SeriesEngine {
  private static final Logger LOG = Logger.getLogger(FusedEngine.class.getName());

  private final String name;
  private final BackboneEngine perBatch;
  private final FusedPipeline pipeline;
  private boolean closed;

  private FusedEngine(String name, BackboneEngine perBatch, FusedPipeline pipeline) {
    this.name = name;
    this.perBatch = perBatch;
    this.pipeline = pipeline;
  }

  /**
   * The GPU path: the CUDA kernels around a TensorRT engine, on the engine's stream.
   *
   * @param gpu an open TensorRT engine; owned by the result (closed on failure too)
   * @param cudaKernels the CUDA build of the kernels
   * @throws IllegalArgumentException when the engine does not fit the bundle
   * @throws KernelException when the kernels fail their start-up probe on this GPU
   */
  public static FusedEngine tensorRt(GpuBackbone gpu, KernelLibrary cudaKernels, Bundle bundle) {
    try {
      FusedPipeline p = gpu.fuse(cudaKernels, config(bundle, gpu.channels()));
      return new FusedEngine(gpu.name() + " + cuda kernels", new TensorRtBackbone(gpu), p);
    } catch (RuntimeException e) {
      gpu.close();
      throw e;
    }
  }

  /**
   * The host build of the kernels around an engine that runs on host memory.
   *
   * @param backbone the engine (for example {@link OnnxRuntimeEngine}); owned by the result (closed
   *     on failure too)
   * @param halfInput whether the preprocess kernel writes binary16 (widened again for the engine),
   *     as for an FP16 TensorRT engine
   * @param maxBatch graded slices per backbone call
   */
  public static FusedEngine host(
      BackboneEngine backbone, Bundle bundle, boolean halfInput, int maxBatch) {
    Objects.requireNonNull(backbone, "backbone");
    FusedPipeline p;
    try {
      p =
          FusedPipeline.open(
              KernelLibrary.host(),
              new HostMemory(),
              new HostBackboneStep(backbone, halfInput, maxBatch),
              config(bundle, backbone.inputShape().channels()));
    } catch (RuntimeException e) {
      backbone.close();
      throw e;
    }
    return new FusedEngine(
        "host-kernels" + (halfInput ? "-fp16" : "") + " + " + backbone.name(), backbone, p);
  }

  /** What the pipeline computes, from the bundle: its preprocessing and its head. */
  static FusedPipeline.Config config(Bundle bundle, int channels) {
    PreprocessingSpec s = bundle.preprocessing();
    float[][] rows = bundle.prototypes();
    int d = rows[0].length;
    float[] flat = new float[rows.length * d];
    for (int k = 0; k < rows.length; k++) {
      System.arraycopy(rows[k], 0, flat, k * d, d);
    }
    return new FusedPipeline.Config(
        new InputSpec(s.inputSize(), channels, s.roiMargin(), s.mean(), s.std()),
        s.windowLowPercentile(),
        s.windowHighPercentile(),
        new FusedPipeline.Head(flat, rows.length, bundle.temperature(), bundle.oodScale()),
        FusedPipeline.DEFAULT_MAX_SERIES_BYTES);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public InputShape inputShape() {
    return perBatch.inputShape();
  }

  @Override
  public int embeddingWidth() {
    return perBatch.embeddingWidth();
  }

  @Override
  public synchronized float[][] embed(FloatBuffer nchw, int batch) {
    open();
    return perBatch.embed(nchw, batch);
  }

  @Override
  public synchronized Optional<Grades> gradeSeries(Series series) {
    open();
    Preprocessing.PixelEncoding e = series.encoding();
    List<Preprocessing.Box> boxes = series.boxes();
    double[] flat = new double[4 * boxes.size()];
    for (int i = 0; i < boxes.size(); i++) {
      Preprocessing.Box b = boxes.get(i);
      flat[4 * i] = b.x0();
      flat[4 * i + 1] = b.y0();
      flat[4 * i + 2] = b.x1();
      flat[4 * i + 3] = b.y1();
    }
    FusedPipeline.Result r;
    try {
      r =
          pipeline.run(
              new FusedPipeline.Series(
                  series.width(),
                  series.height(),
                  new SampleEncoding(
                      e.bitsStored(), e.signed(), e.slope(), e.intercept(), e.monochrome1()),
                  series.slices(),
                  series.graded(),
                  flat));
    } catch (KernelException k) {
      switch (k.code()) {
        case BAD_SIZE, BAD_VALUE, BAD_BOX, UNSUPPORTED, NULL_POINTER -> {
          LOG.info(() -> name + ": not this series (" + k.getMessage() + "); graded per batch");
          return Optional.empty();
        }
        case CLOSED -> throw new EngineException(EngineException.Code.CLOSED, k.getMessage(), k);
        default ->
            throw new EngineException(
                EngineException.Code.RUN_FAILED, k.code() + ": " + k.getMessage(), k);
      }
    } catch (EngineException x) {
      throw x.code() == EngineException.Code.CLOSED
          ? x
          : new EngineException(EngineException.Code.RUN_FAILED, x.getMessage(), x);
    } catch (RuntimeException x) {
      throw new EngineException(
          EngineException.Code.RUN_FAILED, x.getClass().getSimpleName() + ": " + x.getMessage(), x);
    }
    float[][] p = new float[r.count()][];
    for (int i = 0; i < p.length; i++) {
      p[i] = r.probabilities(i);
    }
    return Optional.of(
        new Grades(
            new Preprocessing.Window(r.windowLow(), r.windowHigh()),
            r.grades(),
            p,
            r.ood(),
            r.windowNanos(),
            r.gradeNanos()));
  }

  private void open() {
    if (closed) {
      throw new EngineException(EngineException.Code.CLOSED, name + " is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        pipeline.close();
      } finally {
        perBatch.close();
      }
    }
  }
}
