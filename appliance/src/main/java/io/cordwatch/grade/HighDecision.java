package io.cordwatch.grade;

import io.cordwatch.infer.Bundle;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The high/low call of one slice, the same on the per-batch and the fused path: both hand the
 * head's probabilities here, so the two paths cannot differ in the rule, only in the probabilities
 * their kernels compute.
 *
 * <p>{@code P(high)} is the sum of the high-grade classes' probabilities, added in class order in
 * float (as the head's softmax is float), then widened. With a bundle threshold the slice is high
 * when {@code P(high) >= high_threshold}, a choice the trainer makes on validation data for a
 * stated sensitivity (docs/training.md); without one it is high when the nearest prototype is a
 * high-grade class, as before thresholds existed.
 */
public final class HighDecision {
  private final boolean[] high;
  private final List<String> highNames;
  private final OptionalDouble threshold;
  private final String source;

  /**
   * @param classes class names in head order
   * @param highGrade the classes that count as high grade
   * @param threshold the P(high) threshold in (0, 1); empty for the nearest prototype
   */
  public HighDecision(List<String> classes, List<String> highGrade, OptionalDouble threshold) {
    this(classes, highGrade, threshold, "");
  }

  private HighDecision(
      List<String> classes, List<String> highGrade, OptionalDouble threshold, String source) {
    this.source = source;
    this.high = new boolean[classes.size()];
    for (int c = 0; c < classes.size(); c++) {
      high[c] = highGrade.contains(classes.get(c));
    }
    this.highNames = classes.stream().filter(highGrade::contains).toList();
    threshold.ifPresent(
        t -> {
          if (!(t > 0 && t < 1)) {
            throw new IllegalArgumentException("high threshold must be in (0, 1), got " + t);
          }
        });
    this.threshold = threshold;
  }

  /** The decision a bundle describes. */
  public static HighDecision of(Bundle bundle) {
    return new HighDecision(
        bundle.classes(),
        bundle.highGrade(),
        bundle.highThreshold(),
        bundle.siteHighThreshold() ? " (site setting)" : "");
  }

  /** P(high) from the head's probabilities, in class order. */
  public double pHigh(float[] probabilities) {
    float sum = 0;
    for (int c = 0; c < high.length; c++) {
      if (high[c]) {
        sum += probabilities[c];
      }
    }
    return sum;
  }

  /** Whether a slice with this nearest class and P(high) is called high. */
  public boolean call(int nearest, double pHigh) {
    return threshold.isPresent() ? pHigh >= threshold.getAsDouble() : high[nearest];
  }

  /**
   * The rule in words: {@code "threshold 0.23"}, {@code "threshold 0.31 (site setting)"} or {@code
   * "nearest prototype"}; every verdict carries it.
   */
  public String describe() {
    return threshold.isPresent()
        ? "threshold " + threshold.getAsDouble() + source
        : "nearest prototype";
  }

  /**
   * The rule as a formula, the one wording of it that {@code bundle info} and the model identity in
   * published reports print: {@code "P(high) = p(1c)+p(2)+p(3) >= 0.2585"} (with {@code " (site
   * setting)"} where a site set it) or {@code "nearest prototype is a high grade"}.
   */
  public String formula() {
    if (threshold.isEmpty()) {
      return "nearest prototype is a high grade";
    }
    String sum = String.join("+", highNames.stream().map(g -> "p(" + g + ")").toList());
    return String.format(
            java.util.Locale.ROOT, "P(high) = %s >= %.4f", sum, threshold.getAsDouble())
        + source;
  }
}
