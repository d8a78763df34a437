package io.cordwatch.dicom;

import static io.cordwatch.dicom.Sequences.firstItem;
import static io.cordwatch.dicom.Sequences.items;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the stored pixel values of every frame of an instance, with what grading needs to turn them
 * into modality values and to order slices along the patient axis.
 *
 * <p>Native and RLE pixel data are decoded by PixelMed. Lossless JPEG, JPEG-LS and JPEG 2000 are
 * left encapsulated and decoded by {@link CompressedFrames} ({@link JpegLossless} in Java, CharLS
 * and OpenJPEG through {@code codec}), because Debian's PixelMed has no ImageIO reader for them.
 * Enhanced MR keeps position and rescale per frame in its functional groups; they are looked up per
 * frame, then in the shared group, then at the top level, as {@link DicomFacts} does for timing.
 *
 * <p>Everything that goes wrong becomes a {@link PixelDecodeException} whose message names the
 * reason in one line: the grader reports it against the slice and grades the rest of the series.
 */
public final class DicomPixels {
  private static final AttributeTag PIXEL_VALUE_TRANSFORMATION = new AttributeTag(0x0028, 0x9145);

  private DicomPixels() {}

  /**
   * One frame's stored samples and how to read them.
   *
   * @param sopInstanceUid the instance
   * @param frame 1-based frame number (1 for single-frame objects)
   * @param rows Rows
   * @param columns Columns
   * @param stored raw sample bit patterns, row by row (8-bit samples widened without sign)
   * @param bitsAllocated 8 or 16
   * @param bitsStored Bits Stored
   * @param signed Pixel Representation is 1
   * @param slope Rescale Slope (1 when absent)
   * @param intercept Rescale Intercept (0 when absent)
   * @param monochrome1 Photometric Interpretation is MONOCHROME1
   * @param position the slice's position along its normal in mm, or null when the object has no
   *     position and orientation
   * @param instanceNumber Instance Number, or null
   * @param pixelSpacing Pixel Spacing in mm (between rows, between columns), from the frame's or
   *     the shared Pixel Measures for an enhanced object; null when absent or not two positive
   *     numbers
   * @param bodyPartExamined Body Part Examined (0018,0015) as the file records it, else the term
   *     for the frame's coded anatomic region ({@link AnatomicRegion}), or null when absent or
   *     empty (the grader reads from it whether the series lies below the conus)
   */
  public record Frame(
      String sopInstanceUid,
      int frame,
      int rows,
      int columns,
      short[] stored,
      int bitsAllocated,
      int bitsStored,
      boolean signed,
      double slope,
      double intercept,
      boolean monochrome1,
      Double position,
      Integer instanceNumber,
      double[] pixelSpacing,
      String bodyPartExamined) {}

  /**
   * Decodes every frame of {@code file}.
   *
   * @throws PixelDecodeException naming what could not be read
   */
  public static List<Frame> read(Path file) {
    AttributeList list = new AttributeList();
    boolean jpeg;
    try {
      list.setDecompressPixelData(false);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
          DicomInputStream din = new DicomInputStream(in)) {
        list.read(din);
      }
      String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
      requireDecodable(list);
      jpeg = CompressedFrames.handles(ts);
      if (!jpeg && list.getPixelData() != null && !isNative(ts)) {
        // Compressed, and not by a codec of ours (RLE, say): let PixelMed decompress it.
        list = new AttributeList();
        list.setDecompressPixelData(true);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            DicomInputStream din = new DicomInputStream(in)) {
          list.read(din);
        }
      }
    } catch (PixelDecodeException e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      throw new PixelDecodeException(
          PixelDecodeException.Code.CORRUPT, "cannot parse: " + firstLine(e), e);
    }
    return frames(list, jpeg);
  }

  /** Refuses, before anything is decompressed, an object that declares too many pixels. */
  private static void requireDecodable(AttributeList list) {
    String problem = DecodeLimits.declaredProblem(list);
    if (problem != null) {
      throw new PixelDecodeException(PixelDecodeException.Code.TOO_LARGE, problem);
    }
  }

  private static boolean isNative(String ts) {
    return ts.isEmpty()
        || ts.equals("1.2.840.10008.1.2")
        || ts.equals("1.2.840.10008.1.2.1")
        || ts.equals("1.2.840.10008.1.2.2");
  }

  private static List<Frame> frames(AttributeList list, boolean jpeg) {
    String sop = Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID);
    if (sop == null || sop.isBlank()) {
      throw new PixelDecodeException(PixelDecodeException.Code.CORRUPT, "no SOP Instance UID");
    }
    sop = sop.strip();
    if (list.getPixelData() == null) {
      throw new PixelDecodeException(PixelDecodeException.Code.CORRUPT, "no Pixel Data");
    }
    int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
    int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
    int bitsAllocated =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
    int bitsStored =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bitsAllocated);
    int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
    int frames =
        Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1));
    boolean signed =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
    boolean monochrome1 =
        "MONOCHROME1"
            .equals(
                Attribute.getSingleStringValueOrEmptyString(
                        list, TagFromName.PhotometricInterpretation)
                    .strip());
    if (rows < 1 || columns < 1) {
      throw new PixelDecodeException(
          PixelDecodeException.Code.CORRUPT, "Rows or Columns missing or zero");
    }
    if (samples != 1 || (bitsAllocated != 8 && bitsAllocated != 16)) {
      throw new PixelDecodeException(
          PixelDecodeException.Code.UNSUPPORTED,
          "only greyscale 8- or 16-bit images grade (Samples per Pixel "
              + samples
              + ", Bits Allocated "
              + bitsAllocated
              + ")");
    }
    if (bitsStored < 1 || bitsStored > bitsAllocated) {
      throw new PixelDecodeException(
          PixelDecodeException.Code.CORRUPT, "Bits Stored is " + bitsStored);
    }
    short[][] pixels =
        jpeg ? CompressedFrames.decodeFrames(list) : nativeFrames(list, rows, columns);
    if (pixels.length < frames) {
      throw new PixelDecodeException(
          PixelDecodeException.Code.CORRUPT,
          "Pixel Data holds " + pixels.length + " frames, Number of Frames is " + frames);
    }
    AttributeList shared = firstItem(list, TagFromName.SharedFunctionalGroupsSequence);
    List<AttributeList> perFrame = items(list, TagFromName.PerFrameFunctionalGroupsSequence);
    double[] topOrientation = doubles(list, TagFromName.ImageOrientationPatient, 6);
    double[] topPosition = doubles(list, TagFromName.ImagePositionPatient, 3);
    Integer instanceNumber = integerOrNull(list, TagFromName.InstanceNumber);
    double[] topSpacing = doubles(list, TagFromName.PixelSpacing, 2);
    List<Frame> out = new ArrayList<>(frames);
    for (int f = 0; f < frames; f++) {
      AttributeList own = f < perFrame.size() ? perFrame.get(f) : null;
      double[] orientation =
          frameDoubles(
              own,
              shared,
              TagFromName.PlaneOrientationSequence,
              TagFromName.ImageOrientationPatient,
              6,
              topOrientation);
      double[] position =
          frameDoubles(
              own,
              shared,
              TagFromName.PlanePositionSequence,
              TagFromName.ImagePositionPatient,
              3,
              topPosition);
      double[] spacing =
          positive(
              frameDoubles(
                  own,
                  shared,
                  TagFromName.PixelMeasuresSequence,
                  TagFromName.PixelSpacing,
                  2,
                  topSpacing));
      AttributeList rescale =
          firstNonNullList(
              firstItem(own, PIXEL_VALUE_TRANSFORMATION),
              firstItem(shared, PIXEL_VALUE_TRANSFORMATION),
              list);
      double slope = number(rescale, TagFromName.RescaleSlope, 1);
      double intercept = number(rescale, TagFromName.RescaleIntercept, 0);
      out.add(
          new Frame(
              sop,
              f + 1,
              rows,
              columns,
              pixels[f],
              bitsAllocated,
              bitsStored,
              signed,
              slope,
              intercept,
              monochrome1,
              along(orientation, position),
              instanceNumber,
              spacing,
              AnatomicRegion.of(list, shared, own)));
    }
    return out;
  }

  private static short[][] nativeFrames(AttributeList list, int rows, int columns) {
    Attribute pixelData = list.getPixelData();
    int perFrame = rows * columns;
    short[] all;
    try {
      if ("OB".equals(vr(pixelData))
          && Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 16) == 8) {
        byte[] bytes = pixelData.getByteValues();
        all = new short[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
          all[i] = (short) (bytes[i] & 0xff);
        }
      } else {
        all = pixelData.getShortValues();
      }
    } catch (Exception e) {
      throw new PixelDecodeException(
          PixelDecodeException.Code.CORRUPT, "Pixel Data unreadable: " + firstLine(e), e);
    }
    if (all == null || all.length < perFrame) {
      throw new PixelDecodeException(
          PixelDecodeException.Code.CORRUPT,
          "Pixel Data truncated: "
              + (all == null ? 0 : all.length)
              + " samples, one frame needs "
              + perFrame);
    }
    if (all.length == perFrame) {
      return new short[][] {all}; // one frame (every classic MR image): no copy
    }
    short[][] frames = new short[all.length / perFrame][];
    for (int f = 0; f < frames.length; f++) {
      frames[f] = new short[perFrame];
      System.arraycopy(all, f * perFrame, frames[f], 0, perFrame);
    }
    return frames;
  }

  private static String vr(Attribute a) {
    byte[] vr = a.getVR();
    return vr == null ? "" : new String(vr, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The values when every one is above zero, else null (a spacing of 0 or less means nothing). */
  private static double[] positive(double[] v) {
    if (v == null) {
      return null;
    }
    for (double d : v) {
      if (!(d > 0)) {
        return null;
      }
    }
    return v;
  }

  /** Position along the slice normal (row x column direction cosines). */
  private static Double along(double[] orientation, double[] position) {
    if (orientation == null || position == null) {
      return null;
    }
    double nx = orientation[1] * orientation[5] - orientation[2] * orientation[4];
    double ny = orientation[2] * orientation[3] - orientation[0] * orientation[5];
    double nz = orientation[0] * orientation[4] - orientation[1] * orientation[3];
    return nx * position[0] + ny * position[1] + nz * position[2];
  }

  /**
   * A frame's {@code n} values of {@code tag}: from its own functional group {@code macro}, else
   * the shared group's, else {@code top} (the single-frame attribute).
   */
  private static double[] frameDoubles(
      AttributeList own,
      AttributeList shared,
      AttributeTag macro,
      AttributeTag tag,
      int n,
      double[] top) {
    return firstNonNull(
        doubles(firstItem(own, macro), tag, n), doubles(firstItem(shared, macro), tag, n), top);
  }

  private static double[] firstNonNull(double[]... candidates) {
    for (double[] c : candidates) {
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  private static AttributeList firstNonNullList(AttributeList... candidates) {
    for (AttributeList c : candidates) {
      if (c != null && c.get(TagFromName.RescaleSlope) != null) {
        return c;
      }
    }
    return candidates[candidates.length - 1];
  }

  private static double[] doubles(AttributeList list, AttributeTag tag, int n) {
    if (list == null || list.get(tag) == null) {
      return null;
    }
    try {
      double[] v = Attribute.getDoubleValues(list, tag);
      if (v == null || v.length != n) {
        return null;
      }
      for (double d : v) {
        if (!Double.isFinite(d)) {
          return null;
        }
      }
      return v;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static double number(AttributeList list, AttributeTag tag, double fallback) {
    double[] v = list == null ? null : doubles1(list, tag);
    return v == null ? fallback : v[0];
  }

  private static double[] doubles1(AttributeList list, AttributeTag tag) {
    if (list.get(tag) == null) {
      return null;
    }
    try {
      double[] v = Attribute.getDoubleValues(list, tag);
      return v != null && v.length > 0 && Double.isFinite(v[0]) ? v : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Integer integerOrNull(AttributeList list, AttributeTag tag) {
    double[] v = doubles1(list, tag);
    return v == null ? null : (int) v[0];
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return m.lines().findFirst().orElse(m).strip();
  }
}
