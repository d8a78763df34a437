package io.cordwatch.adapt;

/** Site data or options that cannot be used, with a message naming what and where. */
public final class AdaptException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AdaptException(String message) {
    super(message);
  }

  public AdaptException(String message, Throwable cause) {
    super(message, cause);
  }
}
