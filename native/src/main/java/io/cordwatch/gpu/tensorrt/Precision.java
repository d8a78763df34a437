package io.cordwatch.gpu.tensorrt;

import java.util.Locale;

/** The precision TensorRT may use for the backbone's layers (inputs and outputs stay float32). */
public enum Precision {
  FP32,
  FP16,
  /** INT8 with FP16 allowed where INT8 has no kernel; needs calibration batches. */
  INT8;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
