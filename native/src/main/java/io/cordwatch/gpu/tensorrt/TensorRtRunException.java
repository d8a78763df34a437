package io.cordwatch.gpu.tensorrt;

/** CUDA or TensorRT failed while running a batch; the message carries the CUDA error text. */
public final class TensorRtRunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TensorRtRunException(String message) {
    super(message);
  }
}
