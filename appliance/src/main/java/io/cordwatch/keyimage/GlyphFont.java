package io.cordwatch.keyimage;

import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;

/**
 * A 5 x 7 pixel font for the few words burned into key images (grade, P(high), flags). Drawing text
 * with Java2D needs fontconfig and installed fonts, which a headless appliance image may not have,
 * and a missing font would turn every key image into an error; these glyphs need nothing but a
 * {@link BufferedImage}. Upper case letters, digits, {@code a b c} (the grades 1a, 1b, 1c) and
 * {@code . ( ) = : -}; other lower case letters are drawn in upper case and anything else as a
 * space.
 *
 * <p>Each glyph is 35 bits, row by row from the top left, the most significant bit first.
 */
final class GlyphFont {
  static final int WIDTH = 5;
  static final int HEIGHT = 7;

  /** Horizontal distance from one character to the next, in font pixels. */
  static final int ADVANCE = WIDTH + 1;

  private static final Map<Character, Long> GLYPHS = new HashMap<>();

  static {
    glyph('A', 0x3A31FC631L);
    glyph('B', 0x7A31F463EL);
    glyph('C', 0x3A308422EL);
    glyph('D', 0x7A318C63EL);
    glyph('E', 0x7E10F421FL);
    glyph('F', 0x7E10F4210L);
    glyph('G', 0x3A30BC62FL);
    glyph('H', 0x4631FC631L);
    glyph('I', 0x38842108EL);
    glyph('J', 0x1C4210A4CL);
    glyph('K', 0x4654C5251L);
    glyph('L', 0x42108421FL);
    glyph('M', 0x4775AC631L);
    glyph('N', 0x4639ACE31L);
    glyph('O', 0x3A318C62EL);
    glyph('P', 0x7A31F4210L);
    glyph('Q', 0x3A318D64DL);
    glyph('R', 0x7A31F5251L);
    glyph('S', 0x3E107043EL);
    glyph('T', 0x7C8421084L);
    glyph('U', 0x46318C62EL);
    glyph('V', 0x46318C544L);
    glyph('W', 0x4631AD6AAL);
    glyph('X', 0x462A22A31L);
    glyph('Y', 0x462A21084L);
    glyph('Z', 0x7C222221FL);
    glyph('0', 0x3A33AE62EL);
    glyph('1', 0x11842108EL);
    glyph('2', 0x3A211111FL);
    glyph('3', 0x7C441062EL);
    glyph('4', 0x08CA97C42L);
    glyph('5', 0x7E1E0862EL);
    glyph('6', 0x1910F462EL);
    glyph('7', 0x7C2222108L);
    glyph('8', 0x3A317462EL);
    glyph('9', 0x3A317844CL);
    glyph('a', 0x000E0BE2FL);
    glyph('b', 0x4216CC63EL);
    glyph('c', 0x000E8422EL);
    glyph('.', 0x00000018CL);
    glyph('(', 0x088842082L);
    glyph(')', 0x208210888L);
    glyph('=', 0x001F07C00L);
    glyph(':', 0x018C03180L);
    glyph('-', 0x0000F8000L);
  }

  private GlyphFont() {}

  private static void glyph(char c, long bits) {
    GLYPHS.put(c, bits);
  }

  /** Width of {@code text} in image pixels at {@code scale}. */
  static int width(String text, int scale) {
    return text.isEmpty() ? 0 : (text.length() * ADVANCE - 1) * scale;
  }

  /**
   * Draws {@code text} with its top left corner at (x, y), each font pixel a {@code scale} x {@code
   * scale} square of {@code rgb}; what falls outside the image is clipped.
   */
  static void draw(BufferedImage img, String text, int x, int y, int scale, int rgb) {
    for (int i = 0; i < text.length(); i++) {
      long bits = bits(text.charAt(i));
      int left = x + i * ADVANCE * scale;
      for (int row = 0; row < HEIGHT; row++) {
        for (int col = 0; col < WIDTH; col++) {
          long mask = 1L << (WIDTH * HEIGHT - 1 - (row * WIDTH + col));
          if ((bits & mask) != 0) {
            KeyImageRenderer.fill(img, left + col * scale, y + row * scale, scale, scale, rgb);
          }
        }
      }
    }
  }

  private static long bits(char c) {
    Long g = GLYPHS.get(c);
    if (g == null) {
      g = GLYPHS.get(Character.toUpperCase(c));
    }
    return g == null ? 0 : g;
  }
}
