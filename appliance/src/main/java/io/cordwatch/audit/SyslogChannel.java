package io.cordwatch.audit;

import io.cordwatch.tls.Bcp195;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One open way to the collector. A message either goes out whole or {@link #send} throws; over a
 * stream it is octet-counted (RFC 5425), over UDP it is one datagram (RFC 5426).
 */
interface SyslogChannel extends AutoCloseable {
  /** The largest message one UDP datagram carries (IPv4: 65,535 less the IP and UDP headers). */
  int MAX_DATAGRAM = 65_507;

  void send(byte[] message) throws IOException;

  /** False when the collector is known to have closed the connection (reconnect first). */
  boolean alive();

  @Override
  void close();

  /** A message too large to send on this channel: counted as dropped, never retried. */
  final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(int bytes) {
      super("message of " + bytes + " bytes is larger than one UDP datagram");
    }
  }

  /**
   * Opens a channel to {@code to}.
   *
   * @param tls the client context for {@code tls://}; unused otherwise
   * @param timeoutMs how long connecting (and the TLS handshake) may take
   */
  static SyslogChannel open(Collector to, SSLContext tls, int timeoutMs) throws IOException {
    if (!to.stream()) {
      DatagramSocket s = new DatagramSocket();
      try {
        s.connect(new InetSocketAddress(to.host(), to.port()));
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      return new Udp(s);
    }
    Socket raw = new Socket();
    try {
      raw.connect(new InetSocketAddress(to.host(), to.port()), timeoutMs);
      raw.setSoTimeout(timeoutMs);
      Socket s = raw;
      if (to.transport().equals("tls")) {
        SSLSocket ssl =
            (SSLSocket) tls.getSocketFactory().createSocket(raw, to.host(), to.port(), true);
        SSLParameters p = ssl.getSSLParameters();
        // RFC 5425 section 5.2: the collector's certificate must name the host we asked for.
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setProtocols(Bcp195.PROTOCOLS.toArray(String[]::new));
        p.setCipherSuites(Bcp195.suites(Bcp195.PROTOCOLS, ssl.getSupportedCipherSuites()));
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        s = ssl;
      }
      return new Stream(s);
    } catch (IOException | RuntimeException e) {
      try {
        raw.close();
      } catch (IOException ignored) {
        // the connection failed already; the first error is the one to report
      }
      throw e;
    }
  }

  /** One datagram per message. */
  final class Udp implements SyslogChannel {
    private final DatagramSocket socket;

    Udp(DatagramSocket socket) {
      this.socket = socket;
    }

    @Override
    public void send(byte[] message) throws IOException {
      if (message.length > MAX_DATAGRAM) {
        throw new TooLarge(message.length);
      }
      socket.send(new DatagramPacket(message, message.length));
    }

    @Override
    public boolean alive() {
      return !socket.isClosed();
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** Octet-counted messages on a TCP or TLS connection. */
  final class Stream implements SyslogChannel {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Stream(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = socket.getInputStream();
    }

    @Override
    public void send(byte[] message) throws IOException {
      out.write(SyslogFrame.octetCounted(message));
      out.flush();
    }

    /**
     * A collector never sends anything, so a read that returns end-of-stream (or fails) means it
     * closed the connection; one that times out at once means it is still open. Asked before each
     * batch, so a batch is not written into a connection the collector has already dropped.
     */
    @Override
    public boolean alive() {
      int timeout = 0;
      try {
        timeout = socket.getSoTimeout();
        socket.setSoTimeout(1);
        return in.read() >= 0;
      } catch (SocketTimeoutException e) {
        return true;
      } catch (IOException e) {
        return false;
      } finally {
        try {
          socket.setSoTimeout(timeout);
        } catch (IOException ignored) {
          // a closed socket: the next send says so
        }
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a connection that is already gone leaves nothing to do
      }
    }
  }
}
