package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.config.ConfigException;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.PhantomLocalizer;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.Credentials;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The appliance with a bundle: storescu sends a phantom study, the API shows its verdict. */
class GradingApplianceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  /** A write-scope API token in the running appliance's index (results need one). */
  private String token;

  @TempDir Path tmp;

  @Test
  void phantomStudySentByStorescuIsGradedAndTheApiAndMetricsShowIt() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 5, StudyPlan.Style.INTERNAL, 40, false, false));
    List<Path> files;
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Set<String> labelled = new HashSet<>();
    for (String row : Files.readAllLines(phantom.resolve("labels.csv")).subList(1, 41)) {
      labelled.add(row.split(",")[1]);
    }

    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("release-grace", "100ms");
    RunningAppliance.unsignedBundle(flags, bundle);
    flags.put("boxes", phantom.resolve("labels.csv").toString());
    // The site's operating point replaces the bundle's rule (the test bundle has no threshold).
    flags.put("site-high-threshold", "0.5");
    flags.put("site-rule-out-threshold", "0.3");
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      token = Credentials.writeToken(appliance.index());
      String base = "http://127.0.0.1:" + appliance.httpPort();
      String engine = get(base + "/api/v1/status").path("engine").asText();
      assertTrue(engine.startsWith("OnnxRuntimeEngine (CPU, "), engine);
      assertTrue(engine.contains("bundle torch-tiny-test clinical_use=false"), engine);

      Peers.Run sent = Peers.storescu(appliance.dicomPort(), "STORESCU", files);
      assertEquals(files.size(), Peers.successes(sent), sent.output());

      JsonNode study = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (study == null) {
        assertTrue(System.nanoTime() < deadline, "study never graded");
        JsonNode list = get(base + "/api/v1/studies?state=graded");
        if (list.get("studies").size() == 1) {
          study = list.get("studies").get(0);
        } else {
          Thread.sleep(50);
        }
      }
      JsonNode detail = get(base + "/api/v1/studies/" + study.get("study_instance_uid").asText());
      JsonNode axial = null;
      for (JsonNode s : detail.get("series")) {
        if ("selected".equals(s.path("selection").path("decision").asText())) {
          axial = s;
        } else {
          assertTrue(s.get("verdict").isNull(), "skipped series have no verdict");
          assertEquals(0, s.get("slices").size());
        }
      }
      assertTrue(axial != null, detail.toString());
      assertEquals("done", axial.path("job").path("state").asText());
      JsonNode verdict = axial.get("verdict");
      assertEquals("torch-tiny-test", verdict.path("model").path("name").asText());
      assertEquals("onnxruntime-cpu", verdict.path("model").path("engine").asText());
      assertEquals("threshold 0.5 (site setting)", verdict.path("model").path("decision").asText());
      assertEquals(
          0.3, verdict.path("model").path("limits").path("rule_out_threshold").asDouble(), 0);
      assertEquals(40, verdict.path("counts").path("slices").asInt());
      assertEquals(labelled.size(), verdict.path("counts").path("graded").asInt());
      assertTrue(List.of("high", "low", "indeterminate").contains(verdict.path("group").asText()));
      JsonNode slices = axial.get("slices");
      assertEquals(40, slices.size());
      for (JsonNode slice : slices) {
        String sop = slice.path("sop_instance_uid").asText();
        if (labelled.contains(sop)) {
          assertEquals("graded", slice.path("status").asText(), slice.toString());
          double sum = 0;
          for (JsonNode p : slice.path("probabilities")) {
            sum += p.asDouble();
          }
          assertEquals(1.0, sum, 1e-5);
          assertEquals(
              slice.path("p_high").asDouble() >= 0.5,
              slice.path("high_call").asBoolean(),
              "called by the site's threshold: " + slice);
          assertTrue(slice.path("box").path("x1").asInt() > slice.path("box").path("x0").asInt());
          assertTrue(slice.path("uncertain").isBoolean());
          assertEquals(1, slice.path("frame").asInt());
        } else {
          assertEquals("no_roi", slice.path("status").asText(), slice.toString());
        }
      }
      long lastReceived = Instant.parse(detail.path("last_received").asText()).toEpochMilli();
      long completed = Instant.parse(axial.path("completed_at").asText()).toEpochMilli();
      long graded = Instant.parse(axial.path("job").path("updated_at").asText()).toEpochMilli();
      // Reported, never asserted (timings belong in benchmarks): the latency figure.
      System.out.printf(
          "grading latency, 40-slice series, torch-tiny model: last instance -> verdict %d ms"
              + " (series completion -> verdict %d ms, grading itself %d ms)%n",
          graded - lastReceived,
          graded - completed,
          verdict.path("timings").path("total_ms").asLong());
      // The status's index figures are one reading a second (web.StatusSnapshot).
      Await.reading(
          "the status's queue empty",
          () -> get(base + "/api/v1/status"),
          st -> st.path("queue").path("queued").asInt() == 0);

      // The worker counts a series after its verdict is committed, so the scrape may lag the API.
      String metrics = metrics(base);
      while (!metrics.contains("cordwatch_grading_jobs_graded_total 1.0")) {
        assertTrue(System.nanoTime() < deadline, "graded series never counted:\n" + metrics);
        Thread.sleep(50);
        metrics = metrics(base);
      }
      Map<String, Double> byGrade = new HashMap<>();
      for (String line : metrics.lines().toList()) {
        if (line.startsWith("cordwatch_grading_slices_total{")) {
          String grade = line.substring(line.indexOf("grade=\"") + 7);
          byGrade.put(
              grade.substring(0, grade.indexOf('"')),
              Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
      }
      Map<String, Double> expected = new HashMap<>();
      for (JsonNode slice : slices) {
        if ("graded".equals(slice.path("status").asText())) {
          expected.merge(slice.path("grade").asText(), 1.0, Double::sum);
        }
      }
      assertEquals(expected, byGrade, metrics);
      int noRoi = 40 - labelled.size();
      if (noRoi > 0) {
        assertTrue(
            metrics.contains(
                "cordwatch_grading_slices_ungraded_total{status=\"no_roi\"} " + noRoi + ".0"),
            metrics);
      }
      assertTrue(
          metrics.contains(
              "cordwatch_grading_slices_uncertain_total "
                  + verdict.path("counts").path("uncertain").asInt()
                  + ".0"),
          metrics);
      assertTrue(metrics.contains("cordwatch_grading_duration_seconds_count 1"), metrics);
      assertTrue(metrics.contains("cordwatch_grading_latency_seconds_count 1"), metrics);
      assertTrue(metrics.contains("cordwatch_grading_jobs_failed_total 0.0"), metrics);

      // The shipped alert rules name only metrics this appliance exports. Rejection counters
      // appear with their first event: one connection speaking HTTP to the DICOM port makes one.
      try (Socket junk = new Socket("127.0.0.1", appliance.dicomPort())) {
        junk.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        junk.getOutputStream().flush();
        junk.setSoTimeout(10_000);
        junk.getInputStream().readAllBytes();
      }
      Set<String> ruleMetrics = PrometheusRules.metricNames(PrometheusRules.SHIPPED);
      assertTrue(ruleMetrics.size() >= 8, "rules parsed: " + ruleMetrics);
      // This appliance exports no audit trail; ApplianceAuditExportTest checks those metrics.
      ruleMetrics.removeIf(n -> n.startsWith(PrometheusRules.AUDIT_EXPORT_PREFIX));
      Set<String> missing = PrometheusRules.missing(ruleMetrics, metrics(base));
      while (!missing.isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "alert rules name unexported metrics " + missing);
        Thread.sleep(50);
        missing = PrometheusRules.missing(ruleMetrics, metrics(base));
      }
    }
  }

  @Test
  void unusableBundleOrBoxesStopStartUpNamingTheSetting() throws Exception {
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    RunningAppliance.unsignedBundle(flags, tmp.resolve("no-such-bundle"));
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () -> Appliance.start(Settings.load(null, flags), Clock.systemUTC()));
    assertTrue(e.getMessage().startsWith("bundle: "), e.getMessage());

    TorchFixture.bundle(tmp.resolve("bundle"));
    RunningAppliance.unsignedBundle(flags, tmp.resolve("bundle"));
    flags.put("boxes", Files.writeString(tmp.resolve("b.csv"), "x0\n").toString());
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () -> Appliance.start(Settings.load(null, flags), Clock.systemUTC()));
    assertTrue(e.getMessage().startsWith("boxes: "), e.getMessage());

    // A site rule-out threshold needs a triage threshold to lie under (the test bundle has none).
    flags.remove("boxes");
    flags.put("site-rule-out-threshold", "0.1");
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () -> Appliance.start(Settings.load(null, flags), Clock.systemUTC()));
    assertTrue(
        e.getMessage().startsWith("site-rule-out-threshold: a rule-out threshold needs a triage"),
        e.getMessage());

    // The index was closed on the way out: the same data directory starts cleanly.
    flags.remove("site-rule-out-threshold");
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      token = Credentials.writeToken(appliance.index());
      assertTrue(appliance.engineState().contains("every slice is reported 'no ROI'"));
    }
  }

  /**
   * The operator's own profile folder replaces the shipped profiles: a site copy of the Ada profile
   * set to int8, forced, with a bundle that has no calibration slices, goes on as fp16 and, with no
   * CUDA or TensorRT on this machine, grades on the CPU, the status saying both.
   */
  @Test
  void anOperatorsInt8ProfileIsUsedAndTheStatusSaysWhatBecameOfIt() throws Exception {
    Path profiles = Files.createDirectories(tmp.resolve("site-profiles"));
    String ada =
        new String(
            getClass().getResourceAsStream("/firmware-config/profiles/x86-ada.yaml").readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
    // A set needs a CPU profile too (for a machine without a GPU): the operator copies the folder.
    try (var cpu = getClass().getResourceAsStream("/firmware-config/profiles/cpu-only.yaml")) {
      Files.copy(cpu, profiles.resolve("cpu-only.yaml"));
    }
    Files.writeString(
        profiles.resolve("site-ada-int8.yaml"),
        ada.replace("id: x86-ada", "id: site-ada-int8")
            .replace("precision: fp16", "precision: int8"));
    TorchFixture.bundle(tmp.resolve("bundle"));
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    RunningAppliance.unsignedBundle(flags, tmp.resolve("bundle"));
    flags.put("profiles", profiles.toString());
    flags.put("profile", "site-ada-int8");
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      token = Credentials.writeToken(appliance.index());
      JsonNode a =
          get("http://127.0.0.1:" + appliance.httpPort() + "/api/v1/status").path("accelerator");
      assertEquals("site-ada-int8", a.path("profile").asText(), a.toString());
      assertEquals(true, a.path("degraded").asBoolean(), a.toString());
      String reason = a.path("reason").asText();
      assertTrue(reason.contains("int8 asked, fp16 built"), reason);
    }

    flags.put("profile", "x86-ada");
    ConfigException unknown =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () -> Appliance.start(Settings.load(null, flags), Clock.systemUTC()));
    assertTrue(unknown.getMessage().startsWith("profiles: "), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("x86-ada"), unknown.getMessage());
  }

  @Test
  void anUnusableApiTokenFileStopsStartUpNamingTheSetting() throws Exception {
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("api-token-file", tmp.resolve("no-such-token").toString());
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () -> Appliance.start(Settings.load(null, flags), Clock.systemUTC()));
    assertTrue(e.getMessage().startsWith("api-token-file: "), e.getMessage());
    assertTrue(e.getMessage().contains("no-such-token: cannot read"), e.getMessage());
  }

  /** The files of a phantom study with {@code slices} axial slices, and its labels.csv. */
  private record PhantomStudy(List<Path> files, Path labels) {}

  private PhantomStudy phantom(String name, int slices) throws Exception {
    Path phantom = tmp.resolve(name);
    Phantom.generate(
        new Phantom.Options(phantom, 1, 5, StudyPlan.Style.INTERNAL, slices, false, false));
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      return new PhantomStudy(
          s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList(),
          phantom.resolve("labels.csv"));
    }
  }

  /** Waits until the study's selected series has a verdict; returns that series' JSON. */
  private JsonNode gradedAxial(String base, String studyUid) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      assertTrue(System.nanoTime() < deadline, "study never graded");
      HttpResponse<String> r =
          http.send(
              Credentials.bearer(
                      HttpRequest.newBuilder(URI.create(base + "/api/v1/studies/" + studyUid)),
                      token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        JsonNode study = JSON.readTree(r.body());
        for (JsonNode s : study.get("series")) {
          if ("selected".equals(s.path("selection").path("decision").asText())
              && "done".equals(s.path("job").path("state").asText())
              && !s.path("verdict").isNull()
              && "graded".equals(study.path("state").asText())) {
            return s;
          }
        }
      }
      Thread.sleep(20);
    }
  }

  private static String studyUidOf(Path file) {
    return io.cordwatch.dicom.DicomFacts.read(file).studyInstanceUid();
  }

  @Test
  void boxesSuppliedThroughTheApiGradeTheSeriesAndChangingThemGradesItAgain() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    PhantomStudy phantom = phantom("phantom-api", 12);
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("release-grace", "100ms");
    RunningAppliance.unsignedBundle(flags, bundle);
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      token = Credentials.writeToken(appliance.index());
      String base = "http://127.0.0.1:" + appliance.httpPort();
      Peers.Run sent = Peers.storescu(appliance.dicomPort(), "STORESCU", phantom.files());
      assertEquals(phantom.files().size(), Peers.successes(sent), sent.output());
      String study = studyUidOf(phantom.files().getFirst());

      JsonNode before = gradedAxial(base, study);
      assertEquals(0, before.path("verdict").path("counts").path("graded").asInt());
      assertTrue(before.path("verdict").path("grade").isNull(), "no box, no answer");
      assertEquals("no canal box", before.path("slices").get(0).path("reason").asText());

      HttpResponse<String> put =
          http.send(
              Credentials.bearer(
                      HttpRequest.newBuilder(
                          URI.create(base + "/api/v1/studies/" + study + "/boxes")),
                      token)
                  .header("Content-Type", "text/csv")
                  .PUT(HttpRequest.BodyPublishers.ofFile(phantom.labels()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, put.statusCode(), put.body());
      assertEquals(1, JSON.readTree(put.body()).path("series_requeued").asInt());

      JsonNode after = gradedAxial(base, study);
      int labelled = Files.readAllLines(phantom.labels()).size() - 1;
      assertEquals(labelled, after.path("verdict").path("counts").path("graded").asInt());
      for (JsonNode slice : after.path("slices")) {
        if ("graded".equals(slice.path("status").asText())) {
          assertTrue(slice.path("box").path("x1").asInt() > 0, slice.toString());
        }
      }
    }
  }

  /**
   * The three box sources in their order, slice by slice, with streaming on: the series is graded
   * ahead (so streaming runs the localizer) with boxes from the file for two slices and from the
   * localizer for the rest; then API boxes for one file slice and one localizer slice win over both
   * and each slice records where its box came from.
   */
  @Test
  void apiBoxesWinOverTheBoxesFileWhichWinsOverTheLocalizerAlsoWhenGradedAhead() throws Exception {
    Path bundle = tmp.resolve("bundle");
    PhantomLocalizer.bundle(bundle);
    PhantomStudy phantom = phantom("phantom-three-sources", 8);
    List<String> labels = Files.readAllLines(phantom.labels());
    Path file = tmp.resolve("two-boxes.csv");
    Files.write(file, labels.subList(0, 3));
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    // A long grace: the series is graded ahead well before it is complete.
    flags.put("release-grace", "3s");
    flags.put("streaming", "on");
    RunningAppliance.unsignedBundle(flags, bundle);
    flags.put("boxes", file.toString());
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      token = Credentials.writeToken(appliance.index());
      assertTrue(
          appliance
              .engineState()
              .contains("boxes supplied through the API first, then canal boxes"),
          appliance.engineState());
      String base = "http://127.0.0.1:" + appliance.httpPort();
      Peers.Run sent = Peers.storescu(appliance.dicomPort(), "STORESCU", phantom.files());
      assertEquals(phantom.files().size(), Peers.successes(sent), sent.output());
      String study = studyUidOf(phantom.files().getFirst());
      String fromFile = labels.get(1).split(",")[1];
      String fromLocalizer = labels.get(5).split(",")[1];

      Map<String, JsonNode> before = slicesBySop(gradedAxial(base, study));
      // The worker counts after its commit; once the series is counted, so is its outcome.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (appliance.meters().seriesGraded() < 1) {
        assertTrue(System.nanoTime() < deadline, "graded series never counted");
        Thread.sleep(10);
      }
      assertEquals(1.0, appliance.meters().streamingOutcomes("committed"), "graded ahead");
      assertEquals(8, before.size());
      for (JsonNode slice : before.values()) {
        assertEquals("graded", slice.path("status").asText(), slice.toString());
      }
      assertEquals("supplied", before.get(fromFile).path("box_source").asText());
      assertEquals("supplied", before.get(labels.get(2).split(",")[1]).path("box_source").asText());
      assertEquals("localizer", before.get(fromLocalizer).path("box_source").asText());
      assertEquals(
          6,
          before.values().stream()
              .filter(sl -> sl.path("box_source").asText().equals("localizer"))
              .count());

      // Boxes one pixel smaller than the labels, so a box from the API is told apart by value.
      StringBuilder csv = new StringBuilder(labels.getFirst()).append('\n');
      for (String line : List.of(labels.get(1), labels.get(5))) {
        String[] f = line.split(",");
        csv.append(
            String.join(
                ",",
                f[0],
                f[1],
                f[2],
                String.valueOf(Integer.parseInt(f[3]) + 1),
                String.valueOf(Integer.parseInt(f[4]) + 1),
                f[5],
                f[6]));
        csv.append('\n');
      }
      HttpResponse<String> put =
          http.send(
              Credentials.bearer(
                      HttpRequest.newBuilder(
                          URI.create(base + "/api/v1/studies/" + study + "/boxes")),
                      token)
                  .header("Content-Type", "text/csv")
                  .PUT(HttpRequest.BodyPublishers.ofString(csv.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, put.statusCode(), put.body());
      assertEquals(1, JSON.readTree(put.body()).path("series_requeued").asInt());

      Map<String, JsonNode> after = slicesBySop(gradedAxial(base, study));
      for (String line : List.of(labels.get(1), labels.get(5))) {
        String[] f = line.split(",");
        JsonNode slice = after.get(f[1]);
        assertEquals("api", slice.path("box_source").asText(), slice.toString());
        assertEquals(Integer.parseInt(f[3]) + 1, slice.path("box").path("x0").asInt());
        assertEquals(Integer.parseInt(f[4]) + 1, slice.path("box").path("y0").asInt());
      }
      assertEquals("supplied", after.get(labels.get(2).split(",")[1]).path("box_source").asText());
      assertEquals(
          5,
          after.values().stream()
              .filter(sl -> sl.path("box_source").asText().equals("localizer"))
              .count());
    }
  }

  private static Map<String, JsonNode> slicesBySop(JsonNode series) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode slice : series.path("slices")) {
      out.put(slice.path("sop_instance_uid").asText(), slice);
    }
    return out;
  }

  @Test
  void verdictGradedAsSlicesArriveEqualsTheVerdictGradedAtCompletion() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    PhantomStudy phantom = phantom("phantom-streaming", 16);
    String study = studyUidOf(phantom.files().getFirst());
    Map<String, JsonNode> axial = new HashMap<>();
    for (String streaming : List.of("on", "off")) {
      Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data-" + streaming));
      // A long grace: the series is graded ahead (a few ms here) well before it is complete.
      flags.put("release-grace", streaming.equals("on") ? "2s" : "100ms");
      flags.put("streaming", streaming);
      RunningAppliance.unsignedBundle(flags, bundle);
      flags.put("boxes", phantom.labels().toString());
      try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
        token = Credentials.writeToken(appliance.index());
        String base = "http://127.0.0.1:" + appliance.httpPort();
        Peers.Run sent = Peers.storescu(appliance.dicomPort(), "STORESCU", phantom.files());
        assertEquals(phantom.files().size(), Peers.successes(sent), sent.output());
        JsonNode s = gradedAxial(base, study).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) s.get("verdict")).remove("timings");
        for (String volatileField : List.of("job", "completed_at")) {
          ((com.fasterxml.jackson.databind.node.ObjectNode) s).remove(volatileField);
        }
        axial.put(streaming, s);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (appliance.meters().seriesGraded() < 1) {
          assertTrue(System.nanoTime() < deadline, "graded series never counted");
          Thread.sleep(10);
        }
        assertEquals(
            streaming.equals("on") ? 1.0 : 0.0,
            appliance.meters().streamingOutcomes("committed"),
            "graded ahead and committed, streaming " + streaming);
      }
    }
    assertTrue(axial.get("on").path("verdict").path("counts").path("graded").asInt() > 0);
    assertEquals(axial.get("off"), axial.get("on"));
  }

  private String metrics(String base) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/observe/metrics")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
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
