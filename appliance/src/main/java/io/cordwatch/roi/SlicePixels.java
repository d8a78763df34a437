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
 */
public record SlicePixels(float[] values, int columns, int rows, boolean monochrome1) {
  public SlicePixels {
    Objects.requireNonNull(values, "values");
    if (columns < 1 || rows < 1 || (long) columns * rows != values.length) {
      throw new IllegalArgumentException(
          "a " + columns + " x " + rows + " slice cannot hold " + values.length + " values");
    }
  }
}
