package io.cordwatch.audit;

import io.cordwatch.tls.ServerTls;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real syslog collector on loopback for the tests: UDP (one message per datagram) or TCP/TLS (RFC
 * 5425 octet counting), keeping every message it got, in order, as text.
 */
final class SyslogCollector implements AutoCloseable {
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final ServerTls tls;
  private final Thread thread;
  private volatile boolean closed;

  private SyslogCollector(DatagramSocket udp, ServerSocket tcp, ServerTls tls) {
    this.udp = udp;
    this.tcp = tcp;
    this.tls = tls;
    this.thread =
        Thread.ofPlatform().daemon(true).start(udp != null ? this::receiveUdp : this::acceptTcp);
  }

  static SyslogCollector udp(int port) throws IOException {
    return new SyslogCollector(
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
        null,
        null);
  }

  static SyslogCollector tcp(int port, ServerTls tls) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return new SyslogCollector(null, s, tls);
  }

  /** A loopback port nothing listens on now (bound, then closed). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  int port() {
    return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
  }

  /** Every message so far, in the order it arrived. */
  List<String> messages() {
    return new ArrayList<>(messages);
  }

  private void receiveUdp() {
    byte[] buf = new byte[65_536];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
      } catch (IOException e) {
        return;
      }
      messages.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
    }
  }

  private void acceptTcp() {
    while (!closed) {
      Socket s;
      try {
        s = tcp.accept();
        if (tls != null) {
          s = tls.layer(s);
        }
      } catch (IOException e) {
        return;
      }
      connections.add(s);
      Socket c = s;
      Thread.ofPlatform().daemon(true).start(() -> readFrames(c));
    }
  }

  /** Reads {@code LEN SP MSG} frames until the sender closes. */
  private void readFrames(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      while (true) {
        int len = length(in);
        if (len < 0) {
          return;
        }
        byte[] msg = new byte[len];
        in.readFully(msg);
        messages.add(new String(msg, StandardCharsets.UTF_8));
      }
    } catch (EOFException e) {
      // the sender closed between frames
    } catch (IOException e) {
      // closed by close() or by the sender
    }
  }

  private static int length(InputStream in) throws IOException {
    ByteArrayOutputStream digits = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return -1;
      }
      if (b == ' ') {
        return Integer.parseInt(digits.toString(StandardCharsets.US_ASCII));
      }
      if (b < '0' || b > '9' || digits.size() > 9) {
        throw new IOException("not an octet count: byte " + b);
      }
      digits.write(b);
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (udp != null) {
      udp.close();
    }
    if (tcp != null) {
      tcp.close();
    }
    for (Socket s : connections) {
      s.close();
    }
  }
}
