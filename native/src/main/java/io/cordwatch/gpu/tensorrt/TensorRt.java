package io.cordwatch.gpu.tensorrt;

import java.util.List;
import java.util.Optional;

/**
 * The one door to the GPU engine. Checks, in order, that the presets' classes are on the class
 * path, then opens the engine (which loads the CUDA and TensorRT native libraries through JavaCPP,
 * finds a CUDA device, and builds or loads the cached engine). Each failure becomes a {@link
 * TensorRtUnavailableException} with one sentence, so the caller can log it and grade on the CPU.
 *
 * <p>This class touches no JavaCPP type itself; {@link TensorRtEngine} is resolved only after the
 * class check passed, so a CPU-only class path never even loads it.
 */
public final class TensorRt {
  private TensorRt() {}

  /** The presets' classes the engine needs, by jar. */
  static final List<String> REQUIRED_CLASSES =
      List.of(
          "org.bytedeco.javacpp.Loader",
          "org.bytedeco.cuda.global.cudart",
          "org.bytedeco.tensorrt.global.nvinfer",
          "org.bytedeco.tensorrt.global.nvonnxparser");

  /** Why the presets cannot be used, or empty when their classes are all present. */
  public static Optional<String> missingClasses() {
    ClassLoader cl = TensorRt.class.getClassLoader();
    for (String name : REQUIRED_CLASSES) {
      try {
        Class.forName(name, false, cl);
      } catch (ClassNotFoundException | LinkageError e) {
        return Optional.of(
            "the JavaCPP presets for CUDA and TensorRT are not on the class path ("
                + name
                + " missing; see docs/gpu.md, \"Getting the native jars\")");
      }
    }
    return Optional.empty();
  }

  /**
   * Opens the GPU backbone.
   *
   * @throws TensorRtUnavailableException with the reason when it cannot run here
   */
  public static GpuBackbone open(TensorRtOptions options) {
    Optional<String> missing = missingClasses();
    if (missing.isPresent()) {
      throw new TensorRtUnavailableException(missing.get());
    }
    try {
      return TensorRtEngine.open(options);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
      Throwable cause =
          e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
      throw new TensorRtUnavailableException(
          "the CUDA/TensorRT native libraries did not load ("
              + cause.getClass().getSimpleName()
              + ": "
              + String.valueOf(cause.getMessage()).lines().findFirst().orElse("")
              + ")",
          e);
    }
  }
}
