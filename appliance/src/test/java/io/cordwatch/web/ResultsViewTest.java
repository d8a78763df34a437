package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.auth.Role;
import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.testing.Credentials;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clinicians' results view over real HTTP with real logins: the worklist's order, the study
 * page, key images decoded from the stored DICOM with the box drawn, reviews recorded through the
 * form (with the CSRF token, by clinicians only) and exported as labels.csv.
 */
class ResultsViewTest {
  @TempDir Path dir;
  private TestAppliance app;
  private GradedStudy graded;

  @BeforeEach
  void start() {
    app = new TestAppliance(dir);
    graded = GradedStudy.into(app.index, dir, 5_000);
    Credentials.user(app.index, "alice", Role.CLINICIAN);
    Credentials.user(app.index, "root", Role.ADMIN);
    Credentials.user(app.index, "facility", Role.FACILITIES);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void theWorklistPutsHighGradeFirstThenIndeterminateThenLowThenNewest() {
    seriesVerdict("1.2.826.0.1.3680043.10.7.11", 9_000, "low", "1a");
    seriesVerdict("1.2.826.0.1.3680043.10.7.12", 8_000, "indeterminate", null);
    seriesVerdict("1.2.826.0.1.3680043.10.7.13", 7_000, "high", "3");
    seriesVerdict("1.2.826.0.1.3680043.10.7.14", 6_000, "low", "0");
    app.receive("1.2.826.0.1.3680043.10.7.15", "1.2.826.0.1.3680043.10.7.15.1", 10_000, "AX");

    List<String> expected =
        List.of(
            "1.2.826.0.1.3680043.10.7.13", // high, newer than the phantom
            graded.studyUid, // high
            "1.2.826.0.1.3680043.10.7.12", // indeterminate
            "1.2.826.0.1.3680043.10.7.11", // low, newest
            "1.2.826.0.1.3680043.10.7.14", // low
            "1.2.826.0.1.3680043.10.7.15"); // still receiving
    BrowserSession alice = BrowserSession.login(app, "alice");
    HttpResponse<String> page = alice.get("/studies");
    assertEquals(200, page.statusCode(), page.body());
    List<String> shown = new ArrayList<>();
    Matcher m = Pattern.compile("<a href=\"/studies/([0-9.]+)\">").matcher(page.body());
    while (m.find()) {
      shown.add(m.group(1));
    }
    assertEquals(expected, shown);
    assertTrue(page.body().contains("HIGH GRADE \u00b7 Bilsky 3"), page.body());
    assertTrue(
        page.body().contains("<td>2026-01-01 12:00:00</td>"), "the phantom's Study Date and Time");
    assertTrue(page.body().contains("INDETERMINATE: read manually"), page.body());
    assertTrue(page.body().contains("receiving images"), page.body());
    assertTrue(page.body().contains("NOT FOR CLINICAL USE"), "the phantom's model is not cleared");
    assertTrue(page.body().contains("<script src=\"/static/results.js\" defer></script>"));
    assertTrue(page.body().contains("<noscript><meta http-equiv=\"refresh\""), "works without JS");
    assertFalse(page.body().contains("<style"), "styles come from the stylesheet (CSP)");
    assertFalse(page.body().matches("(?s).*<script>.*"), "no inline script");

    JsonNode json = TestAppliance.json(alice.get("/api/v1/worklist"));
    List<String> polled = new ArrayList<>();
    for (JsonNode s : json.path("studies")) {
      polled.add(s.path("study_instance_uid").asText());
    }
    assertEquals(expected, polled, "the script gets the page's order");
    JsonNode first = json.path("studies").get(1);
    assertEquals("high", first.path("group").asText());
    assertEquals("2", first.path("grade").asText());
    assertEquals("unreviewed", first.path("review_state").asText());
    assertEquals("2026-01-01 12:00:00", first.path("study_date_time").asText());
    assertTrue(json.path("studies").get(0).path("study_date_time").isNull(), "none recorded");
    assertEquals(GradedStudy.MODEL, first.path("model").asText());
    assertFalse(first.path("clinical_use").asBoolean(true));
    assertEquals("/studies/" + graded.studyUid, first.path("href").asText());

    HttpResponse<String> script = app.getAnonymous("/static/results.js");
    assertEquals(200, script.statusCode());
    assertTrue(
        script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    assertTrue(script.body().contains("/api/v1/worklist") || script.body().contains("data-poll"));
    assertFalse(script.body().contains("innerHTML"), "text goes in as text");
  }

  @Test
  void theStudyPageShowsTheStudyGradeSeriesVerdictKeyImageAndSliceStrip() {
    BrowserSession alice = BrowserSession.login(app, "alice");
    HttpResponse<String> res = alice.get("/studies/" + graded.studyUid);
    assertEquals(200, res.statusCode(), res.body());
    String page = res.body();
    int grade = page.indexOf("Study result: HIGH GRADE \u00b7 Bilsky 2");
    assertTrue(grade > 0, page);
    assertTrue(grade < page.indexOf("<section class=\"series\">"), "the study's grade comes first");
    assertTrue(page.contains("NOT FOR CLINICAL USE: graded by " + GradedStudy.MODEL), page);
    assertTrue(page.contains("Model " + GradedStudy.MODEL + " on onnxruntime-cpu"), page);
    assertTrue(page.contains("Review: unreviewed"), page);
    String keyPng = "/studies/" + graded.studyUid + "/slices/" + graded.key + ".png?frame=1";
    assertTrue(page.contains("<img src=\"" + keyPng + "\""), page);
    assertTrue(page.contains("Slice 3: Bilsky 2, P(high) 0.93, called high"), page);
    assertEquals(graded.sops.size(), count(page, "<li class=\"s-"), "one strip cell a slice");
    assertTrue(page.contains("<li class=\"s-high\">"), page);
    assertTrue(page.contains("<li class=\"s-caution\">"), "the uncertain high call is marked");
    assertTrue(page.contains("<li class=\"s-none\">"), "the slice without a box is marked");
    assertTrue(page.contains("called high, uncertain (out of distribution)"), page);
    assertTrue(page.contains("no canal box"), page);
    assertTrue(
        page.contains(
            "Bilsky 1b, P(high) 0.20, possible high (at or above the rule-out threshold)"),
        "a slice not called high at or above the rule-out threshold is marked");
    assertTrue(page.contains("<td>possible high (at or above the rule-out threshold)</td>"), page);
    assertEquals(
        2, count(page, "possible high (at or above"), "that slice's caption and table row only");
    assertEquals(
        1 + graded.sops.size(),
        count(page, "<form class=\"review\" method=\"post\""),
        "a form for the study and one for each slice");
    assertTrue(page.contains("name=\"decision\" value=\"confirm\""), page);
    assertTrue(page.contains("No decisions yet."), page);

    HttpResponse<String> token = app.get("/studies/" + graded.studyUid);
    assertEquals(200, token.statusCode(), "API clients may read the page");
    assertFalse(token.body().contains("<form class=\"review\""), "but get no review forms");
  }

  @Test
  void aSliceImageIsTheStoredSliceWithItsBoxDrawnInTheColourOfTheCall() throws IOException {
    BrowserSession alice = BrowserSession.login(app, "alice");
    String path = "/studies/" + graded.studyUid + "/slices/" + graded.key + ".png?frame=1";
    HttpResponse<byte[]> res = alice.getBytes(path);
    assertEquals(200, res.statusCode(), new String(res.body()));
    assertEquals("image/png", res.headers().firstValue("Content-Type").orElse(""));
    assertEquals("no-store", res.headers().firstValue("Cache-Control").orElse(""));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(res.body()));
    assertNotNull(img, "a PNG ImageIO can read");
    int scale = KeyImage.scale(graded.columns, graded.rows);
    assertEquals(graded.columns * scale, img.getWidth());
    assertEquals(graded.rows * scale, img.getHeight());
    int[] box = graded.boxes.get(graded.key);
    // The outline lies just outside the box's pixels, its middle on the left edge.
    int y = ((box[1] + box[3] + 1) * scale) / 2;
    assertEquals(KeyImage.HIGH, img.getRGB(box[0] * scale - 1, y) & 0xFFFFFF, "red: high");
    assertEquals(KeyImage.HIGH, img.getRGB((box[2] + 1) * scale, y) & 0xFFFFFF, "right edge too");
    int inside = img.getRGB((box[0] + box[2]) / 2 * scale, y) & 0xFFFFFF;
    assertTrue(
        (inside >> 16) == (inside & 0xFF) && ((inside >> 8) & 0xFF) == (inside & 0xFF),
        "the image inside the box is the grey slice, not paint");

    int accent = 0;
    int white = 0;
    for (int yy = 0; yy < 40; yy++) {
      for (int xx = 0; xx < 200; xx++) {
        int rgb = img.getRGB(xx, yy) & 0xFFFFFF;
        accent += rgb == KeyImage.HIGH ? 1 : 0;
        white += rgb == 0xFFFFFF ? 1 : 0;
      }
    }
    assertTrue(accent > 50, "'BILSKY 2' written in the call's colour in the corner: " + accent);
    assertTrue(white > 50, "'P(HIGH) 0.93' written in white under it: " + white);

    HttpResponse<byte[]> uncertain =
        alice.getBytes("/studies/" + graded.studyUid + "/slices/" + graded.uncertain + ".png");
    BufferedImage u = ImageIO.read(new ByteArrayInputStream(uncertain.body()));
    int[] ub = graded.boxes.get(graded.uncertain);
    assertEquals(
        KeyImage.CAUTION,
        u.getRGB(ub[0] * scale - 1, ((ub[1] + ub[3] + 1) * scale) / 2) & 0xFFFFFF,
        "amber: called high but uncertain");

    HttpResponse<byte[]> api =
        app.send(
            app.authorized(
                    "/api/v1/studies/" + graded.studyUid + "/key-images/" + graded.key + ".png")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, api.statusCode());
    assertArrayEquals(res.body(), api.body(), "the API serves the same image");

    assertEquals(
        404,
        alice.get("/studies/" + graded.studyUid + "/slices/1.2.3.4.png").statusCode(),
        "an instance that is not in the study");
    assertEquals(
        400,
        alice
            .get("/studies/" + graded.studyUid + "/slices/" + graded.key + ".png?frame=0")
            .statusCode());
    assertEquals(
        404,
        alice
            .get("/studies/" + graded.studyUid + "/slices/" + graded.key + ".png?frame=2")
            .statusCode(),
        "a frame the instance does not have");
  }

  @Test
  void decisionsAreRecordedWithWhoAndWhenNeverOverwrittenAndShownInTheHistory() {
    BrowserSession alice = BrowserSession.login(app, "alice");
    String study = "/studies/" + graded.studyUid;
    String csrf = alice.csrf(study);

    HttpResponse<String> confirm =
        alice.post(study + "/reviews", "csrf=" + csrf + "&decision=confirm");
    assertEquals(303, confirm.statusCode(), confirm.body());
    assertEquals(study + "#study-grade", confirm.headers().firstValue("Location").orElse(""));
    assertEquals(1, app.reviewed.size(), "the stored decision is handed on (verified SR)");
    assertTrue(app.reviewed.getFirst().studyLevel());
    HttpResponse<String> slice =
        alice.post(
            study + "/reviews",
            "csrf=" + csrf + "&sop=" + graded.key + "&frame=1&grade=1b&decision=correct");
    assertEquals(303, slice.statusCode(), slice.body());
    BrowserSession root = BrowserSession.login(app, "root");
    HttpResponse<String> again =
        root.post(study + "/reviews", "csrf=" + root.csrf(study) + "&grade=3&decision=correct");
    assertEquals(303, again.statusCode(), again.body());

    String page = alice.get(study).body();
    assertTrue(page.contains("Review: corrected to Bilsky 3 by root"), page);
    assertTrue(page.contains("corrected to Bilsky 1b by alice"), "the slice's decision is shown");
    String history = page.substring(page.indexOf("<h2>Review history</h2>"));
    assertEquals(3, count(history, "<tr><td>"), history);
    assertEquals(2, count(history, ">current<"), history);
    assertEquals(1, count(history, ">superseded<"), "the first study decision is kept");
    assertTrue(history.contains("<td>alice</td><td>study</td><td>confirm</td><td>2</td>"), history);

    JsonNode reviews =
        TestAppliance.json(app.get("/api/v1/studies/" + graded.studyUid + "/reviews"));
    assertEquals("corrected", reviews.path("review_state").asText());
    assertEquals(3, reviews.path("history").size());
    assertEquals(2, reviews.path("current").size());
    JsonNode first = reviews.path("history").get(0);
    assertEquals("study", first.path("level").asText());
    assertEquals("confirm", first.path("decision").asText());
    assertEquals("2", first.path("grade").asText());
    assertEquals("2", first.path("model_grade").asText(), "the model's grade at the time");
    assertEquals(GradedStudy.MODEL, first.path("model").asText());
    assertEquals("alice", first.path("user").asText());
    assertEquals(TestAppliance.NOW.toString(), first.path("decided_at").asText());
    JsonNode sliceReview = reviews.path("history").get(1);
    assertEquals(graded.key, sliceReview.path("sop_instance_uid").asText());
    assertEquals(graded.seriesUid, sliceReview.path("series_instance_uid").asText());
    assertEquals(graded.boxes.get(graded.key)[0], sliceReview.path("box").path("x0").asInt());

    HttpResponse<String> csv = app.get("/api/v1/reviews.csv");
    assertEquals(200, csv.statusCode());
    assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    int[] b = graded.boxes.get(graded.key);
    assertEquals(
        "study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1,frame\n"
            + graded.studyUid
            + ","
            + graded.key
            + ",1b,"
            + b[0]
            + ","
            + b[1]
            + ","
            + b[2]
            + ","
            + b[3]
            + ",1\n",
        csv.body(),
        "labels.csv shape: the slice's current decision with the box it was graded with");

    assertTrue(
        TestAppliance.json(alice.get("/api/v1/worklist"))
            .path("studies")
            .get(0)
            .path("review_text")
            .asText()
            .equals("corrected to Bilsky 3 by root"));
  }

  @Test
  void aFormWithoutTheCsrfTokenOrWithNothingToConfirmChangesNothing() {
    BrowserSession alice = BrowserSession.login(app, "alice");
    String study = "/studies/" + graded.studyUid;

    HttpResponse<String> without = alice.post(study + "/reviews", "decision=confirm");
    assertEquals(403, without.statusCode(), without.body());
    assertTrue(without.body().contains("CSRF token"), without.body());
    HttpResponse<String> forged = alice.post(study + "/reviews", "csrf=forged&decision=confirm");
    assertEquals(403, forged.statusCode());

    String csrf = alice.csrf(study);
    HttpResponse<String> noRoi =
        alice.post(
            study + "/reviews",
            "csrf=" + csrf + "&sop=" + graded.sops.getLast() + "&frame=1&decision=confirm");
    assertEquals(422, noRoi.statusCode(), "an ungraded slice has no grade to confirm");
    assertTrue(noRoi.body().contains("press Correct"), noRoi.body());
    HttpResponse<String> badGrade =
        alice.post(study + "/reviews", "csrf=" + csrf + "&grade=4&decision=correct");
    assertEquals(400, badGrade.statusCode());
    assertTrue(badGrade.body().contains("0, 1a, 1b, 1c, 2, 3"), badGrade.body());
    assertEquals(List.of(), app.index.reviewsOfStudy(graded.studyUid));

    HttpResponse<String> same =
        alice.post(
            study + "/reviews",
            "csrf=" + csrf + "&sop=" + graded.uncertain + "&frame=1&grade=1c&decision=correct");
    assertEquals(303, same.statusCode());
    assertEquals(
        "confirm",
        app.index.reviewsOfStudy(graded.studyUid).getFirst().decision(),
        "a correction to the model's own grade is a confirmation");
  }

  @Test
  void facilitiesStaffAndApiTokensMayNotReviewAndFacilitiesSeeNoResults() {
    BrowserSession facility = BrowserSession.login(app, "facility");
    String study = "/studies/" + graded.studyUid;
    for (String path :
        List.of(
            "/studies",
            study,
            study + "/slices/" + graded.key + ".png",
            "/api/v1/worklist",
            "/api/v1/reviews.csv",
            "/api/v1/studies/" + graded.studyUid + "/reviews")) {
      HttpResponse<String> res = facility.get(path);
      assertEquals(403, res.statusCode(), path);
      assertFalse(res.body().contains(graded.studyUid), path + " shows no UID");
      assertTrue(res.body().contains("needs the clinician or admin role"), path + res.body());
    }
    HttpResponse<String> page = facility.get("/studies");
    assertTrue(
        page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
        "a person gets a page");
    assertFalse(facility.get("/").body().contains("href=\"/studies\""), "no Results link");
    HttpResponse<String> post =
        facility.post(study + "/reviews", "csrf=" + facility.csrf("/") + "&decision=confirm");
    assertEquals(403, post.statusCode());

    HttpResponse<String> token =
        app.send(
            app.authorized(study + "/reviews")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("decision=confirm"))
                .build());
    assertEquals(403, token.statusCode(), token.body());
    assertTrue(token.body().contains("a review is a clinician's decision"), token.body());
    assertEquals(List.of(), app.index.reviewsOfStudy(graded.studyUid));

    BrowserSession alice = BrowserSession.login(app, "alice");
    assertTrue(alice.get("/").body().contains("href=\"/studies\""), "clinicians get the link");
  }

  /** A study of one series with a stored verdict of {@code group} and {@code grade}. */
  private void seriesVerdict(String study, long receivedMs, String group, String grade) {
    String series = study + ".1";
    app.receive(study, series, receivedMs, "AX T2");
    app.complete(series, true);
    JobRow job = app.index.claimJob(TestAppliance.NOW.toEpochMilli()).orElseThrow();
    app.index.finishJob(
        job,
        "{\"grade\":"
            + (grade == null ? "null" : "\"" + grade + "\"")
            + ",\"group\":\""
            + group
            + "\",\"indeterminate_reason\":"
            + ("indeterminate".equals(group) ? "\"nothing_graded\"" : "null")
            + ",\"indeterminate_message\":null,\"segments\":[],\"key_images\":[],"
            + "\"counts\":{\"slices\":1,\"graded\":1},\"model\":{\"name\":\"m\","
            + "\"clinical_use\":true}}",
        List.of(),
        receivedMs);
    assertTrue(Uids.isValid(study));
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
