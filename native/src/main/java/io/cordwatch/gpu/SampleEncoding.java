package io.cordwatch.gpu;

/**
 * How the kernels read stored samples: the DICOM image pixel module's numbers that {@code
 * io.cordwatch.infer.Preprocessing.PixelEncoding} also holds (this module cannot see the appliance,
 * so it has its own copy, checked the same way). Samples reach the kernels as 16-bit words; 8-bit
 * data is widened by the caller.
 *
 * @param bitsStored Bits Stored, 1..16 (High Bit = bitsStored - 1)
 * @param signed Pixel Representation 1: sign-extend from bit bitsStored - 1
 * @param slope Rescale Slope, finite
 * @param intercept Rescale Intercept, finite
 * @param monochrome1 invert after windowing
 */
public record SampleEncoding(
    int bitsStored, boolean signed, double slope, double intercept, boolean monochrome1) {
  public SampleEncoding {
    if (bitsStored < 1 || bitsStored > 16) {
      throw new IllegalArgumentException("Bits Stored must be 1..16, got " + bitsStored);
    }
    if (!Double.isFinite(slope) || !Double.isFinite(intercept)) {
      throw new IllegalArgumentException(
          "Rescale Slope and Intercept must be finite, got " + slope + " and " + intercept);
    }
  }

  /** Number of histogram bins: one per stored value, {@code 1 << bitsStored}. */
  public int bins() {
    return 1 << bitsStored;
  }
}
