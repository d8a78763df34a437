package io.cordwatch.codec;

import java.util.Locale;

/**
 * What a caller expects one decoded frame to be, from its own header (DICOM's Rows, Columns,
 * Samples per Pixel and Bits Allocated). A codec compares the codestream's header with it before it
 * allocates anything for the decoded samples.
 *
 * @param rows lines in the frame
 * @param columns samples per line
 * @param components samples per pixel (1 for grey)
 * @param bitsAllocated 8 or 16: the decoded sample precision may not exceed it
 */
public record FrameShape(int rows, int columns, int components, int bitsAllocated) {
  public FrameShape {
    if (rows < 1 || columns < 1 || components < 1) {
      throw new IllegalArgumentException("frame " + rows + " x " + columns + " x " + components);
    }
    if (bitsAllocated != 8 && bitsAllocated != 16) {
      throw new IllegalArgumentException("bits allocated " + bitsAllocated);
    }
  }

  /** Samples in the frame. */
  public long samples() {
    return (long) rows * columns * components;
  }

  /**
   * Checks what a codestream header declares.
   *
   * @param codec the codec's name for the message
   * @throws CodecException (corrupt) naming the first difference
   */
  void require(String codec, long width, long height, int components, int precision) {
    if (width != columns || height != rows || components != this.components) {
      throw new CodecException(
          CodecException.Kind.CORRUPT,
          String.format(
              Locale.ROOT,
              "%s codestream is %d x %d x %d, the image %d x %d x %d (rows x columns x samples)",
              codec,
              height,
              width,
              components,
              rows,
              columns,
              this.components));
    }
    if (precision < 1 || precision > bitsAllocated) {
      throw new CodecException(
          CodecException.Kind.CORRUPT,
          codec
              + " codestream has "
              + precision
              + "-bit samples, the image allocates "
              + bitsAllocated);
    }
  }
}
