package io.cordwatch.keyimage;

import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.infer.Preprocessing;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * A graded slice as a picture a clinician can look at: the stored pixels windowed the way grading
 * sees them (the 0.5th to 99.5th percentile of the slice's modality values, MONOCHROME1 inverted),
 * the canal box the slice was graded with, and the grade and P(high) written in the top left
 * corner.
 *
 * <p>The box's colour says the call: {@link #HIGH} for a confident high call, {@link #CAUTION} for
 * a high call that is uncertain or borderline (it does not make the study high), {@link #LOW}
 * otherwise. Small images are enlarged by a whole factor (nearest neighbour, so pixels stay pixels)
 * to about {@value #TARGET_SIZE} pixels on their long side; the box is drawn around the pixels it
 * names (its indices are inclusive), outside them, so it never hides the canal.
 *
 * <p>Text comes from {@link GlyphFont}, not from installed fonts; the result is an 8-bit RGB image
 * ({@link BufferedImage#TYPE_INT_RGB}), which the web stage encodes as PNG and the publish stage
 * writes as Secondary Capture pixel data.
 */
public final class KeyImageRenderer {
  /** The long side that small images are enlarged towards. */
  public static final int TARGET_SIZE = 512;

  public static final int HIGH = 0xE02828;
  public static final int CAUTION = 0xFFAA00;
  public static final int LOW = 0x28C85A;

  private static final double LOW_PERCENTILE = 0.5;
  private static final double HIGH_PERCENTILE = 99.5;

  private KeyImageRenderer() {}

  /** The enlargement factor for an image of this size. */
  public static int scale(int columns, int rows) {
    return Math.max(1, TARGET_SIZE / Math.max(columns, rows));
  }

  /** Frame {@code frame} (1-based) among the decoded frames of an instance, if it has it. */
  public static Optional<DicomPixels.Frame> frame(List<DicomPixels.Frame> frames, int frame) {
    return frames.stream().filter(x -> x.frame() == frame).findFirst();
  }

  /** The frame windowed and enlarged, with {@code overlay} drawn on it. */
  public static BufferedImage render(DicomPixels.Frame f, Overlay overlay) {
    float[] values =
        Preprocessing.modalityValues(
            f.stored(),
            new Preprocessing.PixelEncoding(
                f.bitsAllocated(), f.bitsStored(), f.signed(), f.slope(), f.intercept(), false));
    float[] unit =
        Preprocessing.toUnit(
            values,
            Preprocessing.window(List.of(values), LOW_PERCENTILE, HIGH_PERCENTILE),
            f.monochrome1());
    int s = scale(f.columns(), f.rows());
    BufferedImage img =
        new BufferedImage(f.columns() * s, f.rows() * s, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < f.rows(); y++) {
      for (int x = 0; x < f.columns(); x++) {
        int g = Math.round(unit[y * f.columns() + x] * 255);
        fill(img, x * s, y * s, s, s, (g << 16) | (g << 8) | g);
      }
    }
    if (overlay.box() != null) {
      int[] b = overlay.box();
      int line = Math.max(2, s);
      outline(
          img,
          b[0] * s - line,
          b[1] * s - line,
          (b[2] + 1) * s + line,
          (b[3] + 1) * s + line,
          line,
          colour(overlay.call()));
    }
    text(img, overlay.lines(), colour(overlay.call()));
    return img;
  }

  public static int colour(Overlay.Call call) {
    return switch (call) {
      case HIGH -> HIGH;
      case CAUTION -> CAUTION;
      case LOW -> LOW;
    };
  }

  /** The image as PNG bytes. */
  public static byte[] png(BufferedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      if (!javax.imageio.ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("this JDK has no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The image as interleaved 8-bit R, G, B samples, row by row (DICOM RGB, planar 0). */
  public static byte[] rgb(BufferedImage img) {
    byte[] out = new byte[img.getWidth() * img.getHeight() * 3];
    int i = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        out[i++] = (byte) (p >> 16);
        out[i++] = (byte) (p >> 8);
        out[i++] = (byte) p;
      }
    }
    return out;
  }

  /** The lines on a dark band in the top left corner, so they read on any anatomy. */
  private static void text(BufferedImage img, List<String> lines, int accent) {
    if (lines.isEmpty()) {
      return;
    }
    int scale = img.getWidth() >= 256 ? 2 : 1;
    int pad = 2 * scale;
    int lineHeight = (GlyphFont.HEIGHT + 3) * scale;
    int width = 0;
    for (String l : lines) {
      width = Math.max(width, GlyphFont.width(l, scale));
    }
    fill(img, 0, 0, width + 2 * pad, lines.size() * lineHeight + pad, 0x000000);
    for (int i = 0; i < lines.size(); i++) {
      GlyphFont.draw(
          img, lines.get(i), pad, pad + i * lineHeight, scale, i == 0 ? accent : 0xFFFFFF);
    }
  }

  /**
   * A rectangle outline {@code line} pixels wide whose outer edge is (x0, y0)-(x1, y1) exclusive.
   */
  private static void outline(
      BufferedImage img, int x0, int y0, int x1, int y1, int line, int rgb) {
    fill(img, x0, y0, x1 - x0, line, rgb);
    fill(img, x0, y1 - line, x1 - x0, line, rgb);
    fill(img, x0, y0, line, y1 - y0, rgb);
    fill(img, x1 - line, y0, line, y1 - y0, rgb);
  }

  /** Fills a rectangle, clipped to the image. */
  static void fill(BufferedImage img, int x, int y, int w, int h, int rgb) {
    int xa = Math.max(0, x);
    int ya = Math.max(0, y);
    int xb = Math.min(img.getWidth(), x + w);
    int yb = Math.min(img.getHeight(), y + h);
    for (int yy = ya; yy < yb; yy++) {
      for (int xx = xa; xx < xb; xx++) {
        img.setRGB(xx, yy, rgb);
      }
    }
  }
}
