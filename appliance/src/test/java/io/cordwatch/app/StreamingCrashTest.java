package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.grade.SliceResult;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.roi.SuppliedBoxes;
import io.cordwatch.store.Index;
import io.cordwatch.store.JobState;
import io.cordwatch.testing.Credentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a separately started appliance after it graded a series ahead of completion but before
 * the series was complete: the speculative result lived only in memory, so the restarted appliance
 * must complete the series and grade it from the files, to the same verdict.
 */
class StreamingCrashTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  /** A write-scope API token made in the data directory before the first start. */
  private String token;

  @TempDir Path tmp;

  @Test
  void seriesGradedAheadWhenTheApplianceIsKilledIsGradedFromItsFilesAfterRestart()
      throws Exception {
    Path bundleDir = tmp.resolve("bundle");
    Bundle bundle = TorchFixture.bundle(bundleDir);
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 5, StudyPlan.Style.INTERNAL, 12, false, false));
    Path labels = phantom.resolve("labels.csv");
    List<Path> files;
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Path data = tmp.resolve("data");
    token = Credentials.writeToken(data);
    // Completion is a minute away, so the only grading that can happen is the speculative one.
    RunningAppliance.Served firstRun = start(data, bundleDir, labels, "60s");
    Process first = firstRun.process();
    String base = firstRun.httpBase();
    try {
      Peers.Run sent = Peers.storescu(firstRun.dicomPort(), "STORESCU", files);
      assertEquals(files.size(), Peers.successes(sent), sent.output());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!metrics(base).contains("cordwatch_grading_streaming_ready 1.0")) {
        assertTrue(first.isAlive(), "the appliance exited");
        assertTrue(
            System.nanoTime() < deadline,
            "the series was never graded ahead:\n" + metrics(base) + "\n" + logs(data));
        Thread.sleep(50);
      }
    } finally {
      first.destroyForcibly();
      first.waitFor();
    }
    String study = DicomFacts.read(files.getFirst()).studyInstanceUid();
    try (Index index = Index.open(data.resolve("index.db"))) {
      assertEquals(List.of(), index.jobs(JobState.QUEUED));
      assertEquals(List.of(), index.jobs(JobState.DONE));
      assertEquals("receiving", index.study(study).orElseThrow().state());
    }

    RunningAppliance.Served secondRun = start(data, bundleDir, labels, "100ms");
    Process second = secondRun.process();
    base = secondRun.httpBase();
    JsonNode axial = null;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (axial == null) {
        assertTrue(second.isAlive(), "the restarted appliance exited");
        assertTrue(System.nanoTime() < deadline, "the series was never graded after restart");
        HttpResponse<String> r = get(base + "/api/v1/studies/" + study);
        if (r.statusCode() == 200
            && JSON.readTree(r.body()).path("state").asText().equals("graded")) {
          for (JsonNode s : JSON.readTree(r.body()).path("series")) {
            if (!s.path("verdict").isNull()) {
              axial = s;
            }
          }
        }
        Thread.sleep(50);
      }
      String metrics = metrics(base);
      assertTrue(
          !metrics.contains("cordwatch_grading_streaming_total{outcome=\"committed\"} 1.0"),
          "after the restart nothing was graded ahead:\n" + metrics);
    } finally {
      second.destroy();
      assertTrue(second.waitFor(30, TimeUnit.SECONDS));
    }

    // The verdict grading the files gives, computed here.
    List<SeriesGrader.Input> inputs = new ArrayList<>();
    String seriesUid = axial.path("series_instance_uid").asText();
    for (Path f : files) {
      var facts = DicomFacts.read(f);
      if (facts.seriesInstanceUid().equals(seriesUid)) {
        inputs.add(new SeriesGrader.Input(facts.sopInstanceUid(), f));
      }
    }
    SeriesResult want;
    try (BackboneEngine engine = Bundles.openEngine(bundle)) {
      want =
          new SeriesGrader(bundle, engine, SuppliedBoxes.load(labels))
              .grade(study, seriesUid, inputs);
    }
    JsonNode verdict = axial.path("verdict");
    assertEquals(
        want.verdict().grade(),
        verdict.path("grade").isNull() ? null : verdict.path("grade").asText());
    assertEquals(want.verdict().counts().graded(), verdict.path("counts").path("graded").asInt());
    assertEquals(want.slices().size(), axial.path("slices").size());
    for (int i = 0; i < want.slices().size(); i++) {
      SliceResult w = want.slices().get(i);
      JsonNode got = axial.path("slices").get(i);
      assertEquals(w.sopInstanceUid(), got.path("sop_instance_uid").asText());
      assertEquals(w.status(), got.path("status").asText());
      if (w.isGraded()) {
        assertEquals(w.grade(), got.path("grade").asText());
        assertEquals(w.ood(), got.path("ood").asDouble(), 1e-12);
      }
    }
  }

  private static RunningAppliance.Served start(Path data, Path bundle, Path labels, String grace)
      throws Exception {
    return RunningAppliance.serve(
        data,
        "--bundle",
        bundle.toString(),
        "--allow-unsigned-bundles",
        "on",
        "--boxes",
        labels.toString(),
        "--series-stable",
        "60s",
        "--release-grace",
        grace);
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        Credentials.bearer(HttpRequest.newBuilder(URI.create(url)), token).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String metrics(String base) throws Exception {
    HttpResponse<String> r = get(base + "/observe/metrics");
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private static String logs(Path data) throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> s = Files.list(data.getParent())) {
      for (Path log : s.filter(p -> p.getFileName().toString().startsWith("server-")).toList()) {
        b.append(Files.readString(log));
      }
    }
    return b.toString();
  }
}
