package io.cordwatch.trainer.train;

import java.util.Locale;

/**
 * How the learning rate changes over a run: a factor in (0, 1] that multiplies both parameter
 * groups' rates at every step.
 *
 * <ul>
 *   <li>{@link Kind#CONSTANT}: 1 after the warm-up (the authors' fine-tuning recipe, which starts
 *       from ImageNet weights).
 *   <li>{@link Kind#COSINE}: after the warm-up, half a cosine from 1 down to {@link #FLOOR} at the
 *       last step. A backbone trained from He-initialised weights (nothing pretrained can be
 *       downloaded here) needs a larger rate than fine-tuning early on and a small one at the end
 *       to settle; a constant 5e-3 left the randomized-phantom training set under-fitted (training
 *       accuracy 0.79 after 14 epochs, docs/validation.md).
 * </ul>
 *
 * The warm-up rises linearly from 1 / warm-up steps to 1, so that the first steps of a large rate
 * do not blow up batch-norm statistics that are still random. The factor is a function of the step
 * count alone, which a checkpoint restores, so a resumed run continues the same curve (as long as
 * {@code --epochs} is unchanged: cosine spans the run's epochs).
 *
 * @param kind the curve
 * @param warmupEpochs length of the linear warm-up, in epochs (may be fractional; 0 for none)
 */
public record LrSchedule(Kind kind, double warmupEpochs) {
  /** The cosine's end value, as a fraction of the peak rate. */
  public static final double FLOOR = 0.01;

  /** The curve's shape. */
  public enum Kind {
    CONSTANT,
    COSINE
  }

  public LrSchedule {
    if (kind == null) {
      throw new IllegalArgumentException("schedule kind missing");
    }
    if (!(warmupEpochs >= 0 && warmupEpochs < 1000)) {
      throw new IllegalArgumentException("warm-up epochs must be 0..1000, got " + warmupEpochs);
    }
  }

  /** No schedule: the rate as given at every step. */
  public static LrSchedule constant() {
    return new LrSchedule(Kind.CONSTANT, 0);
  }

  /**
   * The factor for a step.
   *
   * @param step steps taken before this one (0 for the first)
   * @param stepsPerEpoch optimiser steps in one epoch
   * @param epochs the run's epochs
   */
  public double factor(long step, long stepsPerEpoch, int epochs) {
    if (stepsPerEpoch < 1 || epochs < 1 || step < 0) {
      throw new IllegalArgumentException(
          "need step >= 0, steps per epoch >= 1 and epochs >= 1; got "
              + step
              + ", "
              + stepsPerEpoch
              + ", "
              + epochs);
    }
    long total = stepsPerEpoch * epochs;
    long warm = Math.min(total, Math.round(warmupEpochs * stepsPerEpoch));
    if (step < warm) {
      return (step + 1) / (double) warm;
    }
    if (kind == Kind.CONSTANT || total <= warm) {
      return 1;
    }
    double t = Math.min(1, (step - warm) / (double) Math.max(1, total - warm - 1));
    return FLOOR + (1 - FLOOR) * 0.5 * (1 + Math.cos(Math.PI * t));
  }

  /** For logs and the model card, e.g. {@code cosine to 0.01x after 1 warm-up epoch(s)}. */
  public String describe() {
    String w =
        warmupEpochs > 0
            ? String.format(Locale.ROOT, " after %.3g warm-up epoch(s)", warmupEpochs)
            : "";
    return kind == Kind.CONSTANT
        ? "constant" + w
        : String.format(Locale.ROOT, "cosine to %.3gx", FLOOR) + w;
  }
}
