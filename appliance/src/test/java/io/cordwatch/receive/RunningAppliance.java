package io.cordwatch.receive;

import io.cordwatch.app.Appliance;
import io.cordwatch.config.Settings;
import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An appliance started in-process on free ports over a temporary data directory. */
public final class RunningAppliance {
  private RunningAppliance() {}

  /**
   * The settings of a test appliance as a mutable map: loopback, free ports, the test callers
   * allowed, no disk reserve, short ARTIM and idle timeouts.
   */
  public static Map<String, String> flags(Path dataDir) {
    Map<String, String> m = new HashMap<>();
    m.put("data-dir", dataDir.toString());
    m.put("dicom-port", "0");
    m.put("http-port", "0");
    m.put("bind", "127.0.0.1");
    m.put("allow-ae", "STORESCU,ECHOSCU,RAWSCU,PIXELMED");
    m.put("disk-reserve", "0");
    m.put("artim-timeout", "2s");
    m.put("idle-timeout", "10s");
    return m;
  }

  static Settings settings(Path dataDir, Map<String, String> extra) {
    Map<String, String> m = flags(dataDir);
    m.putAll(extra);
    return Settings.load(null, m);
  }

  static Appliance start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  static Appliance start(Path dataDir, Map<String, String> extra) {
    return Appliance.start(settings(dataDir, extra), Clock.systemUTC());
  }

  /**
   * {@code cordwatch serve} in a child JVM on this test's class path (so a test can kill it): over
   * {@code data}, on loopback, taking STORESCU, no disk reserve, plus {@code flags}; its output
   * goes to a log beside {@code data}. Returns once {@code waitPort} accepts connections.
   */
  public static Process serveProcess(Path data, int waitPort, String... flags) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "io.cordwatch.cli.Main",
                "serve",
                "--data-dir",
                data.toString(),
                "--bind",
                "127.0.0.1",
                "--allow-ae",
                "STORESCU",
                "--disk-reserve",
                "0"));
    cmd.addAll(List.of(flags));
    SkipPeers.assumePeers("a separately started server");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(data.resolveSibling("server-" + System.nanoTime() + ".log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited with " + p.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", waitPort), 200);
        return p;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("server did not start listening within 60 s");
  }

  /** A port nothing listens on now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
