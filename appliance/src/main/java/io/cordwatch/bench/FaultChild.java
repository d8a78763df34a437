package io.cordwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code cordwatch serve} child JVM of the fault bench: started on this JVM's class path with
 * the bench's flags, its ports read from its log (it binds port 0, so no other process can take a
 * port between a probe and the bind), killed with SIGKILL ({@link Process#destroyForcibly}, which
 * is {@code kill -9} on Linux) or stopped with SIGTERM, and asked over HTTP what it is doing.
 */
final class FaultChild implements AutoCloseable {
  private static final Pattern DICOM_BOUND =
      Pattern.compile("DICOM listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern HTTP_BOUND =
      Pattern.compile("HTTP listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Duration START_LIMIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  final Process process;
  final int dicomPort;
  final int httpPort;
  final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String token;

  private FaultChild(Process process, int dicomPort, int httpPort, Path log, String token) {
    this.process = process;
    this.dicomPort = dicomPort;
    this.httpPort = httpPort;
    this.log = log;
    this.token = token;
  }

  /**
   * Starts {@code cordwatch serve} with {@code flags}; returns once both listeners are bound.
   *
   * @param token a read-scope API token already in the data directory's index
   */
  static FaultChild start(List<String> flags, Path log, String token)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                "io.cordwatch.cli.Main",
                "serve"));
    cmd.addAll(flags);
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      Matcher dicom = DICOM_BOUND.matcher(text);
      Matcher web = HTTP_BOUND.matcher(text);
      if (dicom.find() && web.find()) {
        return new FaultChild(
            p, Integer.parseInt(dicom.group(1)), Integer.parseInt(web.group(1)), log, token);
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "the appliance exited with " + p.exitValue() + " while starting; see " + log);
      }
      Thread.sleep(50);
    }
    p.destroyForcibly().waitFor();
    throw new IllegalStateException(
        "the appliance did not report its ports within "
            + START_LIMIT.toSeconds()
            + " s; see "
            + log);
  }

  /** kill -9, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** GET {@code path} with the read token as JSON; empty when the appliance does not answer. */
  JsonNode get(String path) throws InterruptedException {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  /** SIGTERM, as the service manager stops it; kill -9 if it has not stopped within a minute. */
  @Override
  public void close() {
    http.close();
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
