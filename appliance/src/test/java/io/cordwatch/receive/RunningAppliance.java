package io.cordwatch.receive;

import io.cordwatch.app.Appliance;
import io.cordwatch.config.Settings;
import io.cordwatch.testing.SkipPeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An appliance started in-process, or as a child JVM, on ports it binds itself (port 0). */
public final class RunningAppliance {
  private RunningAppliance() {}

  /**
   * The settings of a test appliance as a mutable map: loopback, free ports, the test callers
   * allowed, no disk reserve, short ARTIM and idle timeouts, no retention timer.
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
    // Retention runs only where a test runs it: a full disk on the test machine must not remove
    // the studies a test is looking at.
    m.put("retention-interval", "0");
    return m;
  }

  /**
   * Sets {@code bundle} in {@code flags}, with {@code allow-unsigned-bundles} on: the bundles tests
   * make (TorchFixture, phantom-trained copies) carry no signature, and the appliance refuses an
   * unsigned bundle unless told otherwise.
   */
  public static void unsignedBundle(Map<String, String> flags, Object bundle) {
    flags.put("bundle", bundle.toString());
    flags.put("allow-unsigned-bundles", "on");
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
   * A {@code cordwatch serve} child JVM and the ports it bound.
   *
   * @param log its stdout and stderr
   */
  public record Served(Process process, int dicomPort, int httpPort, Path log) {
    public String httpBase() {
      return "http://127.0.0.1:" + httpPort;
    }
  }

  private static final Pattern DICOM_BOUND =
      Pattern.compile("DICOM listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern HTTP_BOUND =
      Pattern.compile("HTTP listening on 127\\.0\\.0\\.1:(\\d+)");

  /**
   * {@code cordwatch serve} in a child JVM on this test's class path (so a test can kill it): over
   * {@code data}, on loopback, taking STORESCU, no disk reserve, plus {@code flags}. The child
   * binds port 0 for DICOM and HTTP and the ports are read from its log (beside {@code data}), so
   * no other process can take a port between a probe and the child's bind. Returns once both are
   * bound.
   */
  public static Served serve(Path data, String... flags) throws Exception {
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
                "--dicom-port",
                "0",
                "--http-port",
                "0",
                "--allow-ae",
                "STORESCU",
                "--disk-reserve",
                "0"));
    cmd.addAll(List.of(flags));
    SkipPeers.assumePeers("a separately started server");
    Path log = data.resolveSibling("server-" + System.nanoTime() + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      Matcher dicom = DICOM_BOUND.matcher(text);
      Matcher http = HTTP_BOUND.matcher(text);
      if (dicom.find() && http.find()) {
        return new Served(
            p, Integer.parseInt(dicom.group(1)), Integer.parseInt(http.group(1)), log);
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited with " + p.exitValue() + ":\n" + text);
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new IllegalStateException("server did not report its ports within 60 s; see " + log);
  }
}
