package io.cordwatch.infer;

/**
 * The per-item shape of a backbone's NCHW input, with the batch axis left out: what the
 * preprocessing must produce for one slice.
 */
public record InputShape(int channels, int height, int width) {
  public InputShape {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "height and width must be positive: " + height + "x" + width);
    }
  }

  /** Floats per batch item. */
  public int itemSize() {
    return channels * height * width;
  }

  @Override
  public String toString() {
    return "[N, " + channels + ", " + height + ", " + width + "]";
  }
}
