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
    @JsonProperty(value = INPUT_SIZE, required = true) int inputSize,
    @JsonProperty(value = PreprocessingSpec.WINDOW_LOW_PERCENTILE, required = true)
        double windowLowPercentile,
    @JsonProperty(value = PreprocessingSpec.WINDOW_HIGH_PERCENTILE, required = true)
        double windowHighPercentile,
    @JsonProperty(value = OUTPUT, required = true) String output,
    @JsonProperty(value = THRESHOLD, required = true) double threshold,
    @JsonProperty(value = CONTEXT, required = true) double context,
    @JsonProperty(value = REFINEMENTS, required = true) int refinements) {

  static final String INPUT_SIZE = "input_size";
  static final String OUTPUT = "output";
  static final String THRESHOLD = "threshold";
  static final String CONTEXT = "context";
  static final String REFINEMENTS = "refinements";

  /**
   * A [N, 1, V, V] float map: the probability that each view pixel lies inside the canal box (the
   * share of the pixel the box covers, as trained).
   */
  public static final String BOX_PROBABILITY = "box_probability";

  /** The values the trainer uses unless told otherwise. */
  public static LocalizerSpec defaults() {
    return new LocalizerSpec(64, 0.5, 99.5, BOX_PROBABILITY, 0.3, 2.0, 2);
  }

  /** The same spec with views of {@code size} x {@code size}. */
  public LocalizerSpec withInputSize(int size) {
    return new LocalizerSpec(
        size, windowLowPercentile, windowHighPercentile, output, threshold, context, refinements);
  }

  /** The same spec with this box threshold. */
  public LocalizerSpec withThreshold(double t) {
    return new LocalizerSpec(
        inputSize, windowLowPercentile, windowHighPercentile, output, t, context, refinements);
  }

  /** The same spec with this many close views. */
  public LocalizerSpec withRefinements(int n) {
    return new LocalizerSpec(
        inputSize, windowLowPercentile, windowHighPercentile, output, threshold, context, n);
  }

  /**
   * @throws IllegalArgumentException naming the bundle.json key that is out of range
   */
  public LocalizerSpec {
    if (inputSize < 16 || inputSize > 1024 || inputSize % 8 != 0) {
      throw new IllegalArgumentException(
          INPUT_SIZE + " must be a multiple of 8 in 16..1024, got " + inputSize);
    }
    PreprocessingSpec.checkWindow(windowLowPercentile, windowHighPercentile);
    if (!BOX_PROBABILITY.equals(output)) {
      throw new IllegalArgumentException(
          OUTPUT
              + " must be \""
              + BOX_PROBABILITY
              + "\", got "
              + (output == null ? "null" : output));
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException(
          THRESHOLD + " must lie strictly between 0 and 1, got " + threshold);
    }
    if (!(context >= 1.2 && context <= 8)) {
      throw new IllegalArgumentException(CONTEXT + " must be 1.2..8, got " + context);
    }
    if (refinements < 0 || refinements > 4) {
      throw new IllegalArgumentException(REFINEMENTS + " must be 0..4, got " + refinements);
    }
  }
}
