package io.cordwatch.tls;

/**
 * A certificate, key or CA file that cannot be used, or a TLS policy the JDK cannot meet; the
 * message names the setting and the file, and says what to do.
 */
public final class TlsSetupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TlsSetupException(String message) {
    super(message);
  }

  public TlsSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
