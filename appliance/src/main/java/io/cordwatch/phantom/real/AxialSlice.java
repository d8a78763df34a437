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
