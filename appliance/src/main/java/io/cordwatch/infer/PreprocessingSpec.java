package io.cordwatch.infer;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The numbers that turn a slice into the backbone's input tensor, as bundle.json's {@code
 * preprocessing} object records them. {@link Preprocessing} says what each one means; the trainer
 * and the CUDA kernel read the same object, so a model sees in service the pixels it was trained
 * on.
 *
 * @param inputSize S: the crop is resized to S x S ({@code input_size})
 * @param windowLowPercentile series percentile mapped to 0 ({@code window_low_percentile})
 * @param windowHighPercentile series percentile mapped to 1 ({@code window_high_percentile})
 * @param roiMargin added on each side of the canal box, as a fraction of the box's width (left and
 *     right) or height (top and bottom) ({@code roi_margin})
 * @param resize the resize rule; only {@link #BILINEAR} exists ({@code resize})
 * @param mean subtracted after resizing, on the [0, 1] scale ({@code mean})
 * @param std divided by after subtracting the mean ({@code std})
 */
public record PreprocessingSpec(
    @JsonProperty(value = INPUT_SIZE, required = true) int inputSize,
    @JsonProperty(value = WINDOW_LOW_PERCENTILE, required = true) double windowLowPercentile,
    @JsonProperty(value = WINDOW_HIGH_PERCENTILE, required = true) double windowHighPercentile,
    @JsonProperty(value = ROI_MARGIN, required = true) double roiMargin,
    @JsonProperty(value = RESIZE, required = true) String resize,
    @JsonProperty(value = MEAN, required = true) double mean,
    @JsonProperty(value = STD, required = true) double std) {

  static final String INPUT_SIZE = "input_size";
  static final String WINDOW_LOW_PERCENTILE = "window_low_percentile";
  static final String WINDOW_HIGH_PERCENTILE = "window_high_percentile";
  static final String ROI_MARGIN = "roi_margin";
  static final String RESIZE = "resize";
  static final String MEAN = "mean";
  static final String STD = "std";

  /** Bilinear, pixel centres at +0.5, align_corners=false, edge clamp, no antialiasing. */
  public static final String BILINEAR = "bilinear";

  /** The source study's values (BILSKY.md): 224 x 224, mean 0.1937, std 0.1420. */
  public static PreprocessingSpec defaults() {
    return new PreprocessingSpec(224, 0.5, 99.5, 0.1, BILINEAR, 0.1937, 0.1420);
  }

  /**
   * @throws IllegalArgumentException naming the bundle.json key that is out of range
   */
  public PreprocessingSpec {
    if (inputSize < 8 || inputSize > 4096) {
      throw new IllegalArgumentException(INPUT_SIZE + " must be 8..4096, got " + inputSize);
    }
    PreprocessingSpec.checkWindow(windowLowPercentile, windowHighPercentile);
    if (!(roiMargin >= 0 && roiMargin <= 10)) {
      throw new IllegalArgumentException(ROI_MARGIN + " must be 0..10, got " + roiMargin);
    }
    if (!BILINEAR.equals(resize)) {
      throw new IllegalArgumentException(
          RESIZE + " must be \"" + BILINEAR + "\", got " + (resize == null ? "null" : resize));
    }
    if (!Double.isFinite(mean)) {
      throw new IllegalArgumentException(MEAN + " must be a finite number, got " + mean);
    }
    if (!(std > 0 && Double.isFinite(std))) {
      throw new IllegalArgumentException(STD + " must be a finite number > 0, got " + std);
    }
  }

  /**
   * Checks a percentile window as both bundle.json objects that have one record it.
   *
   * @throws IllegalArgumentException naming the two keys
   */
  static void checkWindow(double low, double high) {
    if (!(low >= 0 && low < high) || !(high <= 100)) {
      throw new IllegalArgumentException(
          WINDOW_LOW_PERCENTILE
              + " and "
              + WINDOW_HIGH_PERCENTILE
              + " must satisfy 0 <= low < high <= 100, got "
              + low
              + " and "
              + high);
    }
  }
}
