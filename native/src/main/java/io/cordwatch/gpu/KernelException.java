package io.cordwatch.gpu;

/**
 * Failure at the kernel boundary: a library that could not be loaded, or a kernel call that
 * returned a status other than {@code CW_OK}. The code tells a broken GPU or library (which should
 * move the appliance to the CPU path) from a caller's mistake and from bad data.
 */
public final class KernelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong; the first group mirrors cordwatch_kernels.h's CW_ERR_* values. */
  public enum Code {
    /** {@code CW_ERR_NULL_POINTER}: a required buffer was missing. */
    NULL_POINTER(1),
    /** {@code CW_ERR_BAD_SIZE}: a size or count out of range. */
    BAD_SIZE(2),
    /** {@code CW_ERR_BAD_VALUE}: a scalar out of range or not finite. */
    BAD_VALUE(3),
    /** {@code CW_ERR_BAD_BOX}: a canal box degenerate or outside its image. */
    BAD_BOX(4),
    /** {@code CW_ERR_UNSUPPORTED}: valid input the operation does not handle. */
    UNSUPPORTED(5),
    /** {@code CW_ERR_CUDA}: the CUDA runtime or driver failed. */
    CUDA(6),
    /** {@code CW_ERR_NON_FINITE}: an embedding row held NaN or an infinity (a broken backbone). */
    NON_FINITE(7),
    /** A status this binding does not know (a newer library). */
    UNKNOWN_STATUS(-1),
    /** No kernel library could be loaded from any place in the loading order. */
    LIBRARY_MISSING(-2),
    /** The loaded library implements another ABI version than this binding. */
    ABI_MISMATCH(-3),
    /** A native resource was used after {@code close()}. */
    CLOSED(-4);

    private final int status;

    Code(int status) {
      this.status = status;
    }

    /** The C status value, or a negative number for codes that only exist on the Java side. */
    public int status() {
      return status;
    }

    /** The code of a C status (never {@code CW_OK}). */
    public static Code ofStatus(int status) {
      for (Code c : values()) {
        if (c.status == status && status > 0) {
          return c;
        }
      }
      return UNKNOWN_STATUS;
    }
  }

  private final Code code;

  public KernelException(Code code, String message) {
    this(code, message, null);
  }

  public KernelException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
