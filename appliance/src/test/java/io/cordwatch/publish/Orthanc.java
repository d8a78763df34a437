package io.cordwatch.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Orthanc (the Debian package) as the PACS, started by the test with a configuration of its own:
 * its own DICOM and HTTP ports on loopback, storage in the test's folder, no plugins, no remote
 * access and no authentication (loopback only). Its REST API says what it holds.
 */
final class Orthanc implements AutoCloseable {
  static final String AE = "ORTHANC";
  private static final ObjectMapper JSON = new ObjectMapper();

  final int dicomPort;
  final int httpPort;
  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  private Orthanc(int dicomPort, int httpPort, Process process) {
    this.dicomPort = dicomPort;
    this.httpPort = httpPort;
    this.process = process;
  }

  static Orthanc start(Path dir) throws Exception {
    SkipPeers.assumePeers("Orthanc");
    Path binary = Path.of("/usr/sbin/Orthanc");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "Orthanc is not installed: run the suite through install/cordwatch test, which installs"
              + " the orthanc package");
    }
    int dicom = StoreScp.freePort();
    int web = StoreScp.freePort();
    Files.createDirectories(dir);
    ObjectNode c = JSON.createObjectNode();
    c.put("Name", "cordwatch-test");
    c.put("StorageDirectory", dir.resolve("storage").toString());
    c.put("IndexDirectory", dir.resolve("index").toString());
    c.put("DicomAet", AE);
    c.put("DicomPort", dicom);
    c.put("HttpPort", web);
    c.put("RemoteAccessAllowed", false);
    c.put("AuthenticationEnabled", false);
    c.put("DicomCheckCalledAet", false);
    c.put("DicomAlwaysAllowStore", true);
    c.putArray("Plugins");
    Path config = dir.resolve("orthanc.json");
    Files.writeString(config, JSON.writeValueAsString(c));
    Process p =
        new ProcessBuilder(binary.toString(), config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("orthanc.log").toFile())
            .start();
    Orthanc o = new Orthanc(dicom, web, p);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        o.get("/system");
        return o;
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "Orthanc exited with "
                  + p.exitValue()
                  + ":\n"
                  + Files.readString(dir.resolve("orthanc.log")));
        }
        Thread.sleep(50);
      }
    }
    o.close();
    throw new IllegalStateException("Orthanc did not answer on " + web);
  }

  /** A GET on the REST API, as JSON. */
  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("Orthanc " + path + ": HTTP " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
