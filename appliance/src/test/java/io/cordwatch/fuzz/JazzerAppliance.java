package io.cordwatch.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/**
 * The in-process appliance a Jazzer network test fuzzes ({@link FuzzHost}, ARTIM and idle timeout 1
 * s), started on the first input rather than in a {@code @BeforeAll}, because Jazzer's fuzzing mode
 * runs the target outside JUnit's class lifecycle, and stopped after the class with a last check.
 * Jazzer's SSRF detector reports every outgoing connection unless allowed: the tests' only
 * connections are Wire's, to this appliance on 127.0.0.1.
 */
final class JazzerAppliance {
  /** A last check of the appliance after every input, before it stops. */
  @FunctionalInterface
  interface Check {
    void check(FuzzHost host) throws Exception;
  }

  private final String name;
  private final long seed;
  private SilentCloseable loopback;
  private Path dir;
  private LogWatch log;
  private FuzzHost host;

  /**
   * @param name names the temporary folder ("association", "http")
   * @param seed the seed of the appliance's phantom study
   */
  JazzerAppliance(String name, long seed) {
    this.name = name;
    this.seed = seed;
  }

  /** Starts the appliance unless it runs; returns whether this call started it. */
  synchronized boolean start() throws Exception {
    if (host != null) {
      return false;
    }
    if (loopback == null) {
      loopback = BugDetectors.allowNetworkConnections();
    }
    dir = Files.createTempDirectory("cordwatch-" + name + "-fuzz");
    log = new LogWatch();
    host = FuzzHost.start(dir, Duration.ofSeconds(1), Duration.ofSeconds(1), seed);
    return true;
  }

  synchronized FuzzHost host() {
    return host;
  }

  synchronized LogWatch log() {
    return log;
  }

  /** Runs {@code last} on a started appliance, then stops it and deletes its folder. */
  synchronized void stop(Check last) throws Exception {
    if (host == null) {
      return;
    }
    try {
      last.check(host);
    } finally {
      host.close();
      host = null;
      log.close();
      try (var s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
