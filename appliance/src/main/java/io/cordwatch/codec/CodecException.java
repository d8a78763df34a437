package io.cordwatch.codec;

/**
 * A compressed frame that did not decode, or a codec that cannot run here; the kind tells a caller
 * whether the data is at fault or this installation.
 */
public final class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why decoding stopped. */
  public enum Kind {
    /** The codestream is damaged, or contradicts the shape the caller expected. */
    CORRUPT,
    /** A valid codestream this binding does not decode, or the library is not installed. */
    UNSUPPORTED
  }

  private final Kind kind;

  public CodecException(Kind kind, String message) {
    this(kind, message, null);
  }

  public CodecException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
