package io.cordwatch.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
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
  private static final JazzerAppliance APPLIANCE = new JazzerAppliance("http", 12);
  private static HttpFuzzer fuzzer;

  /** The fuzzer over the appliance, both made on the first input ({@link JazzerAppliance}). */
  private static synchronized HttpFuzzer fuzzer() throws Exception {
    if (APPLIANCE.start()) {
      fuzzer = new HttpFuzzer(APPLIANCE.host(), APPLIANCE.log(), 1, null, Integer.MAX_VALUE);
    }
    return fuzzer;
  }

  @AfterAll
  static void stop() throws Exception {
    APPLIANCE.stop(h -> assertTrue(h.healthAnswers(), "/observe/health after the inputs"));
  }

  @FuzzTest(maxDuration = "5m")
  void theServerAnswersEveryRequestWithoutFaultsOrLeaks(byte[] data) throws Exception {
    assertEquals(List.of(), fuzzer().one(data, "jazzer"));
  }
}
