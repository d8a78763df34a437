package io.cordwatch.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * How much an object may grow when it is decoded. The wire size is bounded where it is received
 * ({@code max-object-size}), but deflate, RLE and lossless JPEG expand: a few megabytes on the wire
 * can declare gigabytes of pixels. Every decode first checks what the header declares (and, for the
 * deflated transfer syntax, what the stream really inflates to) against these limits, so a hostile
 * or broken object is refused with a message instead of exhausting the heap.
 *
 * <p>The limit on decoded bytes is a quarter of the JVM's maximum heap, at most 1 GiB: a single
 * object then cannot take the heap from the rest of the appliance whatever {@code -Xmx} the service
 * runs with. Frames are limited to {@value #MAX_FRAMES}; an enhanced MR volume has a few hundred.
 */
public final class DecodeLimits {
  /** Frames one object may declare. */
  public static final int MAX_FRAMES = 4096;

  private static final long CAP = 1L << 30;

  private DecodeLimits() {}

  /** The most bytes one object may decode to on this JVM. */
  public static long maxDecodedBytes() {
    return Math.min(CAP, Runtime.getRuntime().maxMemory() / 4);
  }

  /**
   * Checks what a header declares.
   *
   * @return null when within the limits, else the reason, its gist in the first 64 characters (an
   *     ErrorComment is cut there)
   */
  public static String declaredProblem(
      int rows, int columns, int samplesPerPixel, int frames, int bitsAllocated) {
    if (frames > MAX_FRAMES) {
      return "Number of Frames " + frames + " over the limit of " + MAX_FRAMES;
    }
    long bytes =
        (long) Math.max(rows, 0)
            * Math.max(columns, 0)
            * Math.max(samplesPerPixel, 1)
            * Math.max(frames, 1)
            * ((Math.max(bitsAllocated, 1) + 7) / 8);
    long max = maxDecodedBytes();
    if (bytes > max) {
      return String.format(
          Locale.ROOT,
          "Pixel Data over the decode limit: %d MiB declared (%d x %d x %d), limit %d MiB",
          bytes >> 20,
          rows,
          columns,
          Math.max(frames, 1),
          max >> 20);
    }
    return null;
  }

  /** {@link #declaredProblem(int, int, int, int, int)} for the image header of {@code list}. */
  public static String declaredProblem(AttributeList list) {
    return declaredProblem(
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0),
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0),
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1),
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1),
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 16));
  }

  /**
   * Inflates the deflated data set of a Part 10 file (everything after its first {@code offset}
   * bytes: preamble and file meta information) without keeping it, and checks its size.
   *
   * @param limit the most bytes the data set may inflate to
   * @return null when within the limit, else the reason (for an error comment)
   * @throws IOException when the file cannot be read or is not a deflate stream
   */
  public static String inflatedProblem(Path file, long offset, long limit) throws IOException {
    Inflater inflater = new Inflater(true);
    try (InputStream raw = Files.newInputStream(file)) {
      raw.skipNBytes(offset);
      try (InputStream in = new InflaterInputStream(raw, inflater, 1 << 16)) {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
          total += n;
          if (total > limit) {
            return String.format(
                Locale.ROOT, "Data set inflates past the decode limit of %d MiB", limit >> 20);
          }
        }
        return null;
      }
    } finally {
      inflater.end();
    }
  }
}
