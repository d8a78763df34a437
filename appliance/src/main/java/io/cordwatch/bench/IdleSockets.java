package io.cordwatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slow-loris load of {@code bench load}: {@code count} TCP connections to the DICOM port that
 * never finish an A-ASSOCIATE-RQ. Each sends one byte of a request's header now and then (every
 * {@code dripMillis}), the way a slow-loris client keeps a half-open request alive; a connection
 * the appliance closes is opened again at the next drip, so the count stays up for as long as the
 * load runs, as an attacker's would. What the appliance did with them is counted, for the report.
 *
 * <p>One platform thread drips over all sockets in turn: the load is the sockets, not threads on
 * the bench's side competing with the appliance for the CPU.
 */
final class IdleSockets implements AutoCloseable {
  private final int port;
  private final int count;
  private final long dripMillis;
  private final List<Socket> sockets = new ArrayList<>();
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closedByPeer = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final Thread dripper;
  private volatile boolean stop;

  private IdleSockets(int port, int count, long dripMillis) {
    this.port = port;
    this.count = count;
    this.dripMillis = dripMillis;
    this.dripper = Thread.ofPlatform().daemon().name("bench-idle-sockets").unstarted(this::drip);
  }

  /** Opens the sockets (each one connected before this returns) and starts dripping. */
  static IdleSockets open(int port, int count, long dripMillis) {
    IdleSockets s = new IdleSockets(port, count, dripMillis);
    synchronized (s.sockets) {
      for (int i = 0; i < count; i++) {
        s.sockets.add(s.connect());
      }
    }
    s.dripper.start();
    return s;
  }

  /** A new connection, or null if the connect itself failed (counted as refused). */
  private Socket connect() {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      s.setSoTimeout(1);
      opened.incrementAndGet();
      return s;
    } catch (IOException e) {
      refused.incrementAndGet();
      closeQuietly(s);
      return null;
    }
  }

  private void drip() {
    // 0x01 is the PDU type of an A-ASSOCIATE-RQ; what follows is zeros, a request that never ends.
    int round = 0;
    while (!stop) {
      try {
        Thread.sleep(dripMillis);
      } catch (InterruptedException e) {
        return;
      }
      byte b = (byte) (round++ == 0 ? 0x01 : 0x00);
      synchronized (sockets) {
        for (int i = 0; i < sockets.size() && !stop; i++) {
          Socket s = sockets.get(i);
          if (s == null || !alive(s, b)) {
            if (s != null) {
              closedByPeer.incrementAndGet();
              closeQuietly(s);
            }
            sockets.set(i, connect());
          }
        }
      }
    }
  }

  /** Writes one byte and peeks for end of stream; false when the appliance has closed it. */
  private static boolean alive(Socket s, byte b) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      return in.read() >= 0;
    } catch (SocketTimeoutException stillOpen) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a socket the bench is done with
    }
  }

  /** What the appliance did to the idle sockets: how many were opened, closed by it, refused. */
  String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "%d idle sockets held, one byte each every %d ms: %d connections opened, %d closed by the"
            + " appliance, %d connects refused",
        count,
        dripMillis,
        opened.get(),
        closedByPeer.get(),
        refused.get());
  }

  @Override
  public void close() {
    stop = true;
    dripper.interrupt();
    try {
      dripper.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (sockets) {
      for (Socket s : sockets) {
        if (s != null) {
          closeQuietly(s);
        }
      }
      sockets.clear();
    }
  }
}
