package io.cordwatch.gpu.nvml;

/**
 * An NVML call that failed, with NVML's return code (nvmlReturn_t) and its text. {@link
 * #LIBRARY_NOT_FOUND} also stands for "libnvidia-ml.so.1 could not be opened at all".
 */
public final class NvmlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** NVML_ERROR_UNINITIALIZED. */
  public static final int UNINITIALIZED = 1;

  /** NVML_ERROR_NOT_SUPPORTED: this board does not report the figure. */
  public static final int NOT_SUPPORTED = 3;

  /** NVML_ERROR_DRIVER_NOT_LOADED. */
  public static final int DRIVER_NOT_LOADED = 9;

  /** NVML_ERROR_LIBRARY_NOT_FOUND, and our code for a library that cannot be opened. */
  public static final int LIBRARY_NOT_FOUND = 12;

  private final int code;

  public NvmlException(int code, String message) {
    super(message);
    this.code = code;
  }

  public NvmlException(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** NVML's return code. */
  public int code() {
    return code;
  }
}
