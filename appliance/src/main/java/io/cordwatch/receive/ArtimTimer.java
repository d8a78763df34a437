package io.cordwatch.receive;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a connection whose ARTIM time runs out before {@link #close} is called. The plain port
 * needs none ({@link DeadlineInputStream} bounds every read it makes), but on the TLS port the
 * handshake reads through the TLS layer, which re-arms the socket's read timeout for each record: a
 * client that connects and never says hello, or sends its hello a byte at a time, would hold the
 * connection far past ARTIM. Closing the plain socket under the TLS layer ends whatever it waits
 * for, so the whole of connect, handshake and A-ASSOCIATE-RQ stays within the one ARTIM budget.
 *
 * <p>One virtual thread per pending TLS connection, and the pending connections are capped.
 */
final class ArtimTimer implements AutoCloseable {
  private final AtomicBoolean settled = new AtomicBoolean();
  private volatile boolean fired;
  private final Thread timer;

  private ArtimTimer(Socket raw, long deadlineNanos) {
    this.timer =
        Thread.ofVirtual()
            .name("dicom-artim")
            .start(
                () -> {
                  try {
                    long left = deadlineNanos - System.nanoTime();
                    if (left > 0) {
                      Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
                    }
                  } catch (InterruptedException e) {
                    return;
                  }
                  if (settled.compareAndSet(false, true)) {
                    fired = true;
                    try {
                      raw.close();
                    } catch (IOException ignored) {
                      // closed already: nothing is waiting on it any more
                    }
                  }
                });
  }

  /** Starts the timer for {@code raw}, the accepted plain socket, to fire at {@code deadline}. */
  static ArtimTimer start(Socket raw, long deadlineNanos) {
    return new ArtimTimer(raw, deadlineNanos);
  }

  /** Whether the time ran out and the connection was closed. */
  boolean fired() {
    return fired;
  }

  /** Stops the timer: the A-ASSOCIATE-RQ arrived in time (or the connection is being closed). */
  @Override
  public void close() {
    if (settled.compareAndSet(false, true)) {
      timer.interrupt();
    }
  }
}
