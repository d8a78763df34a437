package io.cordwatch.trainer.train;

/**
 * A training step that must not be kept: its loss is not finite, or {@link DivergenceGuard} stopped
 * it. The training and pretraining loops catch it to start the epoch again once from the previous
 * epoch's checkpoint (a one-off numerical fault does not come back); the second time it stops the
 * run.
 */
public final class DivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public DivergedException(String message) {
    super(message);
  }
}
