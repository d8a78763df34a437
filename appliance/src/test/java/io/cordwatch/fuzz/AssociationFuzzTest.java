package io.cordwatch.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Jazzer over the DICOM upper layer of a real receiver on loopback ({@link FuzzHost}): whatever a
 * peer writes on a connection, the receiver ends it within ARTIM plus its idle timeout, keeps
 * listening and logs nothing it did not declare ({@link AssociationFuzzer#one}); after the inputs a
 * well-behaved store still succeeds. In the suite it replays the inputs kept beside it ({@code
 * AssociationFuzzTestInputs/}: an echo, a phantom store, and each finding once fixed) in Jazzer's
 * regression mode; {@code install/cordwatch fuzz --jazzer MINUTES --target association} runs it as
 * a coverage-guided fuzzer. The long mutation run is {@code cordwatch fuzz --target association}.
 */
class AssociationFuzzTest {
  private static SilentCloseable loopback;
  private static Path dir;
  private static LogWatch log;
  private static FuzzHost host;
  private static AssociationFuzzer fuzzer;

  /**
   * Started on the first input rather than in a {@code @BeforeAll}: Jazzer's fuzzing mode runs the
   * target outside JUnit's class lifecycle. Jazzer's SSRF detector reports every outgoing
   * connection unless allowed: this target's only connections are Wire's, to its own appliance on
   * 127.0.0.1.
   */
  private static synchronized void start() throws Exception {
    if (host != null) {
      return;
    }
    if (loopback == null) {
      loopback = BugDetectors.allowNetworkConnections();
    }
    dir = Files.createTempDirectory("cordwatch-association-fuzz");
    log = new LogWatch();
    host = FuzzHost.start(dir, Duration.ofSeconds(1), Duration.ofSeconds(1), 11);
    fuzzer =
        new AssociationFuzzer(
            host, log, AssociationFuzzer.phantomSeeds(host), 1, null, Integer.MAX_VALUE);
  }

  @AfterAll
  static synchronized void stop() throws Exception {
    if (host == null) {
      return;
    }
    try {
      assertNull(host.storeProbe(host.phantomFiles().getFirst()), "a store after the inputs");
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

  @FuzzTest(maxDuration = "5m")
  void theReceiverEndsEveryConnectionWithinItsLimits(byte[] data) throws Exception {
    start();
    assertEquals(List.of(), fuzzer.one(data, true));
  }
}
