package io.cordwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A private Orthanc (the Debian package's {@code /usr/sbin/Orthanc}) for {@code bench ingest}, and
 * the PACS of the delivery tests (publish.PacsDeliveryTest): its own configuration file, storage
 * and index folders, DICOM and HTTP ports on loopback, no plugins, no authentication (loopback
 * only), any calling AE may store.
 *
 * <p>Everything that decides what a stored instance costs is left as Debian ships it, because that
 * is the peer the issue names: {@code StorageCompression} off and {@code SyncStorageArea} on (each
 * stored file is flushed before Orthanc answers), its SQLite index with Orthanc's own settings, and
 * its default DICOM thread pool. The configuration says the two storage keys explicitly so the
 * comparison does not silently change with a future package default.
 */
public final class OrthancPeer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/sbin/Orthanc");
  public static final String AE = "ORTHANC";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long START_TIMEOUT_S = 60;

  public final int dicomPort;
  private final int httpPort;
  private final Process process;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private OrthancPeer(int dicomPort, int httpPort, Process process, Path log) {
    this.dicomPort = dicomPort;
    this.httpPort = httpPort;
    this.process = process;
    this.log = log;
  }

  /** Fails, saying how to get it, unless Orthanc is installed. */
  public static void require() {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY
              + " is not installed: install Orthanc (Debian package orthanc), or run through"
              + " install/cordwatch bench or install/cordwatch test, which install it");
    }
  }

  /** Starts Orthanc over the empty folder {@code dir} and returns once its REST API answers. */
  public static OrthancPeer start(Path dir) throws IOException, InterruptedException {
    require();
    Files.createDirectories(dir);
    Path log = dir.resolve("orthanc.log");
    for (int attempt = 0; ; attempt++) {
      int dicom = BenchHost.freePort();
      int web = BenchHost.freePort();
      Path config = dir.resolve("orthanc.json");
      Files.writeString(config, JSON.writeValueAsString(config(dir, dicom, web)));
      Process p =
          new ProcessBuilder(BINARY.toString(), config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      OrthancPeer o = new OrthancPeer(dicom, web, p, log);
      if (o.awaitReady()) {
        return o;
      }
      o.close();
      // A port probed free can be taken before Orthanc binds it; one more try fixes that.
      if (attempt == 1) {
        throw new IllegalStateException(
            "Orthanc did not start within " + START_TIMEOUT_S + " s: " + BenchHost.tail(log));
      }
    }
  }

  private static ObjectNode config(Path dir, int dicom, int web) {
    ObjectNode c = JSON.createObjectNode();
    c.put("Name", "cordwatch-bench");
    c.put("StorageDirectory", dir.resolve("storage").toString());
    c.put("IndexDirectory", dir.resolve("index").toString());
    c.put("StorageCompression", false);
    c.put("SyncStorageArea", true);
    c.put("DicomAet", AE);
    c.put("DicomPort", dicom);
    c.put("HttpPort", web);
    c.put("RemoteAccessAllowed", false);
    c.put("AuthenticationEnabled", false);
    c.put("DicomCheckCalledAet", false);
    c.put("DicomAlwaysAllowStore", true);
    c.putArray("Plugins");
    return c;
  }

  private boolean awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try {
        get("/system");
        return BenchHost.accepts(dicomPort);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  /** Instances Orthanc holds, from its REST API ({@code /statistics}). */
  long instances() throws IOException, InterruptedException {
    return get("/statistics").path("CountInstances").asLong(-1);
  }

  /** A GET on the REST API, as JSON; an answer other than 200 is an IOException. */
  public JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("Orthanc " + path + ": HTTP " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  Path log() {
    return log;
  }

  @Override
  public void close() {
    BenchHost.stop(process);
  }
}
