package io.cordwatch.trainer.localizer;

import java.util.Random;

/**
 * What a training view goes through after it is cut from its slice, drawn once per view: a
 * horizontal flip half the time and intensity changes a scanner could make (gamma, contrast,
 * offset, Gaussian noise), clipped to [0, 1]. The localizer's and the canal segmenter's training
 * draw them the same way, in the same order from the same {@link Random}.
 */
public record ViewJitter(boolean flip, double gamma, double contrast, double offset, double noise) {
  /** Draws one view's jitter. */
  public static ViewJitter draw(Random r) {
    boolean flip = r.nextBoolean();
    double gamma = Math.exp(uniform(r, -0.4, 0.4));
    double contrast = uniform(r, 0.85, 1.15);
    double offset = uniform(r, -0.05, 0.05);
    double noise = uniform(r, 0, 0.06);
    return new ViewJitter(flip, gamma, contrast, offset, noise);
  }

  /** The index in the unflipped view of output pixel (x, y) of a view {@code size} across. */
  public int source(int x, int y, int size) {
    return y * size + (flip ? size - 1 - x : x);
  }

  /** The jittered value of unit-range {@code v}, its noise drawn from {@code r}. */
  public float value(float v, Random r) {
    double value = contrast * Math.pow(v, gamma) + offset + noise * r.nextGaussian();
    return (float) Math.min(1, Math.max(0, value));
  }

  /** A uniform draw in [from, to). */
  public static double uniform(Random r, double from, double to) {
    return from + (to - from) * r.nextDouble();
  }
}
