package io.cordwatch.trainer.train;

import java.util.Locale;

/**
 * Stops a training run whose loss has blown up while staying finite. Such a run does not recover: a
 * seed-3 run of the shipped recipe went from a mean loss of 0.97 in epoch 10 to 5.3e8 in epoch 11
 * (the compact term, squared distances to the prototypes, ran away), then trained six more epochs
 * and would have exported a model that calls nothing high. A non-finite loss was already caught;
 * this catches the finite kind.
 *
 * <p>The rule: once an epoch has finished, a step whose loss exceeds {@value #FACTOR} times the
 * lowest epoch mean so far stops the run. The first epoch is never judged (there is no mean yet,
 * and warm-up losses start high); a healthy run's step losses stay within a few times its epoch
 * means. The step is not applied and {@link TrainingRun} starts the epoch again once from the
 * previous epoch's checkpoint; if it trips again the run stops before the diverged epoch's
 * checkpoint is written, so the work folder keeps the last good epoch. A resumed run starts judging
 * again after its first epoch.
 */
public final class DivergenceGuard {
  /** How many times the best epoch mean a step's loss may reach. */
  public static final double FACTOR = 100;

  private double best = Double.POSITIVE_INFINITY;
  private int bestEpoch;

  /** Records a finished epoch's mean loss. */
  public void epochDone(int epoch, double meanLoss) {
    if (meanLoss < best) {
      best = meanLoss;
      bestEpoch = epoch;
    }
  }

  /**
   * Null when a step's loss is within bounds, else why the run must stop. The work folder then
   * holds the checkpoint of the epoch before {@code epoch} (none before epoch 1).
   *
   * @param epoch the epoch the step belongs to
   */
  public String check(int epoch, double stepLoss) {
    if (!(stepLoss > FACTOR * best)) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "training diverged in epoch %d: a step's loss reached %.4g, over %.0f times the best epoch"
            + " mean (%.4g, epoch %d); %s; start again with a lower --lr or another --seed",
        epoch,
        stepLoss,
        FACTOR,
        best,
        bestEpoch,
        epoch > 1
            ? "the work folder keeps the checkpoint of epoch " + (epoch - 1)
            : "no checkpoint was written");
  }
}
