package io.cordwatch.infer;

import io.cordwatch.device.DeviceProfile;
import io.cordwatch.device.ProfileDetector;
import io.cordwatch.gpu.KernelException;
import io.cordwatch.gpu.KernelLibrary;
import io.cordwatch.gpu.tensorrt.CalibrationSource;
import io.cordwatch.gpu.tensorrt.GpuBackbone;
import io.cordwatch.gpu.tensorrt.Precision;
import io.cordwatch.gpu.tensorrt.TensorRt;
import io.cordwatch.gpu.tensorrt.TensorRtOptions;
import io.cordwatch.gpu.tensorrt.TensorRtUnavailableException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The way from device profile to grading engine, in one place: {@code app} calls {@link #select}
 * with the detected profile, the bundle and the open CPU engine, and gets the engine back with the
 * reason for it ({@link FallbackEngine#state()}); no {@code gpu.tensorrt} type reaches {@code app}.
 *
 * <p>Chooses the grading engine at start-up: the GPU when the device profile asks for it and all
 * three parts of the GPU path come up, else the CPU, with the reason in one log line. Either way
 * the result is a {@link FallbackEngine} over an already-open CPU engine, so a GPU fault later
 * costs no start-up time.
 *
 * <p>The GPU path is the fused pipeline ({@link FusedEngine#tensorRt}), so it needs, in the order
 * they are checked (cheapest first; the first missing one is the reason given):
 *
 * <ol>
 *   <li>our CUDA kernel library, loaded by {@link KernelLibrary#cuda()} with its ABI version
 *       checked ({@code LIBRARY_MISSING}, {@code ABI_MISMATCH});
 *   <li>CUDA and TensorRT: the presets on the class path, their native libraries, a CUDA device,
 *       and the engine built or loaded from the cache ({@code TensorRt.open});
 *   <li>the kernels running on that device: the pipeline's start-up probe launches one and reads
 *       its result back, so a library without code for this GPU's architecture, or a driver too old
 *       for it, is found now rather than on the first study.
 * </ol>
 *
 * An INT8 profile calibrates on the bundle's calibration slices ({@code cordwatch bundle
 * add-calibration}); with a bundle that has none it builds an FP16 engine instead and says so in
 * the log and in the engine's reason (docs/gpu.md, "INT8"): a GPU at FP16 beats the CPU by far, and
 * a quantisation made on no data would not be one.
 */
public final class EngineSelection {
  private static final Logger LOG = Logger.getLogger(EngineSelection.class.getName());

  /** Items per INT8 calibration batch (TensorRT's calibration profile is built for it). */
  static final int CALIBRATION_BATCH = 8;

  /** The longest wait between GPU retries, as a multiple of {@code gpu-retry}. */
  static final int RETRY_MAX_FACTOR = 16;

  private EngineSelection() {}

  /**
   * What selection needs from the settings.
   *
   * @param engineCache where built TensorRT engines are kept, per GPU and TensorRT version
   * @param gpuRetry after a GPU fault, how long grading stays on the CPU before the GPU is tried
   *     again (the wait grows up to {@link #RETRY_MAX_FACTOR} times this)
   */
  public record Options(Path engineCache, Duration gpuRetry) {}

  /**
   * The engine for this profile and bundle: a {@link FallbackEngine} over {@code cpu}, on the GPU
   * first when the profile asks for it and the GPU path comes up; its {@link
   * FallbackEngine#state()} says which and why.
   *
   * @param listener told of GPU faults, CPU-fallback batches and restores (the meters)
   */
  public static FallbackEngine select(
      ProfileDetector.Detection detection,
      Bundle bundle,
      BackboneEngine cpu,
      Options options,
      FallbackEngine.Listener listener,
      Clock clock) {
    return select(detection, bundle, cpu, options, listener, clock, KernelLibrary::cuda);
  }

  /** {@link #select} with the CUDA kernels' loader given (tests give one that fails). */
  static FallbackEngine select(
      ProfileDetector.Detection detection,
      Bundle bundle,
      BackboneEngine cpu,
      Options config,
      FallbackEngine.Listener listener,
      Clock clock,
      Supplier<KernelLibrary> cudaKernels) {
    DeviceProfile p = detection.profile();
    if (!p.gpu()) {
      String why = "profile " + p.id() + ": " + last(detection);
      LOG.info("engine: " + cpu.name() + " (CPU); " + why);
      return FallbackEngine.cpuOnly(cpu, clock, false, why);
    }
    TensorRtOptions options;
    BackboneEngine gpu;
    Precision precision = Precision.valueOf(p.precision().name());
    String note = "";
    if (precision == Precision.INT8 && bundle.calibration().isEmpty()) {
      precision = Precision.FP16;
      note =
          "; int8 asked, fp16 built: the bundle has no calibration slices (add them with"
              + " 'cordwatch bundle add-calibration')";
      LOG.warning("engine: profile " + p.id() + note);
    }
    String label = "profile " + p.id() + note;
    try {
      options = options(config, p, precision, bundle, cpu.inputShape().channels());
      gpu = open(options, bundle, cudaKernels);
    } catch (TensorRtUnavailableException
        | BundleException
        | IllegalArgumentException
        | KernelException
        | EngineException e) {
      String why = "profile " + p.id() + " asks for the GPU, but " + e.getMessage() + note;
      LOG.warning("engine: " + cpu.name() + " (CPU, degraded); " + why);
      return FallbackEngine.cpuOnly(cpu, clock, true, why);
    }
    Duration retry = config.gpuRetry();
    LOG.info(
        "engine: " + gpu.name() + " (GPU, profile " + p.id() + "); CPU fallback " + cpu.name());
    return FallbackEngine.gpuFirst(
        gpu,
        cpu,
        new FallbackEngine.Retry(
            () -> open(options, bundle, cudaKernels), retry, retry.multipliedBy(RETRY_MAX_FACTOR)),
        clock,
        listener,
        label);
  }

  /**
   * The engine's options from the profile and bundle; for INT8 the bundle's calibration slices,
   * normalised for a backbone of {@code channels} input channels.
   */
  private static TensorRtOptions options(
      Options config, DeviceProfile p, Precision precision, Bundle bundle, int channels) {
    Optional<CalibrationSource> calibration =
        precision == Precision.INT8
            ? bundle
                .calibration()
                .map(c -> c.open(bundle.preprocessing(), channels, CALIBRATION_BATCH))
            : Optional.empty();
    return new TensorRtOptions(
        bundle.backbone().path(),
        bundle.backbone().sha256(),
        bundle.preprocessing().inputSize(),
        precision,
        p.maxBatch(),
        Math.min(p.maxBatch(), 8),
        p.dla().use() ? 0 : -1,
        p.workspaceBytes(),
        config.engineCache(),
        calibration,
        0);
  }

  /** Kernels, then TensorRT, then the fused pipeline with its probe; each failure says which. */
  private static BackboneEngine open(
      TensorRtOptions options, Bundle bundle, Supplier<KernelLibrary> cudaKernels) {
    KernelLibrary kernels;
    try {
      kernels = cudaKernels.get();
    } catch (KernelException e) {
      throw new KernelException(
          e.code(), "our CUDA kernel library did not load (" + e.getMessage() + ")", e);
    }
    GpuBackbone trt = TensorRt.open(options);
    try {
      return FusedEngine.tensorRt(trt, kernels, bundle);
    } catch (KernelException e) {
      throw new KernelException(
          e.code(),
          "our CUDA kernels do not run with "
              + trt.name()
              + " on this GPU ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static String last(ProfileDetector.Detection d) {
    return d.reasons().isEmpty() ? "" : d.reasons().getLast();
  }
}
