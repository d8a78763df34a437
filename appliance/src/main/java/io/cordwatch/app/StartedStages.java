package io.cordwatch.app;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the appliance has opened or started so far, closed in the reverse order: on a clean stop,
 * and when a later start-up step fails (a port in use, a bad file), so that a failed start leaves
 * no worker thread, listener or open index behind. One failing close does not keep the others from
 * closing.
 */
final class StartedStages {
  private static final Logger LOG = Logger.getLogger(StartedStages.class.getName());

  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /** Records a stage once it runs (or a resource once it is open); returns it. */
  <T extends AutoCloseable> T add(T stage) {
    started.push(stage);
    return stage;
  }

  /** Closes everything recorded, the last started first. Closing twice closes nothing more. */
  void closeAll() {
    closeAll(null);
  }

  /**
   * Closes everything recorded after start-up failed; what fails to close is added to {@code
   * failure} as suppressed, so the start-up error stays the one reported.
   */
  void closeAfterFailure(Throwable failure) {
    closeAll(failure);
  }

  private void closeAll(Throwable failure) {
    while (!started.isEmpty()) {
      AutoCloseable stage = started.pop();
      try {
        stage.close();
      } catch (Exception | Error e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else {
          LOG.log(Level.WARNING, "closing " + stage.getClass().getSimpleName() + " failed", e);
        }
      }
    }
  }
}
