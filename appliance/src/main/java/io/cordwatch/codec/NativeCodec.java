package io.cordwatch.codec;

/**
 * The codecs bound to Debian's native libraries, with whether each decodes on this box and which
 * library version it loaded: one place for what the CharLS and OpenJPEG bindings both answer.
 */
public enum NativeCodec {
  /** JPEG-LS through CharLS. */
  JPEG_LS,
  /** JPEG 2000 through OpenJPEG. */
  JPEG_2000;

  /** Null when the codec decodes here, else why not (library missing, say). */
  public String unavailableReason() {
    return bound().problem();
  }

  /** The loaded library's version, e.g. "2.4.1"; null when unavailable. */
  public String version() {
    return bound().version();
  }

  private NativeLibrary.Bound<?> bound() {
    return switch (this) {
      case JPEG_LS -> CharLs.bound();
      case JPEG_2000 -> OpenJpeg.bound();
    };
  }
}
