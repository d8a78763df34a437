package io.cordwatch.trainer.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one restart an epoch gets after a step that must not be kept ({@link DivergedException}),
 * shared by the training and pretraining loops. A one-off numerical fault does not come back when
 * the epoch runs again from the previous epoch's checkpoint with the same order and augmentations;
 * a diverging run does, and is stopped the second time. The first epoch has no checkpoint to go
 * back to and is stopped at once.
 */
public final class EpochRestart {
  private int restarted;

  /**
   * Allows the restart of {@code epoch} and logs it, or throws why the run stops.
   *
   * @param step the stopped step within the epoch, from 0
   * @throws IllegalStateException the epoch was restarted already, or it is the first
   */
  public void allow(int epoch, int step, DivergedException e, PrintStream log) {
    if (restarted == epoch || epoch == 1) {
      throw new IllegalStateException(
          restarted == epoch
              ? "stopped again after restarting epoch " + epoch + ": " + e.getMessage()
              : e.getMessage(),
          e);
    }
    log.printf(
        Locale.ROOT,
        "epoch %d stopped at step %d: %s%nrestarting epoch %d once from the checkpoint of epoch %d"
            + " (a one-off numerical fault does not come back; a diverging run does)%n",
        epoch,
        step + 1,
        e.getMessage(),
        epoch,
        epoch - 1);
    restarted = epoch;
  }

  /** Refuses a checkpoint that does not hold the epoch before the restarted one. */
  public static void requireEpoch(Path checkpointFile, int held, int wanted) {
    if (held != wanted) {
      throw new IllegalStateException(checkpointFile + " holds epoch " + held + ", not " + wanted);
    }
  }
}
