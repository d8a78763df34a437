package io.cordwatch.receive;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input under one deadline for everything read through it. A socket's own read timeout
 * restarts with every byte, so a peer that sends one byte just inside it holds the connection for
 * ever; here each read waits at most for what is left of the whole budget (the ARTIM timer of DICOM
 * PS3.8 9.1.5 runs once, from the connection to the A-ASSOCIATE-RQ).
 */
final class DeadlineInputStream extends InputStream {
  private final Socket socket;
  private final InputStream in;
  private final long deadlineNanos;

  /**
   * @param deadlineNanos when all reads together must be done, on {@link System#nanoTime}'s clock
   */
  DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.deadlineNanos = deadlineNanos;
  }

  private void arm() throws IOException {
    long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
    if (left <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
  }

  @Override
  public int read() throws IOException {
    arm();
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    arm();
    return in.read(b, off, len);
  }
}
