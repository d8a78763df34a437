package io.cordwatch.publish;

/** Results could not be built or written; {@link #code} says which step failed. */
public final class PublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What failed. */
  public enum Code {
    /** The spooled instance the study attributes come from could not be read. */
    SOURCE_UNREADABLE,
    /** A results document could not be assembled (a value the data dictionary refuses). */
    BUILD_FAILED,
    /** A results document could not be written to the outbox folder. */
    WRITE_FAILED
  }

  private final Code code;

  public PublishException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
