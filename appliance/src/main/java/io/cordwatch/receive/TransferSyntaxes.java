package io.cordwatch.receive;

import io.cordwatch.dicom.JpegLossless;
import java.util.List;

/**
 * The transfer syntaxes the receiver negotiates; docs/dicom-conformance.md states the same list.
 */
final class TransferSyntaxes {
  static final String IMPLICIT_LE = "1.2.840.10008.1.2";
  static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
  static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";
  static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
  static final String RLE = "1.2.840.10008.1.2.5";
  static final String JPEG_LOSSLESS_SV1 = JpegLossless.LOSSLESS_SV1;
  static final String JPEG_LOSSLESS = JpegLossless.LOSSLESS;

  /**
   * Transfer syntaxes we can decode, in order of preference when a sender offers several:
   * uncompressed first (cheapest to check and to grade), then the lossless compressions.
   */
  static final List<String> STORAGE =
      List.of(
          EXPLICIT_LE,
          IMPLICIT_LE,
          DEFLATED_LE,
          EXPLICIT_BE,
          JPEG_LOSSLESS_SV1,
          JPEG_LOSSLESS,
          RLE);

  private TransferSyntaxes() {}

  static boolean isUncompressed(String ts) {
    return IMPLICIT_LE.equals(ts)
        || EXPLICIT_LE.equals(ts)
        || DEFLATED_LE.equals(ts)
        || EXPLICIT_BE.equals(ts);
  }
}
