package io.cordwatch.bench;

import io.cordwatch.dicom.Dcmtk;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What every benchmark needs from the machine it runs on: the line that says which machine it was,
 * DCMTK tools started the same way for every peer, and the work folder removed afterwards.
 */
final class BenchHost {
  private BenchHost() {}

  /** One line naming the cores, OS, JDK, the work folder's file system and the DCMTK version. */
  static String machine(Path work) throws IOException {
    FileStore store = Files.getFileStore(work);
    return String.format(
        Locale.ROOT,
        "machine: %d cores (%s), %s %s, %s %s; work dir %s on %s (%s); %s",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.vm.vendor"),
        "JDK " + Runtime.version(),
        work,
        store.type(),
        store.name(),
        dcmtkVersion());
  }

  /**
   * Prints the machine line, a blank line and a table's heading (its {@code columns} laid out by
   * {@code format}) underlined with dashes.
   */
  static void tableHead(PrintWriter out, Path work, String format, Object... columns)
      throws IOException {
    out.println(machine(work));
    out.println();
    String head = String.format(Locale.ROOT, format, columns);
    out.println(head);
    out.println("-".repeat(head.length()));
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("cpu model unknown");
    } catch (IOException | UncheckedIOException e) {
      return "cpu model unknown";
    }
  }

  private static String dcmtkVersion() {
    try {
      Process p = new ProcessBuilder("storescp", "--version").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return text.lines()
          .filter(l -> l.contains("storescp v"))
          .map(l -> "DCMTK " + l.substring(l.indexOf(" v") + 1).replace("$", "").trim())
          .findFirst()
          .orElse("DCMTK version unknown");
    } catch (IOException e) {
      return "DCMTK version unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "DCMTK version unknown";
    }
  }

  /**
   * A DCMTK tool with Nagle's algorithm off ({@link Dcmtk#process}: with it on, 200 instances would
   * take ~9 s whatever the receiver does, so the benches switch it off for storescu and storescp
   * alike and measure the receivers instead), its output into {@code log}.
   */
  static ProcessBuilder dcmtk(List<String> cmd, Path log) {
    return Dcmtk.process(cmd).redirectOutput(log.toFile());
  }

  /** Fails, saying how to get it, unless {@code tool} is an executable on PATH. */
  static void requireTool(String tool) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
          return;
        }
      }
    }
    throw new IllegalStateException(
        tool
            + " is not on PATH: install DCMTK (Debian package dcmtk), or run through"
            + " install/cordwatch bench, which installs it");
  }

  /** The last three lines of a tool's log, for an error message. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or "unknown". */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2] + " (1, 5, 15 min)";
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "unknown";
    }
  }

  /** A loopback port free at the moment of asking (a peer binding it may still lose a race). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Whether something accepts a TCP connection on the loopback {@code port} right now. */
  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Polls until {@code p} accepts a TCP connection on {@code port} (DCMTK and Orthanc log the empty
   * probe and keep listening); false if it exits or ten seconds pass.
   */
  static boolean awaitListening(Process p, int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        return false;
      }
      if (accepts(port)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /**
   * The settings of an in-process appliance under bench: its data under {@code work/data}, ports
   * chosen by the system on the loopback address, only {@code callingAes} admitted, no disk reserve
   * (the bench measures the receiver, not the watermark). Mutable: a bench adds its own keys.
   */
  static Map<String, String> applianceSettings(Path work, String callingAes) {
    Map<String, String> m = new HashMap<>();
    m.put("data-dir", work.resolve("data").toString());
    m.put("dicom-port", "0");
    m.put("http-port", "0");
    m.put("bind", "127.0.0.1");
    m.put("allow-ae", callingAes);
    m.put("disk-reserve", "0");
    return m;
  }

  /** Stops a peer process: politely, then by force after 30 s (or at once when interrupted). */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Flushes every dirty page so a timed phase starts with a clean page cache: a receiver that
   * leaves its files dirty would otherwise make the next receiver's fsyncs pay for its write-back.
   */
  static void sync() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("sync").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(120, TimeUnit.SECONDS);
    } catch (IOException e) {
      // Without sync(1) the runs still work; only the isolation between phases is weaker.
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
