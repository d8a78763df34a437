package io.cordwatch.roi;

import java.util.Objects;

/**
 * A decoded slice as a box source may see it: modality values (stored value times Rescale Slope
 * plus Intercept), row by row, as the grader already holds them.
 *
 * @param values columns x rows modality values, row-major
 * @param columns width in pixels
 * @param rows height in pixels
 * @param monochrome1 whether higher values are displayed darker (Photometric Interpretation)
 * @param rowSpacing mm between rows (Pixel Spacing's first value); NaN when the object has none
 * @param columnSpacing mm between columns (its second value); NaN when none
 */
public record SlicePixels(
    float[] values,
    int columns,
    int rows,
    boolean monochrome1,
    double rowSpacing,
    double columnSpacing) {
  public SlicePixels {
    Objects.requireNonNull(values, "values");
    if (columns < 1 || rows < 1 || (long) columns * rows != values.length) {
      throw new IllegalArgumentException(
          "a " + columns + " x " + rows + " slice cannot hold " + values.length + " values");
    }
    if (!(Double.isNaN(rowSpacing) && Double.isNaN(columnSpacing))
        && !(rowSpacing > 0 && columnSpacing > 0 && Double.isFinite(rowSpacing + columnSpacing))) {
      throw new IllegalArgumentException(
          "pixel spacing must be two positive numbers or unknown, got "
              + rowSpacing
              + " x "
              + columnSpacing);
    }
  }

  /** A slice whose pixel spacing is not known. */
  public SlicePixels(float[] values, int columns, int rows, boolean monochrome1) {
    this(values, columns, rows, monochrome1, Double.NaN, Double.NaN);
  }

  /**
   * A slice with the spacing DICOM gave, or none.
   *
   * @param pixelSpacing Pixel Spacing (between rows, between columns) in mm, or null
   */
  public static SlicePixels of(
      float[] values, int columns, int rows, boolean monochrome1, double[] pixelSpacing) {
    return pixelSpacing == null
        ? new SlicePixels(values, columns, rows, monochrome1)
        : new SlicePixels(values, columns, rows, monochrome1, pixelSpacing[0], pixelSpacing[1]);
  }

  /** Whether the pixel spacing is known. */
  public boolean hasSpacing() {
    return !Double.isNaN(rowSpacing);
  }
}
