package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.cli.CliRun;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.Uids;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.Credentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole appliance as a user meets it: storescu in, HTTP out; and the demo command. */
class ApplianceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  /** A write-scope API token in the running appliance's index (results need one). */
  private String token;

  @TempDir Path tmp;

  @Test
  void studySentByStorescuShowsItsSeriesDecisionsAndQueuedJobInTheApi() throws Exception {
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(6, true, true, 64, 5));
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      token = Credentials.writeToken(appliance.index());
      Peers.Run sent = Peers.storescu(appliance.dicomPort(), "STORESCU", files);
      assertEquals(12, Peers.successes(sent), sent.output());

      String base = "http://127.0.0.1:" + appliance.httpPort();
      JsonNode study = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        JsonNode list = get(base + "/api/v1/studies?state=queued");
        if (list.get("studies").size() == 1) {
          study = list.get("studies").get(0);
          break;
        }
        Thread.sleep(100);
      }
      assertTrue(study != null, "study never reached the queued state");
      JsonNode detail = get(base + "/api/v1/studies/" + study.get("study_instance_uid").asText());
      assertEquals(12, detail.get("instance_count").asInt());
      Map<String, String> decisions = new HashMap<>();
      for (JsonNode s : detail.get("series")) {
        decisions.put(s.get("description").asText(), s.get("selection").get("summary").asText());
        if (s.get("description").asText().equals("AX T2 TSE")) {
          assertEquals("queued", s.get("job").get("state").asText());
        } else {
          assertTrue(s.get("job").isNull());
        }
      }
      assertEquals("selected: axial 0 deg, TE 100 ms, TR 4000 ms", decisions.get("AX T2 TSE"));
      assertEquals("skipped: sagittal", decisions.get("SAG T2 TSE"));
      assertTrue(decisions.get("AX T1 SE").startsWith("skipped: not T2-weighted"));
      // The status's index figures are one reading a second (web.StatusSnapshot).
      JsonNode status =
          Await.reading(
              "the status counts the queued job",
              () -> get(base + "/api/v1/status"),
              st -> st.path("queue").path("queued").asInt() == 1);
      assertEquals(12, status.get("counters").get("instances_received").asInt());
    }
  }

  @Test
  void logsCarryNoPatientIdentifiersAndNoWholeUids() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            String m = new SimpleFormatter().formatMessage(r);
            lines.add(m + (r.getThrown() == null ? "" : " " + r.getThrown()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger ours = Logger.getLogger("io.cordwatch");
    ours.addHandler(capture);
    try {
      Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
      flags.put("release-grace", "100ms");
      List<Path> files =
          SyntheticStudy.write(
              tmp.resolve("study"), new SyntheticStudy.Spec(3, true, false, 64, 6));
      AttributeList first = new AttributeList();
      first.read(files.get(0).toString());
      String studyUid = Attribute.getSingleStringValueOrNull(first, TagFromName.StudyInstanceUID);
      try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
        token = Credentials.writeToken(appliance.index());
        Peers.storescu(appliance.dicomPort(), "STORESCU", files);
        Peers.storescu(appliance.dicomPort(), "INTRUDER", files);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (lines.stream().noneMatch(l -> l.contains("skipped: sagittal"))) {
          assertTrue(System.nanoTime() < deadline, "series never completed: " + lines);
          Thread.sleep(50);
        }
      }
      assertTrue(lines.size() > 5, "the run logged: " + lines);
      for (String line : lines) {
        assertTrue(!line.contains("PHANTOM") && !line.contains("SYNTH0001"), line);
        assertTrue(!line.contains(studyUid), "whole study UID in: " + line);
      }
      assertTrue(
          lines.stream().anyMatch(l -> l.contains(Uids.tag(studyUid))),
          "hashed UID tags are logged instead: " + lines);
      assertTrue(
          lines.stream().anyMatch(l -> l.contains("install/cordwatch user add NAME --role admin")),
          "with no user, start-up says how to add the first admin: " + lines);
    } finally {
      ours.removeHandler(capture);
    }
  }

  @Test
  void demoSendsAStudyAndPrintsTheDecisions() {
    CliRun r = CliRun.demo(tmp.resolve("demo"), 8);
    String out = r.out();
    assertEquals(0, r.exit(), r.all());
    assertTrue(
        r.out().contains("curl -H 'Authorization: Bearer "),
        "the demo shows how to read the API with the read token it made: " + r.all());
    assertTrue(out.contains("storescu: 14 of 14 instances acknowledged"), out);
    assertTrue(out.contains("ground truth, computed from the phantom's own masks"), out);
    assertTrue(
        out.lines()
            .anyMatch(l -> l.contains("selected: axial") && l.endsWith("[grading job queued]")),
        out);
    assertTrue(out.contains("skipped: sagittal"), out);
  }

  @Test
  void demoWithABundleGradesThePhantomStudyAndPrintsTheVerdict() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    CliRun r = CliRun.demo(tmp.resolve("demo"), 10, "--bundle", bundle.toString());
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("[grading job done]"), r.all());
    assertTrue(r.out().contains("10 of 10 slices graded"), r.all());
    assertTrue(r.out().contains("Engine: OnnxRuntimeEngine"), r.all());
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            Credentials.bearer(HttpRequest.newBuilder(URI.create(url)), token).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }
}
