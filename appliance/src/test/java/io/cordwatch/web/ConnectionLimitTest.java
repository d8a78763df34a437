package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http-max-connections} as Helidon enforces it: the listener takes a permit before it
 * accepts, so a connection beyond the limit is not refused; the system completes its TCP handshake
 * and it waits in the accept queue, unanswered, until a held connection closes.
 */
class ConnectionLimitTest {
  private static final String REQUEST =
      "GET /observe/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  @TempDir Path dir;

  @Test
  void aConnectionBeyondTheLimitWaitsUnansweredUntilAHeldOneCloses() throws IOException {
    try (TestAppliance app = new TestAppliance(dir, Map.of("http-max-connections", "2"));
        Socket second = new Socket("127.0.0.1", app.server.port())) {
      Socket first = new Socket("127.0.0.1", app.server.port());
      try {
        // Answered and kept alive: each holds one of the two places.
        assertEquals("HTTP/1.1 200 OK", exchange(first));
        assertEquals("HTTP/1.1 200 OK", exchange(second));

        try (Socket third = new Socket("127.0.0.1", app.server.port())) {
          third.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
          // Not a timing assertion on the server's speed: an answer here at any time is the bug.
          third.setSoTimeout(1000);
          assertThrows(SocketTimeoutException.class, () -> third.getInputStream().read());

          first.close();
          third.setSoTimeout(60_000);
          assertEquals("HTTP/1.1 200 OK", statusLine(third.getInputStream()));
        }
      } finally {
        first.close();
      }
    }
  }

  private static String exchange(Socket s) throws IOException {
    s.setSoTimeout(60_000);
    s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
    return statusLine(s.getInputStream());
  }

  private static String statusLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
