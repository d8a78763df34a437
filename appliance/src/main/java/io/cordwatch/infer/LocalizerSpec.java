package io.cordwatch.infer;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How to run a bundle's canal localizer, as bundle.json's {@code localizer} object records it
 * (docs/model-bundle.md). {@link io.cordwatch.roi.CanalLocator} says what each number does; the
 * trainer writes the same numbers into the ONNX file's metadata, so a localizer trained alone can
 * be added to a bundle without retyping them.
 *
 * @param inputSize V: the network sees square V x V views ({@code input_size})
 * @param windowLowPercentile percentile of the slice's own values mapped to 0 ({@code
 *     window_low_percentile})
 * @param windowHighPercentile percentile mapped to 1 ({@code window_high_percentile})
 * @param output what the network returns; only {@link #BOX_PROBABILITY} exists ({@code output})
 * @param threshold a view pixel with probability at or above it is inside the box; a view whose
 *     highest probability is below it has no canal ({@code threshold})
 * @param context the close view's side as a multiple of the larger side of the box found on the
 *     view before ({@code context})
 * @param refinements how many close views follow the whole-slice view ({@code refinements})
 */
public record LocalizerSpec(
    @JsonProperty(value = "input_size", required = true) int inputSize,
    @JsonProperty(value = "window_low_percentile", required = true) double windowLowPercentile,
    @JsonProperty(value = "window_high_percentile", required = true) double windowHighPercentile,
    @JsonProperty(value = "output", required = true) String output,
    @JsonProperty(value = "threshold", required = true) double threshold,
    @JsonProperty(value = "context", required = true) double context,
    @JsonProperty(value = "refinements", required = true) int refinements) {

  /**
   * A [N, 1, V, V] float map: the probability that each view pixel lies inside the canal box (the
   * share of the pixel the box covers, as trained).
   */
  public static final String BOX_PROBABILITY = "box_probability";

  /** The values the trainer uses unless told otherwise. */
  public static LocalizerSpec defaults() {
    return new LocalizerSpec(64, 0.5, 99.5, BOX_PROBABILITY, 0.3, 2.0, 2);
  }

  /**
   * @throws IllegalArgumentException naming the bundle.json key that is out of range
   */
  public LocalizerSpec {
    if (inputSize < 16 || inputSize > 1024 || inputSize % 8 != 0) {
      throw new IllegalArgumentException(
          "input_size must be a multiple of 8 in 16..1024, got " + inputSize);
    }
    PreprocessingSpec.checkWindow(windowLowPercentile, windowHighPercentile);
    if (!BOX_PROBABILITY.equals(output)) {
      throw new IllegalArgumentException(
          "output must be \"" + BOX_PROBABILITY + "\", got " + (output == null ? "null" : output));
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException(
          "threshold must lie strictly between 0 and 1, got " + threshold);
    }
    if (!(context >= 1.2 && context <= 8)) {
      throw new IllegalArgumentException("context must be 1.2..8, got " + context);
    }
    if (refinements < 0 || refinements > 4) {
      throw new IllegalArgumentException("refinements must be 0..4, got " + refinements);
    }
  }
}
