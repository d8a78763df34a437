package io.cordwatch.store;

/**
 * Failure of the index database; the code says which kind, so callers can map it (e.g. to A700).
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarse enough for a caller to act on. */
  public enum Code {
    OPEN_FAILED,
    WRITE_FAILED,
    READ_FAILED,
    /** A backup or restore that would overwrite data or rests on a backup that fails a check. */
    REFUSED
  }

  private final Code code;

  public StoreException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
