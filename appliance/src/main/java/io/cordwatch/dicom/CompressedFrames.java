package io.cordwatch.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.ByteFrameSource;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.codec.CodecException;
import io.cordwatch.codec.DecodedFrame;
import io.cordwatch.codec.FrameShape;
import io.cordwatch.codec.NativeCodec;
import io.cordwatch.dicom.PixelDecodeException.Code;
import java.util.List;
import java.util.Objects;

/**
 * The encapsulated transfer syntaxes whose frames CordWatch decodes itself rather than through
 * PixelMed: JPEG Lossless ({@link JpegLossless}, pure Java), JPEG-LS (CharLS) and JPEG 2000
 * (OpenJPEG), the last two through the system libraries bound in {@code codec}.
 *
 * <p>Each frame is taken from the encapsulated Pixel Data and decoded only after the data set's own
 * header has passed {@link DecodeLimits}; the codec then compares the frame's codestream header
 * with Rows, Columns, Samples per Pixel and Bits Allocated before it allocates the decoded samples.
 * What comes back is checked once more: a codestream whose samples are wider than Bits Stored must
 * hold no value outside Bits Stored, and a codestream under a lossless transfer syntax must say it
 * is lossless (JPEG-LS NEAR 0; JPEG 2000 reversible wavelet), or the object is refused as corrupt.
 *
 * <p>JPEG-LS samples have no sign: a signed image's values come back as their Bits Stored-bit
 * patterns and are sign-extended here, so every decoder hands the grader the same raw 16-bit
 * patterns a native image holds.
 */
public final class CompressedFrames {
  /** JPEG-LS Lossless Image Compression. */
  public static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";

  /** JPEG-LS Lossy (Near-Lossless) Image Compression. */
  public static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";

  /** JPEG 2000 Image Compression (Lossless Only). */
  public static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";

  /** JPEG 2000 Image Compression (lossless or lossy). */
  public static final String JPEG_2000 = "1.2.840.10008.1.2.4.91";

  private CompressedFrames() {}

  /**
   * Whether {@code transferSyntaxUid} is one of these, installed codec or not: its Pixel Data is to
   * be read encapsulated and given to {@link #decodeFrames}, so that a JPEG-LS object read where
   * CharLS is missing fails with that reason rather than with PixelMed's "no reader".
   */
  public static boolean handles(String transferSyntaxUid) {
    return JpegLossless.handles(transferSyntaxUid)
        || isJpegLs(transferSyntaxUid)
        || isJpeg2000(transferSyntaxUid);
  }

  /** Whether frames in {@code transferSyntaxUid} are decoded here, on this installation. */
  public static boolean decodes(String transferSyntaxUid) {
    return JpegLossless.handles(transferSyntaxUid) || unavailableReason(transferSyntaxUid) == null;
  }

  /**
   * Null when frames in {@code transferSyntaxUid} decode here; else why not, in one line (the codec
   * library is missing, or the syntax is not one of these).
   */
  public static String unavailableReason(String transferSyntaxUid) {
    if (JpegLossless.handles(transferSyntaxUid)) {
      return null;
    }
    if (isJpegLs(transferSyntaxUid)) {
      return NativeCodec.JPEG_LS.unavailableReason();
    }
    if (isJpeg2000(transferSyntaxUid)) {
      return NativeCodec.JPEG_2000.unavailableReason();
    }
    return "transfer syntax " + transferSyntaxUid + " is not decoded by CordWatch itself";
  }

  /** The lossless syntaxes among these, which the receiver may offer. */
  public static List<String> lossless() {
    return List.of(
        JpegLossless.LOSSLESS_SV1, JpegLossless.LOSSLESS, JPEG_LS_LOSSLESS, JPEG_2000_LOSSLESS);
  }

  /**
   * Decodes every frame of an image whose Pixel Data PixelMed kept encapsulated (a list read after
   * {@code setDecompressPixelData(false)}).
   *
   * @return one array of Rows x Columns samples per frame, row by row: raw 16-bit patterns (read
   *     them unsigned or signed as Pixel Representation says), 8-bit samples widened without sign
   * @throws PixelDecodeException naming the frame and what is wrong with it
   */
  public static short[][] decodeFrames(AttributeList list) {
    Objects.requireNonNull(list, "list");
    String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
    if (JpegLossless.handles(ts)) {
      return JpegLossless.decodeFrames(list);
    }
    String unavailable = unavailableReason(ts);
    if (unavailable != null) {
      throw new PixelDecodeException(Code.UNSUPPORTED, unavailable);
    }
    String tooLarge = DecodeLimits.declaredProblem(list);
    if (tooLarge != null) {
      throw new PixelDecodeException(Code.TOO_LARGE, tooLarge);
    }
    int samplesPerPixel =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
    int bitsAllocated =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
    if (samplesPerPixel != 1 || (bitsAllocated != 8 && bitsAllocated != 16)) {
      throw new PixelDecodeException(
          Code.UNSUPPORTED,
          "only greyscale 8- or 16-bit images decode (Samples per Pixel "
              + samplesPerPixel
              + ", Bits Allocated "
              + bitsAllocated
              + ")");
    }
    int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
    int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
    int frames = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
    int bitsStored =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bitsAllocated);
    boolean signed =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
    if (rows < 1 || columns < 1 || frames < 1) {
      throw new PixelDecodeException(
          Code.CORRUPT, "Rows, Columns or Number of Frames missing or zero");
    }
    if (bitsStored < 1 || bitsStored > bitsAllocated) {
      throw new PixelDecodeException(Code.CORRUPT, "Bits Stored is " + bitsStored);
    }
    if (!(list.getPixelData() instanceof ByteFrameSource source)) {
      throw new PixelDecodeException(
          Code.UNSUPPORTED,
          "Pixel Data is not encapsulated (absent, native, or already decompressed by PixelMed)");
    }
    FrameShape shape = new FrameShape(rows, columns, 1, bitsAllocated);
    short[][] decoded = new short[frames][];
    for (int f = 0; f < frames; f++) {
      byte[] codestream = JpegLossless.compressedFrame(source, f, frames);
      try {
        decoded[f] = decodeFrame(ts, codestream, shape, bitsStored, signed);
      } catch (PixelDecodeException e) {
        throw new PixelDecodeException(
            e.code(), "frame " + (f + 1) + " of " + frames + ": " + e.getMessage(), e);
      }
    }
    return decoded;
  }

  private static short[] decodeFrame(
      String ts, byte[] codestream, FrameShape shape, int bitsStored, boolean signed) {
    boolean jpegLs = isJpegLs(ts);
    DecodedFrame frame;
    try {
      frame = (jpegLs ? NativeCodec.JPEG_LS : NativeCodec.JPEG_2000).decode(codestream, shape);
    } catch (CodecException e) {
      throw new PixelDecodeException(
          e.kind() == CodecException.Kind.UNSUPPORTED ? Code.UNSUPPORTED : Code.CORRUPT,
          e.getMessage(),
          e);
    }
    if ((JPEG_LS_LOSSLESS.equals(ts) || JPEG_2000_LOSSLESS.equals(ts)) && !frame.lossless()) {
      throw new PixelDecodeException(
          Code.CORRUPT,
          (jpegLs ? "JPEG-LS codestream is near-lossless" : "JPEG 2000 codestream is irreversible")
              + " under the lossless transfer syntax "
              + ts);
    }
    short[] samples = frame.samples();
    int precision = frame.precision();
    if (precision > bitsStored) {
      requireWithin(samples, bitsStored, signed, precision);
    }
    if (shape.bitsAllocated() == 8) {
      for (int i = 0; i < samples.length; i++) {
        samples[i] = (short) (samples[i] & 0xff); // as native 8-bit samples are widened
      }
    } else if (signed && jpegLs && precision < 16) {
      signExtend(samples, precision);
    }
    return samples;
  }

  /**
   * A codestream may code more bits than the image stores (a 12-bit MR image coded as 16-bit
   * JPEG-LS or JPEG 2000 is common). Its samples must still fit Bits Stored, or values would be cut
   * silently where the grader masks to Bits Stored: the bits above it must all be 0, or, in a
   * signed image, all copies of its sign bit.
   */
  private static void requireWithin(
      short[] samples, int bitsStored, boolean signed, int precision) {
    int mask = precision >= 16 ? 0xffff : (1 << precision) - 1;
    int high = mask & ~((1 << bitsStored) - 1);
    for (short s : samples) {
      int above = s & high;
      boolean fits = above == 0 || (signed && above == high && (s & (1 << (bitsStored - 1))) != 0);
      if (!fits) {
        throw new PixelDecodeException(
            Code.CORRUPT,
            "decoded sample 0x"
                + Integer.toHexString(s & mask)
                + " does not fit Bits Stored "
                + bitsStored
                + " of the image");
      }
    }
  }

  private static void signExtend(short[] samples, int precision) {
    int shift = 32 - precision;
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (short) ((samples[i] << shift) >> shift);
    }
  }

  private static boolean isJpegLs(String ts) {
    return JPEG_LS_LOSSLESS.equals(ts) || JPEG_LS_NEAR_LOSSLESS.equals(ts);
  }

  private static boolean isJpeg2000(String ts) {
    return JPEG_2000_LOSSLESS.equals(ts) || JPEG_2000.equals(ts);
  }
}
