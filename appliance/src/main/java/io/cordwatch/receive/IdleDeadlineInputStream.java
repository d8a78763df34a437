package io.cordwatch.receive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * An association's input with one idle budget per PDU. A socket's own read timeout restarts with
 * every byte, so a peer that sends a byte just inside it holds an association slot for ever; here
 * the clock starts when we begin to wait for a PDU (at a PDU boundary, after the previous one was
 * read whole) and each read waits at most for what is left of that budget, however the PDU's bytes
 * trickle in. Time we spend storing and answering a message is not counted: the clock starts only
 * when we ask the peer for more.
 *
 * <p>The PDU framing comes from the {@link PduGuardInputStream} it reads through. When the budget
 * ends the read throws {@link SocketTimeoutException} and {@link #expired} says so, so the receiver
 * can tell an idle peer from a broken one when it aborts the association.
 */
final class IdleDeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  private final PduGuardInputStream pdus;
  private final long idleNanos;
  private long deadlineNanos;
  private volatile boolean expired;

  IdleDeadlineInputStream(Socket socket, PduGuardInputStream pdus, long idleMillis) {
    super(pdus);
    this.socket = socket;
    this.pdus = pdus;
    this.idleNanos = idleMillis * 1_000_000L;
  }

  /** Whether a read gave up because no whole PDU arrived within the idle budget. */
  boolean expired() {
    return expired;
  }

  private void arm() throws IOException {
    long now = System.nanoTime();
    if (pdus.atPduBoundary()) {
      deadlineNanos = now + idleNanos;
    }
    long leftMillis = (deadlineNanos - now) / 1_000_000L;
    if (leftMillis <= 0) {
      expired = true;
      throw new SocketTimeoutException("no whole PDU within the idle timeout");
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
  }

  @Override
  public int read() throws IOException {
    return timed(in::read);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return len == 0 ? 0 : timed(() -> in.read(b, off, len));
  }

  /** One read from the stream below. */
  private interface Read {
    int run() throws IOException;
  }

  /** Runs a read under what is left of the PDU's budget, noting when the budget ran out. */
  private int timed(Read read) throws IOException {
    arm();
    try {
      return read.run();
    } catch (SocketTimeoutException e) {
      expired = true;
      throw e;
    }
  }
}
