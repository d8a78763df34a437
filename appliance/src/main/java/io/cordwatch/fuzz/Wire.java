package io.cordwatch.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One input on one connection, as both network targets send it: connect, write the bytes (on a
 * thread of their own, so a server that answers and closes early is seen as soon as it does), read
 * what comes back until the server closes, and time the server's part. The server's part is what it
 * takes after the last byte was written: an input may end in the middle of a PDU or a request, and
 * from there the server has its own limits (ARTIM, the idle timeout, the HTTP read timeout) to end
 * the connection.
 */
final class Wire {
  private Wire() {}

  /**
   * What came back.
   *
   * @param closed the server closed (or reset) the connection within the limit
   * @param connected the connection was made at all
   * @param response the first bytes it sent (at most the {@code keep} asked for)
   * @param responseBytes how many bytes it sent in all
   * @param stopped {@code stop} said enough before the server closed (a stream that never ends,
   *     such as server-sent events)
   */
  record Exchange(
      boolean closed, boolean connected, byte[] response, long responseBytes, boolean stopped) {}

  /**
   * Sends {@code input} to 127.0.0.1:{@code port} and reads until the server closes, at most {@code
   * hold} after the last byte was written (or after the writer gave up).
   *
   * @param halfClose shut our sending side after the input (the server sees end of stream);
   *     otherwise the connection stays open and only the server's own timeouts end it
   * @param keep how many bytes of the response to keep
   * @param stop when it says yes to the response kept so far, reading ends there (closed false,
   *     stopped true)
   */
  static Exchange send(
      int port, byte[] input, boolean halfClose, Duration hold, int keep, Predicate<byte[]> stop)
      throws IOException {
    try (Socket s = new Socket()) {
      try {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      } catch (IOException refused) {
        return new Exchange(false, false, new byte[0], 0, false);
      }
      s.setTcpNoDelay(true);
      AtomicLong writtenAt = new AtomicLong();
      OutputStream out = s.getOutputStream();
      Thread writer =
          Thread.ofVirtual()
              .name("fuzz-writer")
              .start(
                  () -> {
                    try {
                      for (int off = 0; off < input.length; off += 8192) {
                        out.write(input, off, Math.min(8192, input.length - off));
                      }
                      out.flush();
                      if (halfClose) {
                        s.shutdownOutput();
                      }
                    } catch (IOException closedEarly) {
                      // the server answered and closed before reading everything: allowed
                    } finally {
                      writtenAt.set(System.nanoTime());
                    }
                  });
      long start = System.nanoTime();
      // A server that neither reads nor closes leaves the writer stuck: its budget then starts
      // after the time a loopback write of any input here takes, generously.
      long writeBudget = Duration.ofSeconds(30).toNanos();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream kept = new ByteArrayOutputStream();
      long total = 0;
      byte[] buf = new byte[8192];
      while (true) {
        long w = writtenAt.get();
        long deadline = (w == 0 ? start + writeBudget : w) + hold.toNanos();
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          writer.interrupt();
          return new Exchange(false, true, kept.toByteArray(), total, false);
        }
        s.setSoTimeout((int) Math.min(left, 250));
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException again) {
          continue;
        } catch (IOException reset) {
          n = -1;
        }
        if (n < 0) {
          return new Exchange(true, true, kept.toByteArray(), total, false);
        }
        total += n;
        if (kept.size() < keep) {
          kept.write(buf, 0, Math.min(n, keep - kept.size()));
          if (stop.test(kept.toByteArray())) {
            return new Exchange(false, true, kept.toByteArray(), total, true);
          }
        }
      }
    }
  }
}
