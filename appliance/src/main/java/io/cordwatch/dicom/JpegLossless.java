package io.cordwatch.dicom;

import com.pixelmed.codec.jpeg.MarkerSegmentSOF;
import com.pixelmed.codec.jpeg.OutputArrayOrStream;
import com.pixelmed.codec.jpeg.Parse;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.ByteFrameSource;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.dicom.PixelDecodeException.Code;
import java.io.ByteArrayInputStream;
import java.util.Objects;

/**
 * Decodes JPEG Lossless (processes 14, and 14 with selection value 1) greyscale frames.
 *
 * <p>PixelMed decodes compressed pixel data through ImageIO, and Debian ships no ImageIO reader for
 * lossless JPEG, so {@code AttributeList.read} of such a file fails with "No reader for
 * jpeg-lossless". Debian's libpixelmed-codec-java holds the same author's pure-Java lossless JPEG
 * parser without the ImageIO wrapper; this class feeds it the encapsulated frames directly.
 *
 * <p>That parser trusts its input: a damaged frame header would make it allocate whatever the
 * header claims, and a short bitstream leaves part of its output unwritten. So the output sink here
 * checks the frame header against Rows and Columns before anything is allocated, and counts the
 * samples actually written; every failure, including the parser's own unchecked exceptions, becomes
 * a {@link PixelDecodeException}.
 */
public final class JpegLossless {
  /** JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1). */
  public static final String LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";

  /** JPEG Lossless, Non-Hierarchical (Process 14), any predictor. */
  public static final String LOSSLESS = "1.2.840.10008.1.2.4.57";

  // 8192 x 8192: above any single frame a scanner sends (mammography is about 4k x 5k), and low
  // enough that a lying header cannot drive the heap into OutOfMemoryError.
  private static final long MAX_SAMPLES_PER_FRAME = 1L << 26;

  private JpegLossless() {}

  public static boolean handles(String transferSyntaxUid) {
    return LOSSLESS_SV1.equals(transferSyntaxUid) || LOSSLESS.equals(transferSyntaxUid);
  }

  /**
   * Decodes every frame of a single-sample image whose Pixel Data PixelMed kept encapsulated, that
   * is, a list read after {@code setDecompressPixelData(false)}.
   *
   * @return one array of Rows x Columns samples per frame, row by row; 16-bit samples are raw bit
   *     patterns (read them unsigned or signed as Pixel Representation says), 8-bit ones widened
   *     without sign
   */
  public static short[][] decodeFrames(AttributeList list) {
    Objects.requireNonNull(list, "list");
    String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
    if (!ts.isEmpty() && !handles(ts)) {
      throw new PixelDecodeException(
          Code.UNSUPPORTED, "transfer syntax " + ts + " is not JPEG Lossless");
    }
    int samplesPerPixel =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
    if (samplesPerPixel != 1) {
      throw new PixelDecodeException(
          Code.UNSUPPORTED,
          "Samples per Pixel is " + samplesPerPixel + "; only single-sample (grey) images decode");
    }
    int bitsAllocated =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
    if (bitsAllocated != 8 && bitsAllocated != 16) {
      throw new PixelDecodeException(
          Code.UNSUPPORTED, "Bits Allocated is " + bitsAllocated + "; only 8 and 16 decode");
    }
    int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
    int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
    int frames = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
    if (frames < 1) {
      throw new PixelDecodeException(Code.CORRUPT, "Number of Frames is " + frames);
    }
    if (!(list.getPixelData() instanceof ByteFrameSource source)) {
      throw new PixelDecodeException(
          Code.UNSUPPORTED,
          "Pixel Data is not encapsulated (absent, native, or already decompressed by PixelMed)");
    }
    short[][] decoded = new short[frames][];
    for (int f = 0; f < frames; f++) {
      byte[] bitstream = compressedFrame(source, f, frames);
      try {
        decoded[f] = decodeFrame(bitstream, rows, columns);
      } catch (PixelDecodeException e) {
        throw new PixelDecodeException(
            e.code(), "frame " + (f + 1) + " of " + frames + ": " + e.getMessage(), e);
      }
    }
    return decoded;
  }

  /**
   * Decodes one lossless JPEG bitstream (one encapsulated frame) of a single-sample image.
   *
   * @return rows x columns samples, row by row, as {@link #decodeFrames} describes
   */
  public static short[] decodeFrame(byte[] jpegBitstream, int rows, int columns) {
    Objects.requireNonNull(jpegBitstream, "jpegBitstream");
    if (rows < 1 || columns < 1 || (long) rows * columns > MAX_SAMPLES_PER_FRAME) {
      throw new PixelDecodeException(
          Code.CORRUPT, "frame size " + rows + " x " + columns + " is out of range");
    }
    GreyFrame out = new GreyFrame(rows, columns);
    try {
      Parse.parse(new ByteArrayInputStream(jpegBitstream), null, null, out);
    } catch (PixelDecodeException e) {
      throw e;
    } catch (Exception e) {
      // The parser signals bad data with plain Exception and fails on some damage with
      // ArrayIndexOutOfBounds or NullPointer exceptions; to a caller they all mean the same.
      throw new PixelDecodeException(
          Code.CORRUPT, "lossless JPEG bitstream does not decode: " + e, e);
    }
    return out.pixels();
  }

  static byte[] compressedFrame(ByteFrameSource source, int frame, int frames) {
    byte[] bitstream;
    try {
      bitstream = source.getByteValuesForSelectedFrame(frame);
    } catch (DicomException | RuntimeException e) {
      throw new PixelDecodeException(
          Code.CORRUPT, "frame " + (frame + 1) + " of " + frames + " is missing: " + e, e);
    }
    if (bitstream == null || bitstream.length == 0) {
      throw new PixelDecodeException(
          Code.CORRUPT, "frame " + (frame + 1) + " of " + frames + " is empty");
    }
    return bitstream;
  }

  /**
   * The parser's output for one grey frame: it replaces the stock per-component arrays so that the
   * header is checked before allocation and the written samples can be counted.
   */
  private static final class GreyFrame extends Parse.DecompressedOutput {
    private final int rows;
    private final int columns;
    private Sink sink;

    GreyFrame(int rows, int columns) {
      this.rows = rows;
      this.columns = columns;
    }

    @Override
    public void configureDecompressedOutput(MarkerSegmentSOF sof) {
      if (sink != null) {
        throw new PixelDecodeException(Code.CORRUPT, "more than one frame header (SOF)");
      }
      if (sof.getNComponentsInFrame() != 1) {
        throw new PixelDecodeException(
            Code.UNSUPPORTED,
            "bitstream has " + sof.getNComponentsInFrame() + " components; only grey decodes");
      }
      if (sof.getNLines() != rows || sof.getNSamplesPerLine() != columns) {
        throw new PixelDecodeException(
            Code.CORRUPT,
            "bitstream is "
                + sof.getNLines()
                + " x "
                + sof.getNSamplesPerLine()
                + " but the image is "
                + rows
                + " x "
                + columns);
      }
      int precision = sof.getSamplePrecision();
      if (precision < 2 || precision > 16) {
        throw new PixelDecodeException(
            Code.CORRUPT, "bitstream sample precision " + precision + " is not 2 to 16");
      }
      int samples = rows * columns;
      sink = precision > 8 ? new Sink(new short[samples]) : new Sink(new byte[samples]);
    }

    @Override
    public OutputArrayOrStream[] getDecompressedOutputPerComponent() {
      return sink == null ? null : new OutputArrayOrStream[] {sink};
    }

    short[] pixels() {
      if (sink == null) {
        throw new PixelDecodeException(
            Code.CORRUPT, "bitstream holds no lossless frame (SOF3 and a scan)");
      }
      int expected = rows * columns;
      if (sink.written() != expected) {
        throw new PixelDecodeException(
            Code.CORRUPT,
            "bitstream decoded to " + sink.written() + " samples, expected " + expected);
      }
      return sink.asShorts();
    }
  }

  /** An array sink that can say how much of it the parser filled. */
  private static final class Sink extends OutputArrayOrStream {
    Sink(short[] values) {
      super(values);
    }

    Sink(byte[] values) {
      super(values);
    }

    int written() {
      return shortValues != null ? shortOffset : byteOffset;
    }

    short[] asShorts() {
      if (shortValues != null) {
        return shortValues;
      }
      short[] widened = new short[byteValues.length];
      for (int i = 0; i < widened.length; i++) {
        widened[i] = (short) (byteValues[i] & 0xff);
      }
      return widened;
    }
  }
}
