package io.cordwatch.codec;

import java.util.Objects;

/**
 * The codecs bound to Debian's native libraries, with whether each decodes on this box, which
 * library version it loaded, and the decode itself: the one entry point to the CharLS and OpenJPEG
 * bindings, which stay package-private.
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

  /**
   * Decodes one codestream of this codec.
   *
   * @param codestream the whole codestream (for JPEG-LS SOI to EOI; for JPEG 2000 raw J2K or a JP2
   *     file)
   * @param shape what the caller's header says the frame is
   * @throws CodecException when the library is missing (unsupported), or the codestream is damaged
   *     or disagrees with {@code shape} (corrupt)
   */
  public DecodedFrame decode(byte[] codestream, FrameShape shape) {
    Objects.requireNonNull(codestream, "codestream");
    Objects.requireNonNull(shape, "shape");
    return switch (this) {
      case JPEG_LS -> CharLs.decode(codestream, shape);
      case JPEG_2000 -> OpenJpeg.decode(codestream, shape);
    };
  }

  private NativeLibrary.Bound<?> bound() {
    return switch (this) {
      case JPEG_LS -> CharLs.bound();
      case JPEG_2000 -> OpenJpeg.bound();
    };
  }
}
