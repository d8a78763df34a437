package io.cordwatch.publish;

import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * DCMTK's storescp as the destination: every object it receives becomes a file of its own ({@code
 * --unique-filenames}), so a document sent twice is two files and "exactly once" can be counted.
 */
final class StoreScp implements AutoCloseable {
  final int port;
  final Path dir;
  private final Process process;

  private StoreScp(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  /** A port nobody listens on now (taken and released). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts storescp as {@code ae} on {@code port}, into {@code dir}; returns once it listens. */
  static StoreScp start(String ae, int port, Path dir) throws Exception {
    SkipPeers.assumePeers("storescp");
    Files.createDirectories(dir);
    ProcessBuilder b =
        new ProcessBuilder(
            "storescp",
            "-aet",
            ae,
            "--unique-filenames",
            "-od",
            dir.toString(),
            Integer.toString(port));
    b.environment().put("TCP_NODELAY", "1");
    b.redirectErrorStream(true)
        .redirectOutput(dir.resolveSibling("storescp-" + port + ".log").toFile());
    Process p = b.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new StoreScp(port, dir, p);
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          throw new IllegalStateException("storescp exited with " + p.exitValue());
        }
        Thread.sleep(20);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("storescp did not listen on " + port);
  }

  /** The files received so far. */
  List<Path> received() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
