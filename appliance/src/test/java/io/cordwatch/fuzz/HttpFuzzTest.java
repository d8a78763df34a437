package io.cordwatch.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Jazzer over the HTTP server of a real appliance ({@link FuzzHost}: access control on, a phantom
 * study stored): whatever request bytes arrive, the server answers in time, with no 5xx but the
 * declared 503, and shows no stored UID to a request without a valid token or session ({@link
 * HttpFuzzer#one}); {@code /observe/health} still answers afterwards. The inputs beside it ({@code
 * HttpFuzzTestInputs/}) are requests with placeholders for the token, session, CSRF token and UIDs
 * ({@link HttpRequests#bind}), so they hold no secret. In the suite it replays them in Jazzer's
 * regression mode; {@code install/cordwatch fuzz --jazzer MINUTES --target http} runs it as a
 * coverage-guided fuzzer. The long mutation run is {@code cordwatch fuzz --target http}.
 */
class HttpFuzzTest {
  private static SilentCloseable loopback;
  private static Path dir;
  private static LogWatch log;
  private static FuzzHost host;
  private static HttpFuzzer fuzzer;

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
    dir = Files.createTempDirectory("cordwatch-http-fuzz");
    log = new LogWatch();
    host = FuzzHost.start(dir, Duration.ofSeconds(1), Duration.ofSeconds(1), 12);
    fuzzer = new HttpFuzzer(host, log, 1, null, Integer.MAX_VALUE);
  }

  @AfterAll
  static synchronized void stop() throws Exception {
    if (host == null) {
      return;
    }
    try {
      assertTrue(host.healthAnswers(), "/observe/health after the inputs");
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
  void theServerAnswersEveryRequestWithoutFaultsOrLeaks(byte[] data) throws Exception {
    start();
    assertEquals(List.of(), fuzzer.one(data, "jazzer"));
  }
}
