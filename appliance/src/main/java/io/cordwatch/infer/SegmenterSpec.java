package io.cordwatch.infer;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How to run a bundle's canal segmenter and what it may do, as bundle.json's {@code segmenter}
 * object records it (docs/model-bundle.md). The network sees a square view around the slice's canal
 * box, in the localizer's unit range, and returns the probability of each tissue class per view
 * pixel; {@code io.cordwatch.roi.CanalTissue} turns that into the expected tumour area inside the
 * box, and the grader withdraws a high call whose slice shows less than {@link #vetoBelowMm2} there
 * (docs/grading.md, "The canal segmenter's veto"). The trainer writes every key but the veto into
 * the ONNX file's metadata; the veto threshold is chosen on validation and given when the segmenter
 * is added ({@code cordwatch bundle add-segmenter}).
 *
 * @param inputSize V: the network sees V x V views ({@code input_size})
 * @param windowLowPercentile percentile of the slice's own values mapped to 0 ({@code
 *     window_low_percentile})
 * @param windowHighPercentile percentile mapped to 1 ({@code window_high_percentile})
 * @param context the view's side as a multiple of the larger side of the canal box ({@code
 *     context})
 * @param classes the network's output channels, in order ({@code classes}); one must be {@value
 *     #TUMOUR}
 * @param vetoBelowMm2 a high call is withdrawn when the expected tumour area inside the box is
 *     below it, in mm² ({@code veto_below_mm2}); 0 measures without withdrawing anything
 */
public record SegmenterSpec(
    @JsonProperty(value = INPUT_SIZE, required = true) int inputSize,
    @JsonProperty(value = PreprocessingSpec.WINDOW_LOW_PERCENTILE, required = true)
        double windowLowPercentile,
    @JsonProperty(value = PreprocessingSpec.WINDOW_HIGH_PERCENTILE, required = true)
        double windowHighPercentile,
    @JsonProperty(value = CONTEXT, required = true) double context,
    @JsonProperty(value = CLASSES, required = true) List<String> classes,
    @JsonProperty(value = VETO_BELOW_MM2, required = true) double vetoBelowMm2) {

  static final String INPUT_SIZE = "input_size";
  static final String CONTEXT = "context";
  static final String CLASSES = "classes";
  static final String VETO_BELOW_MM2 = "veto_below_mm2";

  /** The class whose area the veto measures. */
  public static final String TUMOUR = "tumour";

  /** The output tensor: float [N, C, V, V], per view pixel the probability of each class. */
  public static final String TISSUE_PROBABILITY = "tissue_probability";

  /**
   * @throws IllegalArgumentException naming the bundle.json key that is out of range
   */
  public SegmenterSpec {
    if (inputSize < 16 || inputSize > 1024 || inputSize % 8 != 0) {
      throw new IllegalArgumentException(
          INPUT_SIZE + " must be a multiple of 8 in 16..1024, got " + inputSize);
    }
    PreprocessingSpec.checkWindow(windowLowPercentile, windowHighPercentile);
    if (!(context >= 1.2 && context <= 8)) {
      throw new IllegalArgumentException(CONTEXT + " must be 1.2..8, got " + context);
    }
    if (classes == null
        || classes.size() < 2
        || classes.size() > 32
        || classes.stream().distinct().count() != classes.size()
        || !classes.contains(TUMOUR)) {
      throw new IllegalArgumentException(
          CLASSES
              + " must name 2..32 distinct classes, one of them \""
              + TUMOUR
              + "\", got "
              + classes);
    }
    classes = List.copyOf(classes);
    if (!(vetoBelowMm2 >= 0 && vetoBelowMm2 <= 10_000)) {
      throw new IllegalArgumentException(
          VETO_BELOW_MM2 + " must be 0..10000 (mm²), got " + vetoBelowMm2);
    }
  }

  /** The output channel of {@value #TUMOUR}. */
  public int tumourChannel() {
    return classes.indexOf(TUMOUR);
  }

  /** The same spec with this veto threshold. */
  public SegmenterSpec withVetoBelow(double mm2) {
    return new SegmenterSpec(
        inputSize, windowLowPercentile, windowHighPercentile, context, classes, mm2);
  }
}
