package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings of {@code cordwatch fuzz --target http}: a request whose head breaks off, whose method
 * holds a control character, whose target has no path ({@code http:x/...}), or whose body breaks
 * off or has a malformed chunk size, was answered 500 Internal Server Error. It is the client's
 * fault, and the answer is now 400; the server answers the next request as before.
 */
class MalformedRequestTest {
  @TempDir Path tmp;
  private TestAppliance app;

  @BeforeEach
  void start() {
    app = new TestAppliance(tmp);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void aRequestWhoseHeadersBreakOffGetsBadRequest() throws IOException {
    assertEquals(
        "HTTP/1.1 400 Bad Request",
        statusLine("GET /observe/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnec"));
    assertEquals(200, app.getAnonymous("/observe/health").statusCode());
  }

  @Test
  void aMethodWithAControlCharacterGetsBadRequest() throws IOException {
    assertEquals(
        "HTTP/1.1 400 Bad Request",
        statusLine("G\tET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    assertEquals(200, app.getAnonymous("/observe/health").statusCode());
  }

  @Test
  void aFormWhoseChunkedBodyIsMalformedGetsBadRequest() throws IOException {
    assertEquals(
        "HTTP/1.1 400 Bad Request",
        statusLine(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nname=a\r\n0\r\n\r\n"));
  }

  @Test
  void aBodyShorterThanItsContentLengthGetsBadRequest() throws IOException {
    assertEquals(
        "HTTP/1.1 400 Bad Request",
        statusLine(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 50\r\n\r\nname=a"));
    assertEquals(200, app.getAnonymous("/observe/health").statusCode());
  }

  @Test
  void aRequestTargetWithoutAPathGetsBadRequest() throws IOException {
    assertEquals(
        "HTTP/1.1 400 Bad Request",
        statusLine("GET http:x/api/v1/studies HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    assertEquals(200, app.getAnonymous("/observe/health").statusCode());
  }

  /** Writes {@code request}, half-closes, and returns the first line of the answer. */
  private String statusLine(String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", app.server.port()), 5000);
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.shutdownOutput();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(answer.contains("\r\n"), "an answer came: " + answer);
      return answer.substring(0, answer.indexOf("\r\n"));
    }
  }
}
