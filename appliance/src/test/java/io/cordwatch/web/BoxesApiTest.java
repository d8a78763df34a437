package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.store.Records.BoxRow;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET/PUT /api/v1/studies/{uid}/boxes} over a real server and index. */
class BoxesApiTest {
  private static final String STUDY = "1.2.826.0.1.3680043.10.2.1";
  private static final String OTHER_STUDY = "1.2.826.0.1.3680043.10.2.2";
  private static final String FACTS = "{\"frames\":1,\"rows\":256,\"columns\":320}";

  @TempDir Path dir;
  private TestAppliance app;
  private String sop1;
  private String sop2;
  private String otherSop;

  @BeforeEach
  void start() {
    app = new TestAppliance(dir);
    sop1 = app.receive(STUDY, STUDY + ".1", 1_000, "T2 TSE AX", FACTS);
    sop2 = app.receive(STUDY, STUDY + ".1", 1_100, "T2 TSE AX", FACTS);
    otherSop = app.receive(OTHER_STUDY, OTHER_STUDY + ".1", 1_200, "T2 TSE AX", FACTS);
    app.complete(STUDY + ".1", true);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private HttpResponse<String> put(String type, String body) {
    return put(app, STUDY, type, body);
  }

  private static HttpResponse<String> put(
      TestAppliance app, String study, String type, String body) {
    HttpRequest.Builder b =
        app.authorized("/api/v1/studies/" + study + "/boxes")
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return app.send(b.build());
  }

  private static String message(HttpResponse<String> res) {
    return TestAppliance.json(res).path("error").path("message").asText();
  }

  @Test
  void jsonBoxesAreStoredShownAndTheGradedSeriesIsQueuedAgain() {
    var job = app.index.claimJob(TestAppliance.NOW.toEpochMilli()).orElseThrow();
    assertTrue(app.index.finishJob(job, "{\"grade\":\"0\"}", List.of(), 2_000));

    HttpResponse<String> res =
        put(
            "application/json",
            "[{\"sop_instance_uid\":\""
                + sop1
                + "\",\"frame\":1,\"x0\":181,\"y0\":207,\"x1\":215,\"y1\":235},"
                + "{\"sop_instance_uid\":\""
                + sop2
                + "\",\"x0\":0,\"y0\":0,\"x1\":319,\"y1\":255}]");

    assertEquals(200, res.statusCode(), res.body());
    JsonNode stored = TestAppliance.json(res);
    assertEquals(STUDY, stored.path("study_instance_uid").asText());
    assertEquals(2, stored.path("boxes").asInt());
    assertEquals(0, stored.path("before").asInt());
    assertEquals(2, stored.path("changed").asInt());
    assertEquals(1, stored.path("series_requeued").asInt());
    assertEquals(
        List.of(new BoxRow(sop1, 1, 181, 207, 215, 235), new BoxRow(sop2, 1, 0, 0, 319, 255)),
        app.index.boxesOfStudy(STUDY).stream()
            .sorted(java.util.Comparator.comparing(BoxRow::sopInstanceUid))
            .toList());
    JsonNode study = TestAppliance.json(app.get("/api/v1/studies/" + STUDY));
    assertEquals("queued", study.path("state").asText());
    assertEquals("queued", study.path("series").get(0).path("job").path("state").asText());
    assertTrue(study.path("series").get(0).path("verdict").isNull());

    JsonNode shown = TestAppliance.json(app.get("/api/v1/studies/" + STUDY + "/boxes"));
    assertEquals(2, shown.path("boxes").size());
    JsonNode first = shown.path("boxes").get(0);
    assertEquals(sop1, first.path("sop_instance_uid").asText());
    assertEquals(1, first.path("frame").asInt());
    assertEquals(181, first.path("x0").asInt());
    assertEquals(235, first.path("y1").asInt());
  }

  @Test
  void labelsCsvBodyIsAcceptedAndAnEmptyListClearsTheBoxes() {
    HttpResponse<String> res =
        put(
            "text/csv; charset=utf-8",
            "study_instance_uid,sop_instance_uid,frame,x0,y0,x1,y1,grade\n"
                + STUDY
                + ","
                + sop1
                + ",1,10,20,30,40,0\n");
    assertEquals(200, res.statusCode(), res.body());
    assertEquals(1, app.index.boxesOfStudy(STUDY).size());

    res = put("application/json", "[]");
    assertEquals(200, res.statusCode(), res.body());
    assertEquals(1, TestAppliance.json(res).path("before").asInt());
    assertEquals(0, app.index.boxesOfStudy(STUDY).size());
  }

  @Test
  void badBodiesAreRefusedWithAMessageNamingTheProblemAndNothingIsStored() {
    String box = "\"x0\":1,\"y0\":2,\"x1\":3,\"y1\":4";
    Map<String, String> cases =
        Map.of(
            "{\"boxes\":[]}",
            "expected a JSON list of boxes",
            "[{\"sop_instance_uid\":\"" + sop1 + "\",\"x0\":1,\"y0\":2,\"x1\":3}]",
            "item 1: y1 is missing",
            "[{\"sop_instance_uid\":\"" + sop1 + "\",\"xmin\":1," + box + "}]",
            "item 1: unknown field 'xmin'",
            "[{\"sop_instance_uid\":\"" + sop1 + "\",\"x0\":\"one\",\"y0\":2,\"x1\":3,\"y1\":4}]",
            "item 1: x0 must be a whole number, got \"one\"",
            "[{\"sop_instance_uid\":\"" + sop1 + "\",\"x0\":5,\"y0\":2,\"x1\":3,\"y1\":4}]",
            "item 1: box needs 0 <= x0 <= x1",
            "[{\"sop_instance_uid\":\""
                + sop1
                + "\","
                + box
                + "},{\"sop_instance_uid\":\""
                + sop1
                + "\",\"x0\":9,\"y0\":2,\"x1\":30,\"y1\":4}]",
            "item 2: a second, different box for the same instance and frame",
            "[{\"sop_instance_uid\":\"" + otherSop + "\"," + box + "}]",
            "1 box(es) name instances that are not in this study on the appliance, e.g. "
                + otherSop,
            "[{\"sop_instance_uid\":\"" + sop1 + "\",\"frame\":2," + box + "}]",
            "frame 2: the instance has 1 frame(s)",
            "[{\"sop_instance_uid\":\"" + sop1 + "\",\"x0\":0,\"y0\":0,\"x1\":320,\"y1\":10}]",
            "reaches x1=320, y1=10 but the image is 320 x 256",
            "[{\"sop_instance_uid\"",
            "not JSON");
    for (var c : cases.entrySet()) {
      HttpResponse<String> res = put("application/json", c.getKey());
      assertEquals(400, res.statusCode(), c.getKey() + " -> " + res.body());
      assertEquals("bad_request", TestAppliance.json(res).path("error").path("code").asText());
      assertTrue(message(res).contains(c.getValue()), c.getKey() + " -> " + message(res));
    }
    HttpResponse<String> csv =
        put("text/csv", "sop_instance_uid,x0,y0,x1,y1\n" + sop1 + ",1,2,3,twenty\n");
    assertEquals(400, csv.statusCode());
    assertEquals("labels.csv:2: y1 is not a whole number: 'twenty'", message(csv));
    assertEquals(List.of(), app.index.boxesOfStudy(STUDY));
  }

  @Test
  void otherContentTypesUnknownStudiesAndOtherMethodsAreRefused() {
    HttpResponse<String> res = put("text/plain", "[]");
    assertEquals(415, res.statusCode());
    assertTrue(message(res).startsWith("Content-Type must be application/json"), message(res));
    assertEquals(415, put(null, "[]").statusCode());

    assertEquals(404, put(app, "1.2.3.4.5", "application/json", "[]").statusCode());
    assertEquals(404, app.get("/api/v1/studies/1.2.3.4.5/boxes").statusCode());
    assertEquals(400, put(app, "not-a-uid", "application/json", "[]").statusCode());

    HttpResponse<String> delete =
        app.send(app.authorized("/api/v1/studies/" + STUDY + "/boxes").DELETE().build());
    assertEquals(405, delete.statusCode());
    assertEquals("GET, PUT", delete.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void withBoxesApiOffUploadsAreForbiddenAndTheServerSaysWhichSetting() throws Exception {
    app.close();
    app = new TestAppliance(dir.resolve("off"), Map.of("boxes-api", "off"));
    app.receive(STUDY, STUDY + ".1", 1_000, "T2 TSE AX", FACTS);
    HttpResponse<String> res = put("application/json", "[]");
    assertEquals(403, res.statusCode());
    assertEquals("forbidden", TestAppliance.json(res).path("error").path("code").asText());
    assertTrue(message(res).contains("boxes-api: off"), message(res));
  }

  @Test
  void theDeprecatedTokenFileStillWritesAsAWriteScopeToken() throws Exception {
    String secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    Path tokenFile = java.nio.file.Files.writeString(dir.resolve("api-token"), secret + "\n");
    app.close();
    app = new TestAppliance(dir.resolve("token"), Map.of("api-token-file", tokenFile.toString()));
    String sop = app.receive(STUDY, STUDY + ".1", 1_000, "T2 TSE AX", FACTS);
    String body =
        "[{\"sop_instance_uid\":\"" + sop + "\",\"x0\":10,\"y0\":10,\"x1\":20,\"y1\":20}]";

    HttpResponse<String> wrong = putWith("Bearer " + secret.replace('0', '1'), body);
    assertEquals(401, wrong.statusCode(), wrong.body());
    assertTrue(message(wrong).contains("not valid here"), message(wrong));
    assertEquals(0, app.index.boxesOfStudy(STUDY).size(), "a refused write changes nothing");

    HttpResponse<String> right = putWith("Bearer " + secret, body);
    assertEquals(200, right.statusCode(), right.body());
    assertEquals(1, app.index.boxesOfStudy(STUDY).size());
  }

  @Test
  void aTokenTooShortToProtectAnythingIsRefusedNamingTheFile() throws Exception {
    Path tokenFile = java.nio.file.Files.writeString(dir.resolve("short-token"), "letmein\n");
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> ApiToken.of(tokenFile));
    assertTrue(e.getMessage().contains("short-token: the token must be 16 to 256"), e.getMessage());
  }

  private HttpResponse<String> putWith(String authorization, String body) {
    return app.send(
        HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY + "/boxes"))
            .header("Content-Type", "application/json")
            .header("Authorization", authorization)
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }
}
