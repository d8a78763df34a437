package io.cordwatch.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.bench.OrthancPeer;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.SkipPeers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results reach a PACS: a phantom study sent to a {@code cordwatch serve} child with {@code
 * --forward-to} is graded, and its SR and key-object document arrive at Orthanc in the study the
 * images are in (with {@code publish-secondary-capture on}, the key images too); a destination that
 * is down when the verdict is committed and a kill -9 of the appliance with deliveries still
 * waiting lose nothing and send nothing twice.
 */
class PacsDeliveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void srAndKosOfAGradedPhantomArriveAtOrthancInTheSameStudy() throws Exception {
    List<Path> files = phantom();
    try (OrthancPeer pacs = orthanc(tmp.resolve("orthanc"));
        StoreScp archive = StoreScp.start("ARCHIVE", StoreScp.freePort(), tmp.resolve("archive"))) {
      // The PACS has the images already, as it would from the scanner.
      Peers.Run direct = Peers.storescu(pacs.dicomPort, "STORESCU", files);
      assertEquals(files.size(), Peers.successes(direct), direct.output());
      RunningAppliance.Served box =
          serve(
              "--forward-to",
              "ORTHANC@127.0.0.1:" + pacs.dicomPort,
              "--forward-to",
              "ARCHIVE@127.0.0.1:" + archive.port);
      try {
        Peers.Run sent = Peers.storescu(box.dicomPort(), "STORESCU", files);
        assertEquals(files.size(), Peers.successes(sent), sent.output());
        Await.until(
            "Orthanc holds the images, the SR and the KOS",
            Duration.ofMinutes(2),
            () -> instances(pacs) == files.size() + 2);
        Await.until("the second destination holds both", () -> count(archive) == 2);
        JsonNode studies = pacs.get("/studies");
        assertEquals(1, studies.size(), "one study: the results are filed with the images");
        Set<String> modalities = new TreeSet<>();
        for (JsonNode s : pacs.get("/studies/" + studies.get(0).asText() + "/series")) {
          modalities.add(s.path("MainDicomTags").path("Modality").asText());
        }
        assertTrue(modalities.containsAll(Set.of("MR", "SR", "KO")), modalities.toString());
        // The status's index figures are one reading a second (web.StatusSnapshot).
        JsonNode status =
            Await.reading(
                "the status counts four documents sent",
                () -> status(box),
                st -> st.path("outbox").path("sent").asLong() == 4);
        assertEquals(0, status.path("outbox").path("backlog").asLong(), status.toString());
        String metrics = get(box.httpBase() + "/observe/metrics");
        assertTrue(metrics.contains("cordwatch_outbox_pending 0.0"), metrics);
        assertTrue(
            metrics.contains("cordwatch_outbox_attempts_total{kind=\"sr\",outcome=\"sent\"} 2.0"),
            metrics);
      } finally {
        box.process().destroy();
        box.process().waitFor();
      }
    }
  }

  @Test
  void withSecondaryCaptureOnTheKeyImagesArriveAtOrthancInTheSameStudy() throws Exception {
    List<Path> files = phantom();
    try (OrthancPeer pacs = orthanc(tmp.resolve("orthanc"))) {
      RunningAppliance.Served box =
          serve(
              "--forward-to",
              "ORTHANC@127.0.0.1:" + pacs.dicomPort,
              "--publish-secondary-capture",
              "on");
      try {
        Peers.Run sent = Peers.storescu(box.dicomPort(), "STORESCU", files);
        assertEquals(files.size(), Peers.successes(sent), sent.output());
        Await.until(
            "the outbox delivered everything, Secondary Capture images included",
            Duration.ofMinutes(2),
            () -> {
              JsonNode o = outbox(box);
              return o.path("sent").asLong() > 2 && o.path("backlog").asLong() == 0;
            });
        JsonNode studies = pacs.get("/studies");
        assertEquals(1, studies.size(), "one study: the key images are filed with the results");
        JsonNode ot = null;
        for (JsonNode s : pacs.get("/studies/" + studies.get(0).asText() + "/series")) {
          if (s.path("MainDicomTags").path("Modality").asText().equals("OT")) {
            ot = s;
          }
        }
        assertTrue(ot != null, "a Secondary Capture series arrived");
        long images = ot.path("Instances").size();
        assertEquals(
            2 + images,
            outbox(box).path("sent").asLong(),
            "SR, KOS and one image per key slice, each sent once");
        JsonNode tags =
            pacs.get("/instances/" + ot.path("Instances").get(0).asText() + "/simplified-tags");
        assertEquals("1.2.840.10008.5.1.4.1.1.7", tags.path("SOPClassUID").asText());
        assertEquals("DERIVED\\SECONDARY", tags.path("ImageType").asText());
        assertEquals("YES", tags.path("BurnedInAnnotation").asText());
        assertEquals("RGB", tags.path("PhotometricInterpretation").asText());
      } finally {
        box.process().destroy();
        box.process().waitFor();
      }
    }
  }

  @Test
  void killNineWithDeliveriesWaitingLosesNothingAndSendsNothingTwice() throws Exception {
    List<Path> files = phantom();
    int port = StoreScp.freePort();
    String[] flags = {
      "--forward-to",
      "PACS@127.0.0.1:" + port,
      "--forward-retry-delay",
      "200ms",
      "--forward-retry-max-delay",
      "400ms"
    };
    RunningAppliance.Served first = serve(flags);
    try {
      Peers.Run sent = Peers.storescu(first.dicomPort(), "STORESCU", files);
      assertEquals(files.size(), Peers.successes(sent), sent.output());
      // Nothing listens: both documents wait, their attempts failing.
      Await.until(
          "both deliveries have failed at least once",
          Duration.ofMinutes(2),
          () -> outbox(first).path("failing").asLong() == 2);
      String page = get(first.httpBase() + "/");
      assertTrue(
          page.contains("ATTENTION") && page.contains("Results not reaching the PACS: 2"), page);
    } finally {
      first.process().destroyForcibly();
      first.process().waitFor();
    }
    try (StoreScp pacs = StoreScp.start("PACS", port, tmp.resolve("received"))) {
      RunningAppliance.Served second = serve(flags);
      try {
        Await.until(
            "the restarted appliance delivered both",
            Duration.ofMinutes(1),
            () -> outbox(second).path("sent").asLong() == 2);
        assertEquals(0, outbox(second).path("backlog").asLong());
        Await.until("storescp wrote what it acknowledged", () -> count(pacs) >= 2);
        assertEquals(2, pacs.received().size(), "each document arrived exactly once");
      } finally {
        second.process().destroy();
        second.process().waitFor();
      }
      assertEquals(2, pacs.received().size(), "nothing more after a clean stop");
    }
  }

  private RunningAppliance.Served serve(String... extra) throws Exception {
    Path bundle = tmp.resolve("bundle");
    if (!Files.exists(bundle)) {
      TorchFixture.bundle(bundle);
    }
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--bundle",
                bundle.toString(),
                "--allow-unsigned-bundles",
                "on",
                "--boxes",
                tmp.resolve("phantom/labels.csv").toString(),
                "--release-grace",
                "100ms"));
    flags.addAll(List.of(extra));
    return RunningAppliance.serve(tmp.resolve("data"), flags.toArray(String[]::new));
  }

  private List<Path> phantom() throws Exception {
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 5, StudyPlan.Style.INTERNAL, 24, false, false));
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      return s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
  }

  private JsonNode status(RunningAppliance.Served box) throws Exception {
    return JSON.readTree(get(box.httpBase() + "/api/v1/status"));
  }

  private JsonNode outbox(RunningAppliance.Served box) {
    try {
      return status(box).path("outbox");
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The bench's private Orthanc as the PACS; skipped with the other peers under -DskipPeers. */
  private static OrthancPeer orthanc(Path dir) throws Exception {
    SkipPeers.assumePeers("Orthanc");
    OrthancPeer.require();
    return OrthancPeer.start(dir);
  }

  private static int instances(OrthancPeer pacs) {
    try {
      return pacs.get("/instances").size();
    } catch (Exception e) {
      return -1;
    }
  }

  private static int count(StoreScp scp) {
    try {
      return scp.received().size();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
