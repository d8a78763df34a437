package io.cordwatch.gpu.tensorrt;

/**
 * The GPU engine cannot be used on this machine: the presets' jars are not on the class path, their
 * native libraries (CUDA, TensorRT) do not load, there is no CUDA device, or building the engine
 * failed. The message says which in one sentence, for the one log line and the status surfaces; the
 * appliance then grades on the CPU.
 */
public final class TensorRtUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TensorRtUnavailableException(String message) {
    super(message);
  }

  public TensorRtUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
