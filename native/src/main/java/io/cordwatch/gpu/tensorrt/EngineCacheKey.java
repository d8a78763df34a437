package io.cordwatch.gpu.tensorrt;

import java.util.Locale;
import java.util.Objects;

/**
 * Names of the cached files. A serialized TensorRT engine is valid only for the GPU model it was
 * tuned on, the TensorRT version that built it and the exact graph and settings, so every one of
 * those is in its name; a change of any of them misses the cache and rebuilds, never loads a plan
 * that TensorRT would reject or, worse, run with the wrong precision.
 *
 * <p>The timing cache is shared by every engine built on the same GPU model and TensorRT version:
 * it holds kernel timings, not the graph, so a new bundle builds faster on a box that built one.
 *
 * @param gpuName the CUDA device name ("NVIDIA L4", "Orin")
 * @param major compute capability major
 * @param minor compute capability minor
 * @param tensorRtVersion "10.6.0"
 * @param precision the layer precision
 * @param dlaCore -1 for the GPU, else the DLA core
 * @param maxBatch the profile's largest batch
 * @param inputSize S
 * @param bundleChecksum the graph's sha256
 * @param calibrationChecksum for INT8, the calibration data's sha256 (an engine calibrated on other
 *     slices quantises differently); empty for FP32 and FP16
 */
public record EngineCacheKey(
    String gpuName,
    int major,
    int minor,
    String tensorRtVersion,
    Precision precision,
    int dlaCore,
    int maxBatch,
    int inputSize,
    String bundleChecksum,
    String calibrationChecksum) {

  public EngineCacheKey {
    Objects.requireNonNull(calibrationChecksum, "calibrationChecksum");
    if ((precision == Precision.INT8) == calibrationChecksum.isEmpty()) {
      throw new IllegalArgumentException(
          "an INT8 key needs the calibration checksum, and only an INT8 key has one");
    }
  }

  /** The serialized engine's file name. */
  public String engineFile() {
    return "backbone-"
        + bundleChecksum.substring(0, 16)
        + "-"
        + gpuTag()
        + "-trt"
        + tensorRtVersion
        + "-"
        + precision.key()
        + (calibrationChecksum.isEmpty() ? "" : "-cal" + calibrationChecksum.substring(0, 12))
        + (dlaCore >= 0 ? "-dla" + dlaCore : "-gpu")
        + "-b"
        + maxBatch
        + "-s"
        + inputSize
        + ".engine";
  }

  /** The timing cache's file name (per GPU model and TensorRT version). */
  public String timingCacheFile() {
    return "timing-" + gpuTag() + "-trt" + tensorRtVersion + ".cache";
  }

  /** "sm89-nvidia-l4": compute capability and the device name, safe for a file name. */
  String gpuTag() {
    String name =
        gpuName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return "sm" + major + minor + "-" + (name.isEmpty() ? "gpu" : name);
  }
}
