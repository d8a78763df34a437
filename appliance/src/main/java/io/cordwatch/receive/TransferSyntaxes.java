package io.cordwatch.receive;

import io.cordwatch.dicom.CompressedFrames;
import io.cordwatch.dicom.JpegLossless;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The transfer syntaxes the receiver negotiates; docs/dicom-conformance.md states the same list.
 * JPEG-LS and JPEG 2000 are offered only where their codec library loads (CharLS, OpenJPEG): what
 * cannot be decoded before Success is not accepted at negotiation, so the sender transcodes.
 */
final class TransferSyntaxes {
  static final String IMPLICIT_LE = "1.2.840.10008.1.2";
  static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
  static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";
  static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
  static final String RLE = "1.2.840.10008.1.2.5";
  static final String JPEG_LOSSLESS_SV1 = JpegLossless.LOSSLESS_SV1;
  static final String JPEG_LOSSLESS = JpegLossless.LOSSLESS;
  static final String JPEG_LS_LOSSLESS = CompressedFrames.JPEG_LS_LOSSLESS;
  static final String JPEG_2000_LOSSLESS = CompressedFrames.JPEG_2000_LOSSLESS;

  /**
   * Transfer syntaxes we can decode, in order of preference when a sender offers several:
   * uncompressed first (cheapest to check and to grade), then the lossless compressions. The lossy
   * ones (JPEG-LS near-lossless, JPEG 2000 .91, baseline JPEG) are never offered, though the first
   * two would decode: a sender that holds the original then sends it unaltered.
   */
  static final List<String> CANDIDATES =
      List.of(
          EXPLICIT_LE,
          IMPLICIT_LE,
          DEFLATED_LE,
          EXPLICIT_BE,
          JPEG_LOSSLESS_SV1,
          JPEG_LOSSLESS,
          JPEG_LS_LOSSLESS,
          JPEG_2000_LOSSLESS,
          RLE);

  /** The candidates this installation decodes, asked once (it may load the codec libraries). */
  static final List<String> STORAGE = storage(CompressedFrames::unavailableReason);

  private TransferSyntaxes() {}

  /**
   * The candidates that decode here.
   *
   * @param unavailable for a compressed syntax decoded by CordWatch itself, why it cannot be here,
   *     or null when it can
   */
  static List<String> storage(Function<String, String> unavailable) {
    List<String> out = new ArrayList<>();
    for (String ts : CANDIDATES) {
      if (!CompressedFrames.handles(ts) || unavailable.apply(ts) == null) {
        out.add(ts);
      }
    }
    return List.copyOf(out);
  }

  /** The candidates not offered here, each with why (for the start-up log). */
  static Map<String, String> notOffered(Function<String, String> unavailable) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String ts : CANDIDATES) {
      if (CompressedFrames.handles(ts) && unavailable.apply(ts) != null) {
        out.put(ts, unavailable.apply(ts));
      }
    }
    return out;
  }

  static boolean isUncompressed(String ts) {
    return IMPLICIT_LE.equals(ts)
        || EXPLICIT_LE.equals(ts)
        || DEFLATED_LE.equals(ts)
        || EXPLICIT_BE.equals(ts);
  }
}
