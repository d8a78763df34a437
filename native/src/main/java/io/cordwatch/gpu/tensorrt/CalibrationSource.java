package io.cordwatch.gpu.tensorrt;

import java.nio.FloatBuffer;

/**
 * INT8 calibration input: preprocessed slices, exactly as grading feeds the engine, from the
 * bundle's calibration slices. TensorRT asks for batches until {@link #next} returns 0. Every batch
 * is full: TensorRT reads {@code batchSize} items whatever {@link #next} says, so a source pads its
 * last batch (the appliance's repeats slices from the start) rather than leave stale data.
 */
public interface CalibrationSource {
  /** Items per calibration batch. */
  int batchSize();

  /**
   * Fills {@code into} (batchSize x C x S x S floats, NCHW) with the next batch.
   *
   * @return the number of items written, 0 when there are no more
   */
  int next(FloatBuffer into);

  /** Starts again from the first batch (a build may calibrate more than once). */
  void rewind();

  /**
   * The calibration data's sha256 (64 lower-case hex digits). It is part of the INT8 engine's cache
   * key: new calibration slices build a new engine rather than load one calibrated on the old ones.
   */
  String checksum();
}
