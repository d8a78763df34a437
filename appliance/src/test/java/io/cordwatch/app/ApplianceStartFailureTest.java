package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.config.Settings;
import io.cordwatch.receive.RunningAppliance;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start-up that fails part way (a port another process holds) closes everything it had started:
 * no worker thread of the appliance is left running, and the same data folder starts cleanly
 * afterwards. The stages start their threads before the DICOM and HTTP listeners bind, so both
 * failures come after every worker is running.
 */
class ApplianceStartFailureTest {
  @TempDir Path tmp;

  /**
   * Threads that are not the appliance's to stop: the JVM's and libraries' process-wide ones (the
   * common pool, the HTTP client's selector, reference cleaners), and Helidon 4.5's idle-connection
   * timer, which a server whose listener failed to bind keeps (an idle daemon thread; Helidon
   * offers nothing public that stops it, and stopping the failed server does not).
   */
  private static final List<String> NOT_THE_APPLIANCES =
      List.of(
          "ForkJoinPool",
          "Common-Cleaner",
          "process reaper",
          "HttpClient",
          "Attach Listener",
          "helidon-idle-connection-timer");

  @Test
  void aDicomPortInUseLeavesNoWorkerThreadBehind() throws Exception {
    failsAndLeavesNothing("dicom-port");
  }

  @Test
  void anHttpPortInUseLeavesNoWorkerThreadBehind() throws Exception {
    failsAndLeavesNothing("http-port");
  }

  private void failsAndLeavesNothing(String portKey) throws Exception {
    Path data = tmp.resolve(portKey);
    Map<String, String> flags = new HashMap<>(RunningAppliance.flags(data));
    // A first start and stop, so that threads a first use of a library keeps for the whole JVM
    // exist before the count.
    Appliance.start(Settings.load(null, flags), Clock.systemUTC()).close();
    Set<Long> before = appThreads().keySet();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      flags.put(portKey, Integer.toString(taken.getLocalPort()));
      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () -> Appliance.start(Settings.load(null, flags), Clock.systemUTC()).close());
      assertTrue(
          String.valueOf(e.getMessage()).contains(Integer.toString(taken.getLocalPort())),
          "the refusal names the port: " + e.getMessage());
    }
    Map<Long, String> left = appThreads();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!newer(left, before).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = appThreads();
    }
    assertEquals(Map.of(), newer(left, before), "threads left running by the failed start");
    flags.put(portKey, "0");
    Appliance.start(Settings.load(null, flags), Clock.systemUTC()).close();
  }

  private static Map<Long, String> newer(Map<Long, String> now, Set<Long> before) {
    return now.entrySet().stream()
        .filter(t -> !before.contains(t.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static Map<Long, String> appThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> NOT_THE_APPLIANCES.stream().noneMatch(p -> t.getName().startsWith(p)))
        .collect(Collectors.toMap(Thread::threadId, Thread::getName));
  }
}
