package io.cordwatch.gpu.tensorrt;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to build and run the engine.
 *
 * @param onnx the backbone graph
 * @param bundleChecksum the graph's sha256 (from bundle.json), part of the cache key
 * @param inputSize S, the height and width of the preprocessed input
 * @param precision the layer precision
 * @param maxBatch the largest batch (the optimisation profile runs 1..maxBatch)
 * @param optBatch the batch TensorRT tunes for, 1..maxBatch
 * @param dlaCore the Jetson DLA core to run on with GPU fallback, or -1 for the GPU
 * @param workspaceBytes the builder's workspace limit
 * @param cacheDir where serialized engines and timing caches are kept
 * @param calibration calibration batches, required for INT8
 * @param device the CUDA device index
 */
public record TensorRtOptions(
    Path onnx,
    String bundleChecksum,
    int inputSize,
    Precision precision,
    int maxBatch,
    int optBatch,
    int dlaCore,
    long workspaceBytes,
    Path cacheDir,
    Optional<CalibrationSource> calibration,
    int device) {

  /** TensorRT's dynamic batch ceiling we build for; profiles ask for at most this. */
  public static final int MAX_BATCH = 64;

  public TensorRtOptions {
    Objects.requireNonNull(onnx, "onnx");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(cacheDir, "cacheDir");
    Objects.requireNonNull(calibration, "calibration");
    if (bundleChecksum == null || !bundleChecksum.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("bundleChecksum must be 64 hex digits: " + bundleChecksum);
    }
    if (inputSize < 1 || inputSize > 4096) {
      throw new IllegalArgumentException("inputSize must be 1..4096: " + inputSize);
    }
    if (maxBatch < 1 || maxBatch > MAX_BATCH) {
      throw new IllegalArgumentException("maxBatch must be 1.." + MAX_BATCH + ": " + maxBatch);
    }
    if (optBatch < 1 || optBatch > maxBatch) {
      throw new IllegalArgumentException("optBatch must be 1..maxBatch: " + optBatch);
    }
    if (dlaCore < -1 || dlaCore > 1) {
      throw new IllegalArgumentException("dlaCore must be -1 (GPU), 0 or 1: " + dlaCore);
    }
    if (dlaCore >= 0 && precision == Precision.FP32) {
      throw new IllegalArgumentException("the DLA runs fp16 or int8, not fp32");
    }
    if (workspaceBytes < (16L << 20)) {
      throw new IllegalArgumentException(
          "workspaceBytes must be at least 16 MiB: " + workspaceBytes);
    }
    if (precision == Precision.INT8 && calibration.isEmpty()) {
      throw new IllegalArgumentException(
          "INT8 needs calibration slices (bundle calibration), none were given");
    }
    if (device < 0) {
      throw new IllegalArgumentException("device must be >= 0: " + device);
    }
  }
}
