package io.cordwatch.device;

/**
 * A device profile that cannot be used, or a profile asked for that does not exist. The message
 * names the file and the key, because the reader is a site engineer editing YAML.
 */
public final class ProfileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProfileException(String message) {
    super(message);
  }

  public ProfileException(String message, Throwable cause) {
    super(message, cause);
  }
}
