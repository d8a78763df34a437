package io.cordwatch.systemd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * systemd's end of NOTIFY_SOCKET for tests: a real {@code AF_UNIX} datagram socket, bound by a
 * Python process (its socket module can; Java's channels cannot), that hands over each datagram it
 * receives as text. The appliance's tests use it through this module's test jar.
 */
public final class NotifyReceiver implements AutoCloseable {
  /** Binds argv[1] ("@name": abstract), says "bound", prints each datagram as a JSON string. */
  private static final String SCRIPT =
      """
      import json, socket, sys
      s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
      a = sys.argv[1]
      s.bind("\\0" + a[1:] if a.startswith("@") else a)
      print("bound", flush=True)
      s.settimeout(120)
      while True:
          try:
              data = s.recv(4096)
          except socket.timeout:
              break
          print(json.dumps(data.decode()), flush=True)
      """;

  private final Process process;
  private final BufferedReader out;

  /** Binds {@code address} (a path, or {@code @name}); returns once it is bound. */
  public NotifyReceiver(String address) throws IOException {
    process =
        new ProcessBuilder("python3", "-c", SCRIPT, address)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    if (!"bound".equals(first)) {
      close();
      throw new IOException("the notify receiver did not bind " + address + ": " + first);
    }
  }

  /**
   * The next datagram, decoded; blocks until one comes (the receiver gives up after 120 s without
   * one, and this then throws).
   */
  public String next() throws IOException {
    String line = out.readLine();
    if (line == null) {
      throw new IOException("the notify receiver got nothing for 120 s");
    }
    // A JSON string of text without quotes or backslashes but for \n: undo what json.dumps did.
    return line.substring(1, line.length() - 1).replace("\\n", "\n");
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
