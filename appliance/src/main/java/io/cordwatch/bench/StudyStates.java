package io.cordwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The states of the studies an appliance holds, read as a client reads them: {@code GET
 * /api/v1/studies} with a bearer token. {@code bench load} decides "every series graded" from this,
 * not from the index, so the answer is the one a user of the API would get.
 */
record StudyStates(Map<String, Integer> byState) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LIMIT = 1000;

  static StudyStates fetch(String base, String token) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/studies?limit=" + LIMIT))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("GET /api/v1/studies: HTTP " + r.statusCode() + ": " + r.body());
      }
      Map<String, Integer> states = new TreeMap<>();
      for (JsonNode s : JSON.readTree(r.body()).path("studies")) {
        states.merge(s.path("state").asText("?"), 1, Integer::sum);
      }
      return new StudyStates(states);
    }
  }

  int total() {
    return byState.values().stream().mapToInt(Integer::intValue).sum();
  }

  int graded() {
    return byState.getOrDefault("graded", 0);
  }

  /** No study still receiving or waiting for its grading. */
  boolean settled() {
    return byState.getOrDefault("receiving", 0) == 0 && byState.getOrDefault("queued", 0) == 0;
  }

  /** E.g. "23 graded, 2 failed". */
  String describe() {
    StringBuilder b = new StringBuilder();
    byState.forEach(
        (state, n) -> b.append(b.isEmpty() ? "" : ", ").append(n).append(' ').append(state));
    return b.isEmpty() ? "no studies" : b.toString();
  }
}
