package io.cordwatch.trainer.dataset;

import java.util.Arrays;
import java.util.Random;

/**
 * Random tone curves on the resized [0, 1] crop: a piecewise-linear map through {@code knots}
 * evenly spaced control points whose output values are drawn at random. Most curves are monotone
 * (they keep the order of tissue intensities and change only how far apart they lie); a share of
 * them is not, so two tissues can swap brightness or meet at one grey level.
 *
 * <p>Why: a T2-weighted series' tissue contrast follows TR, TE and each tissue's T1, T2 and proton
 * density, which differ between scanners, field strengths and protocols by more than the gamma and
 * linear jitter of {@link Augmentation} cover. A model that has seen arbitrary re-mappings of grey
 * levels has to read the grade from shapes and boundaries (the thecal sac, the cord, the CSF rim,
 * the tumour's outline), which is what the Bilsky scale defines. This is the trainer's own generic
 * augmentation, drawn on grey levels only; it knows nothing of the phantom's tissue physics
 * (docs/phantom.md), so the phantom's {@code hold-contrast} set stays held out for a model trained
 * with it.
 *
 * @param probability chance that a sample gets a curve at all (0 for none)
 * @param nonMonotone share of the drawn curves that need not be monotone
 * @param knots number of control points, at least 3, evenly spaced on [0, 1]
 */
public record IntensityCurves(double probability, double nonMonotone, int knots) {

  public IntensityCurves {
    if (!(probability >= 0 && probability <= 1) || !(nonMonotone >= 0 && nonMonotone <= 1)) {
      throw new IllegalArgumentException(
          "curve probability and non-monotone share must be 0..1, got "
              + probability
              + " and "
              + nonMonotone);
    }
    if (knots < 3 || knots > 33) {
      throw new IllegalArgumentException("curve knots must be 3..33, got " + knots);
    }
  }

  /** No curves. */
  public static IntensityCurves none() {
    return new IntensityCurves(0, 0, 5);
  }

  /**
   * The curves of {@code cordwatch train --intensity-curves}: half of the samples get a curve
   * through 5 control points, a quarter of those a non-monotone one.
   */
  public static IntensityCurves standard() {
    return new IntensityCurves(0.5, 0.25, 5);
  }

  /** Whether any curve can be drawn. */
  public boolean active() {
    return probability > 0;
  }

  /**
   * One sample's curve: the output value at each of the evenly spaced control points; an empty
   * array is the identity.
   */
  public record Curve(float[] values) {

    /** The identity: no change. */
    public static final Curve NONE = new Curve(new float[0]);

    public Curve {
      values = values.clone();
    }

    /** The output values at the control points (a copy). */
    @Override
    public float[] values() {
      return values.clone();
    }

    /** Maps every value of the plane through the curve in place; inputs are clipped to [0, 1]. */
    public void apply(float[] plane) {
      if (values.length == 0) {
        return;
      }
      int segments = values.length - 1;
      for (int i = 0; i < plane.length; i++) {
        double x = Math.clamp(plane[i], 0f, 1f) * segments;
        int k = Math.min((int) x, segments - 1);
        double t = x - k;
        plane[i] = (float) (values[k] + (values[k + 1] - values[k]) * t);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Curve c && Arrays.equals(values, c.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Curve" + Arrays.toString(values);
    }
  }

  /**
   * Draws one sample's curve. A monotone curve starts in [0, 0.2], ends in [0.8, 1] and passes
   * through sorted uniform values between them; a non-monotone one draws every value uniformly on
   * [0, 1], redrawn until its range spans at least half of the scale, so the crop never collapses
   * to one grey level.
   */
  public Curve draw(Random random) {
    if (!active() || random.nextDouble() >= probability) {
      return Curve.NONE;
    }
    float[] v = new float[knots];
    if (random.nextDouble() < nonMonotone) {
      do {
        for (int i = 0; i < knots; i++) {
          v[i] = random.nextFloat();
        }
      } while (range(v) < 0.5f);
      return new Curve(v);
    }
    float lo = 0.2f * random.nextFloat();
    float hi = 0.8f + 0.2f * random.nextFloat();
    v[0] = lo;
    v[knots - 1] = hi;
    for (int i = 1; i < knots - 1; i++) {
      v[i] = lo + (hi - lo) * random.nextFloat();
    }
    Arrays.sort(v, 1, knots - 1);
    return new Curve(v);
  }

  private static float range(float[] v) {
    float min = 1;
    float max = 0;
    for (float x : v) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    return max - min;
  }
}
