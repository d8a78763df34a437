package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.Version;
import io.cordwatch.store.Records.SliceRow;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiServiceTest {
  private static final String STUDY_A = "1.2.826.0.1.3680043.10.1.1";
  private static final String STUDY_B = "1.2.826.0.1.3680043.10.1.2";
  private static final String STUDY_C = "1.2.826.0.1.3680043.10.1.3";

  @TempDir Path dir;
  private TestAppliance app;

  @BeforeEach
  void start() {
    app = new TestAppliance(dir);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  /** A: axial T2 selected (queued), B: only a sagittal (not eligible), C: still arriving. */
  private void threeStudies() {
    app.receive(STUDY_A, STUDY_A + ".1", 1_000, "T2 TSE AX");
    app.receive(STUDY_A, STUDY_A + ".1", 1_100, "T2 TSE AX");
    app.receive(STUDY_A, STUDY_A + ".2", 1_200, "T2 TSE SAG");
    app.complete(STUDY_A + ".1", true);
    app.complete(STUDY_A + ".2", false);
    app.receive(STUDY_B, STUDY_B + ".1", 2_000, "T2 SAG");
    app.complete(STUDY_B + ".1", false);
    app.receive(STUDY_C, STUDY_C + ".1", 3_000, "T2 TSE AX");
  }

  @Test
  void statusReportsVersionUptimeListenersCountersDiskQueueAndTotals() {
    threeStudies();
    app.meters.instanceStored(4096, Duration.ofMillis(3));
    app.meters.instanceRejected("disk_full");
    app.meters.associationOpened();

    HttpResponse<String> res = app.get("/api/v1/status");

    assertEquals(200, res.statusCode());
    assertTrue(
        res.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
    JsonNode s = TestAppliance.json(res);
    assertEquals(Version.current(), s.path("version").asText());
    assertEquals(90, s.path("uptime_seconds").asLong());
    assertEquals("2026-03-02T09:58:30Z", s.path("started_at").asText());
    assertEquals("2026-03-02T10:00:00Z", s.path("as_of").asText(), "when it was read");

    JsonNode dicom = s.path("listeners").get(0);
    assertEquals("dicom", dicom.path("protocol").asText());
    assertEquals("127.0.0.1", dicom.path("bind").asText());
    assertEquals(TestAppliance.DICOM_PORT, dicom.path("port").asInt());
    assertEquals("CORDWATCH", dicom.path("ae_title").asText());
    assertTrue(dicom.path("up").asBoolean());
    JsonNode http = s.path("listeners").get(1);
    assertEquals("http", http.path("protocol").asText());
    assertEquals(app.server.port(), http.path("port").asInt());

    JsonNode counters = s.path("counters");
    assertEquals(1, counters.path("instances_received").asLong());
    assertEquals(1, counters.path("instances_rejected").asLong());
    assertEquals(1, counters.path("associations_active").asLong());
    assertEquals(0, counters.path("associations_rejected").asLong());
    assertEquals(4096, counters.path("bytes_received").asLong());

    JsonNode disk = s.path("disk");
    assertTrue(disk.path("free_bytes").asLong() > 0);
    assertEquals(0, disk.path("reserve_bytes").asLong());
    assertFalse(disk.path("below_reserve").asBoolean());

    assertEquals(1, s.path("queue").path("queued").asLong());
    assertEquals(0, s.path("queue").path("running").asLong());
    JsonNode totals = s.path("totals");
    assertEquals(3, totals.path("studies").asLong());
    assertEquals(4, totals.path("series").asLong());
    assertEquals(5, totals.path("instances").asLong());
    assertEquals(5000, totals.path("bytes").asLong());
    assertEquals(TestAppliance.ENGINE, s.path("engine").asText());
  }

  @Test
  void studiesAreListedNewestFirstWithCounts() {
    threeStudies();

    JsonNode studies = TestAppliance.json(app.get("/api/v1/studies")).path("studies");

    assertEquals(List.of(STUDY_C, STUDY_B, STUDY_A), uids(studies));
    JsonNode a = studies.get(2);
    assertEquals("queued", a.path("state").asText());
    assertEquals("1970-01-01T00:00:01Z", a.path("first_received").asText());
    assertEquals("1970-01-01T00:00:01.200Z", a.path("last_received").asText());
    assertEquals(3, a.path("instance_count").asInt());
    assertEquals(2, a.path("series_count").asInt());
  }

  @Test
  void studiesCanBeFilteredByStateAndLimited() {
    threeStudies();

    assertEquals(List.of(STUDY_B), uids(studies("/api/v1/studies?state=not_eligible")));
    assertEquals(List.of(STUDY_A), uids(studies("/api/v1/studies?state=queued")));
    assertEquals(List.of(STUDY_C), uids(studies("/api/v1/studies?state=receiving")));
    assertEquals(List.of(), uids(studies("/api/v1/studies?state=complete")));
    assertEquals(List.of(STUDY_C, STUDY_B), uids(studies("/api/v1/studies?limit=2")));
  }

  @Test
  void unknownStateIsRejectedNamingTheAllowedStates() {
    HttpResponse<String> res = app.get("/api/v1/studies?state=done");

    assertEquals(400, res.statusCode());
    JsonNode error = TestAppliance.json(res).path("error");
    assertEquals("invalid_parameter", error.path("code").asText());
    String message = error.path("message").asText();
    for (String state :
        List.of("receiving", "queued", "complete", "graded", "failed", "not_eligible")) {
      assertTrue(message.contains(state), message);
    }
  }

  @Test
  void limitOutsideOneToThousandOrNotANumberIsRejected() {
    for (String limit : List.of("0", "1001", "-5", "ten", "")) {
      HttpResponse<String> res = app.get("/api/v1/studies?limit=" + limit);
      assertEquals(400, res.statusCode(), "limit=" + limit);
      assertEquals(
          "invalid_parameter", TestAppliance.json(res).path("error").path("code").asText());
    }
    assertEquals(200, app.get("/api/v1/studies?limit=1000").statusCode());
  }

  @Test
  void studyShowsItsSeriesWithSelectionAndJob() {
    threeStudies();

    HttpResponse<String> res = app.get("/api/v1/studies/" + STUDY_A);

    assertEquals(200, res.statusCode());
    JsonNode study = TestAppliance.json(res);
    assertEquals(STUDY_A, study.path("study_instance_uid").asText());
    assertEquals("queued", study.path("state").asText());
    JsonNode series = study.path("series");
    assertEquals(2, series.size());

    JsonNode axial = series.get(0);
    assertEquals(STUDY_A + ".1", axial.path("series_instance_uid").asText());
    assertEquals("MR", axial.path("modality").asText());
    assertEquals(1, axial.path("series_number").asInt());
    assertEquals("T2 TSE AX", axial.path("description").asText());
    assertEquals(2, axial.path("instance_count").asInt());
    assertEquals("complete", axial.path("state").asText());
    assertEquals(TestAppliance.NOW.toString(), axial.path("completed_at").asText());
    assertEquals("selected", axial.path("selection").path("decision").asText());
    assertEquals("axial T2W thoracic", axial.path("selection").path("summary").asText());
    assertEquals(
        "axial within 20 degrees", axial.path("selection").path("reasons").get(0).asText());
    JsonNode job = axial.path("job");
    assertTrue(job.path("id").asLong() > 0);
    assertEquals("queued", job.path("state").asText());
    assertEquals(TestAppliance.NOW.toString(), job.path("created_at").asText());
    assertEquals(TestAppliance.NOW.toString(), job.path("updated_at").asText());
    assertEquals(0, job.path("attempts").asInt());
    assertTrue(job.has("error") && job.path("error").isNull());
    assertTrue(job.has("next_attempt_at") && job.path("next_attempt_at").isNull());

    JsonNode sagittal = series.get(1);
    assertEquals("skipped", sagittal.path("selection").path("decision").asText());
    assertTrue(sagittal.has("job") && sagittal.path("job").isNull());
  }

  @Test
  void gradedSeriesShowsItsVerdictAndEverySliceAndTheStudyIsGraded() {
    threeStudies();
    var job = app.index.claimJob(TestAppliance.NOW.toEpochMilli()).orElseThrow();
    String verdict = "{\"grade\":\"2\",\"group\":\"high\",\"segments\":[]}";
    app.index.finishJob(
        job,
        verdict,
        List.of(
            new SliceRow(
                0,
                STUDY_A + ".1.1",
                1,
                "graded",
                "2",
                "{\"0\":0.25,\"2\":0.75}",
                new int[] {10, 20, 30, 40},
                0.5,
                false,
                null,
                null,
                null,
                null),
            new SliceRow(
                1,
                STUDY_A + ".1.2",
                1,
                "no_roi",
                null,
                null,
                null,
                null,
                null,
                "no box",
                null,
                null,
                null)),
        TestAppliance.NOW.toEpochMilli());

    JsonNode study = TestAppliance.json(app.get("/api/v1/studies/" + STUDY_A));

    assertEquals("graded", study.path("state").asText());
    assertEquals(List.of(STUDY_A), uids(studies("/api/v1/studies?state=graded")));
    JsonNode axial = study.path("series").get(0);
    assertEquals("done", axial.path("job").path("state").asText());
    assertEquals("high", axial.path("verdict").path("group").asText());
    assertEquals("2", axial.path("verdict").path("grade").asText());
    JsonNode graded = axial.path("slices").get(0);
    assertEquals(STUDY_A + ".1.1", graded.path("sop_instance_uid").asText());
    assertEquals(1, graded.path("frame").asInt());
    assertEquals("graded", graded.path("status").asText());
    assertEquals(0.75, graded.path("probabilities").path("2").asDouble());
    assertEquals(30, graded.path("box").path("x1").asInt());
    assertEquals(0.5, graded.path("ood").asDouble());
    assertFalse(graded.path("uncertain").asBoolean(true));
    JsonNode noRoi = axial.path("slices").get(1);
    assertEquals("no_roi", noRoi.path("status").asText());
    assertEquals("no box", noRoi.path("reason").asText());
    assertTrue(noRoi.path("box").isNull() && noRoi.path("grade").isNull());

    JsonNode sagittal = study.path("series").get(1);
    assertTrue(sagittal.path("verdict").isNull());
    assertEquals(0, sagittal.path("slices").size());
  }

  @Test
  void jobWaitingForARetryShowsWhenItIsTriedAgain() {
    threeStudies();
    var job = app.index.claimJob(TestAppliance.NOW.toEpochMilli()).orElseThrow();
    long at = TestAppliance.NOW.toEpochMilli() + 4_000;
    app.index.failJob(job, "RUN_FAILED: out of memory", true, at, TestAppliance.NOW.toEpochMilli());

    JsonNode shown =
        TestAppliance.json(app.get("/api/v1/studies/" + STUDY_A)).path("series").get(0).path("job");

    assertEquals("queued", shown.path("state").asText());
    assertEquals(1, shown.path("attempts").asInt());
    assertEquals("RUN_FAILED: out of memory", shown.path("error").asText());
    assertEquals(
        TestAppliance.NOW.plusSeconds(4).toString(), shown.path("next_attempt_at").asText());
  }

  @Test
  void seriesStillArrivingHasNoSelectionOrJobYet() {
    threeStudies();

    JsonNode series = TestAppliance.json(app.get("/api/v1/studies/" + STUDY_C)).path("series");

    assertEquals("receiving", series.get(0).path("state").asText());
    assertTrue(series.get(0).path("completed_at").isNull());
    assertTrue(series.get(0).path("selection").isNull());
    assertTrue(series.get(0).path("job").isNull());
  }

  @Test
  void unknownStudyIsNotFoundAsJson() {
    HttpResponse<String> res = app.get("/api/v1/studies/1.2.3.4.5");

    assertEquals(404, res.statusCode());
    assertTrue(
        res.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
    assertEquals("not_found", TestAppliance.json(res).path("error").path("code").asText());
  }

  @Test
  void malformedStudyUidIsRejected() {
    for (String uid : List.of("1.2.abc", "1..2", "1.2.3.", "1" + ".2".repeat(40))) {
      HttpResponse<String> res = app.get("/api/v1/studies/" + uid);
      assertEquals(400, res.statusCode(), uid);
      assertEquals(
          "invalid_parameter", TestAppliance.json(res).path("error").path("code").asText());
    }
  }

  @Test
  void unknownPathIsNotFoundAsJson() {
    HttpResponse<String> res = app.get("/api/v2/status");

    assertEquals(404, res.statusCode());
    assertEquals("not_found", TestAppliance.json(res).path("error").path("code").asText());
  }

  @Test
  void wrongMethodIsNotAllowedAndSaysWhichIs() {
    HttpResponse<String> res =
        app.send(HttpRequest.newBuilder(app.uri("/api/v1/status")).DELETE().build());

    assertEquals(405, res.statusCode());
    assertEquals("GET", res.headers().firstValue("allow").orElseThrow());
    assertEquals("method_not_allowed", TestAppliance.json(res).path("error").path("code").asText());
  }

  @Test
  void faultInARequestAnswers500JsonAndTheServerKeepsServing() {
    app.index.close();

    HttpResponse<String> res = app.get("/api/v1/status");

    assertEquals(500, res.statusCode());
    JsonNode error = TestAppliance.json(res).path("error");
    assertEquals("internal_error", error.path("code").asText());
    assertFalse(error.path("message").asText().isBlank());
    assertEquals(500, app.get("/api/v1/studies").statusCode());
    assertEquals(200, app.get("/observe/health/live").statusCode());
    assertTrue(app.server.running());
  }

  private JsonNode studies(String path) {
    HttpResponse<String> res = app.get(path);
    assertEquals(200, res.statusCode(), res.body());
    return TestAppliance.json(res).path("studies");
  }

  private static List<String> uids(JsonNode studies) {
    List<String> out = new ArrayList<>();
    studies.forEach(s -> out.add(s.path("study_instance_uid").asText()));
    return out;
  }
}
