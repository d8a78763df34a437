package io.cordwatch.dicom;

/**
 * Pixel data that could not be decoded; the code tells a caller whether to refuse the encoding as
 * unsupported or the object as corrupt (e.g. C-STORE A900 versus C000).
 */
public final class PixelDecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why decoding stopped, coarse enough for a caller to act on. */
  public enum Code {
    /** Valid DICOM that this decoder does not handle: colour, other codecs, native pixel data. */
    UNSUPPORTED,
    /** The object contradicts itself or its bitstream does not decode. */
    CORRUPT,
    /** The object declares more pixels or frames than {@link DecodeLimits} allow. */
    TOO_LARGE
  }

  private final Code code;

  public PixelDecodeException(Code code, String message) {
    this(code, message, null);
  }

  public PixelDecodeException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
