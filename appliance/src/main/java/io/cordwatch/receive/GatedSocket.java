package io.cordwatch.receive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * The accepted socket as PixelMed sees it: the A-ASSOCIATE-RQ we already read is replayed in front
 * of the live stream, everything passes through {@link PduGuardInputStream}, and reads wait under
 * the per-PDU idle budget of {@link IdleDeadlineInputStream} (PixelMed sets its own read timeout,
 * which is ignored here on purpose).
 */
final class GatedSocket extends Socket {
  private final Socket real;
  private final IdleDeadlineInputStream in;
  private boolean abortSent;

  GatedSocket(
      Socket real,
      byte[] alreadyRead,
      long maxPduLength,
      Runnable onReleaseRequest,
      long idleTimeoutMillis)
      throws IOException {
    this.real = real;
    this.in =
        new IdleDeadlineInputStream(
            real,
            new PduGuardInputStream(
                new SequenceInputStream(
                    new ByteArrayInputStream(alreadyRead), real.getInputStream()),
                maxPduLength,
                onReleaseRequest),
            idleTimeoutMillis);
  }

  /** Whether the association ended because no whole PDU came within the idle timeout. */
  boolean idleExpired() {
    return in.expired();
  }

  @Override
  public InputStream getInputStream() {
    return in;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return real.getOutputStream();
  }

  @Override
  public void setSoTimeout(int timeout) {
    // The idle timeout is ours to set (DicomReceiver did), not the library's.
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return real.getSoTimeout();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    real.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return real.getTcpNoDelay();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    real.setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return real.getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    real.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return real.getReceiveBufferSize();
  }

  @Override
  public int getSoLinger() throws SocketException {
    return real.getSoLinger();
  }

  @Override
  public InetAddress getInetAddress() {
    return real.getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return real.getLocalAddress();
  }

  @Override
  public int getPort() {
    return real.getPort();
  }

  @Override
  public int getLocalPort() {
    return real.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return real.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return real.getLocalSocketAddress();
  }

  @Override
  public boolean isConnected() {
    return real.isConnected();
  }

  @Override
  public boolean isClosed() {
    return real.isClosed();
  }

  @Override
  public void shutdownOutput() throws IOException {
    real.shutdownOutput();
  }

  @Override
  public void shutdownInput() throws IOException {
    real.shutdownInput();
  }

  /**
   * Closes the transport. PixelMed closes it without a word when a read fails, so an association
   * that ran out of idle time is told why here first, with an A-ABORT (best effort: a peer that
   * stopped reading may never see it).
   */
  @Override
  public synchronized void close() throws IOException {
    if (in.expired() && !real.isClosed() && !abortSent) {
      abortSent = true;
      try {
        OutputStream out = real.getOutputStream();
        out.write(Pdu.providerAbort());
        out.flush();
      } catch (IOException ignored) {
        // the peer is gone already; closing is all that is left
      }
    }
    real.close();
  }
}
