package io.cordwatch.config;

/**
 * A configuration value (file key or flag) that cannot be used; the message names the key and why.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
