package io.cordwatch.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
  private static Path dir;
  private static LogWatch log;
  private static FuzzHost host;
  private static HttpFuzzer fuzzer;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("cordwatch-http-fuzz");
    log = new LogWatch();
    host = FuzzHost.start(dir, Duration.ofSeconds(1), Duration.ofSeconds(1), 12);
    fuzzer = new HttpFuzzer(host, log, 1, null, Integer.MAX_VALUE);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      assertTrue(host.healthAnswers(), "/observe/health after the inputs");
    } finally {
      host.close();
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
    assertEquals(List.of(), fuzzer.one(data, "jazzer"));
  }
}
