package io.cordwatch.phantom.real;

/**
 * One axial image cut from a volume, in DICOM's patient coordinates (LPS, mm): columns run towards
 * the patient's left, rows towards posterior, as an axial series is displayed.
 *
 * @param width columns
 * @param height rows
 * @param pixels values, index {@code x + width * y}
 * @param spacingX mm between columns
 * @param spacingY mm between rows
 * @param position LPS centre of pixel (0, 0): Image Position (Patient)
 * @param rowDir LPS unit vector of increasing column index
 * @param colDir LPS unit vector of increasing row index
 * @param source the voxel index along the volume's superior-inferior axis this slice came from
 */
public record AxialSlice(
    int width,
    int height,
    float[] pixels,
    double spacingX,
    double spacingY,
    double[] position,
    double[] rowDir,
    double[] colDir,
    int source) {

  /** The value at column x, row y. */
  public float at(int x, int y) {
    return pixels[x + width * y];
  }

  /** The value at (x, y) in pixels, bilinear between pixel centres; outside, the nearest edge's. */
  float bilinear(double x, double y) {
    return bilinear(pixels, width, height, x, y);
  }

  /**
   * Bilinear interpolation in a {@code w} x {@code h} row-major image at (x, y) in pixels, clamped
   * to the image.
   */
  static float bilinear(float[] p, int w, int h, double x, double y) {
    x = Math.clamp(x, 0, w - 1);
    y = Math.clamp(y, 0, h - 1);
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    int x1 = Math.min(x0 + 1, w - 1);
    int y1 = Math.min(y0 + 1, h - 1);
    double fx = x - x0;
    double fy = y - y0;
    double top = p[x0 + w * y0] * (1 - fx) + p[x1 + w * y0] * fx;
    double bottom = p[x0 + w * y1] * (1 - fx) + p[x1 + w * y1] * fx;
    return (float) (top * (1 - fy) + bottom * fy);
  }

  /** Slice Location: the position's projection on the slice normal. */
  public double location() {
    double[] n = normal();
    return position[0] * n[0] + position[1] * n[1] + position[2] * n[2];
  }

  /** The slice normal rowDir x colDir (points superior for an axial LPS slice). */
  public double[] normal() {
    return new double[] {
      rowDir[1] * colDir[2] - rowDir[2] * colDir[1],
      rowDir[2] * colDir[0] - rowDir[0] * colDir[2],
      rowDir[0] * colDir[1] - rowDir[1] * colDir[0]
    };
  }

  /** A copy with other pixels (same grid). */
  public AxialSlice withPixels(float[] p) {
    return new AxialSlice(width, height, p, spacingX, spacingY, position, rowDir, colDir, source);
  }
}
