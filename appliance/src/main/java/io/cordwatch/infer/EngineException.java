package io.cordwatch.infer;

/**
 * Failure at the inference boundary while running a backbone (as opposed to loading a bundle, which
 * is a {@link BundleException}). The code lets the pipeline tell a broken runtime, which should
 * trigger the CPU fallback, from a caller's mistake.
 */
public final class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Code {
    /** The runtime's native library could not be loaded. */
    NATIVE_LIBRARY,
    /** The runtime failed while running a batch. */
    RUN_FAILED,
    /** The caller passed a buffer or batch size that does not fit the engine's input. */
    BAD_INPUT,
    /** The engine was used after {@code close()}. */
    CLOSED
  }

  private final Code code;

  public EngineException(Code code, String message) {
    this(code, message, null);
  }

  public EngineException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
