package io.cordwatch.gpu.tensorrt;

import java.nio.FloatBuffer;

/**
 * INT8 calibration input: preprocessed slices, exactly as grading feeds the engine, from the
 * bundle's calibration slices. TensorRT asks for batches until {@link #next} returns 0.
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
}
