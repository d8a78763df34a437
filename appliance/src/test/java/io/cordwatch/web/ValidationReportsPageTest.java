package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.auth.Role;
import io.cordwatch.testing.Credentials;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kept validation reports over real HTTP: listed newest first for a signed-in admin with the
 * bundle and data each names, served as they were written, with a policy that lets the report's own
 * styles work and nothing else; nobody else reaches them, and no name leaves the folder.
 */
class ValidationReportsPageTest {
  @TempDir Path dir;
  private TestAppliance app;
  private Path kept;

  @BeforeEach
  void start() throws Exception {
    app = new TestAppliance(dir);
    Credentials.user(app.index, "root", Role.ADMIN);
    Credentials.user(app.index, "pat", Role.CLINICIAN);
    kept = Files.createDirectories(app.settings.dataDir().resolve(ValidationReportsPage.FOLDER));
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private void report(String stem, String bundle, int studies) throws Exception {
    report(stem, bundle, studies, "");
  }

  private void report(String stem, String bundle, int studies, String more) throws Exception {
    Files.writeString(
        kept.resolve(stem + ".json"),
        "{\"bundle\":{\"name\":\""
            + bundle
            + "\",\"manifest_sha256\":\"0123456789abcdef0123\"},\"data\":{\"studies\":"
            + studies
            + ",\"matched_slices\":42}"
            + more
            + "}");
    Files.writeString(
        kept.resolve(stem + ".html"),
        "<!doctype html><style>td{color:red}</style><p>report " + stem + "</p>");
  }

  @Test
  void anAdminSeesTheKeptReportsNewestFirstAndOpensOne() throws Exception {
    report("validation-20261201T080000Z", "spine-a", 3);
    report(
        "validation-20261205T131500Z",
        "spine-b",
        7,
        ",\"study_verdicts\":{\"high_grade\":{\"high\":2,\"indeterminate\":1,\"low\":1,\"none\":0}}");
    Files.writeString(kept.resolve("notes.txt"), "not a report");
    BrowserSession admin = BrowserSession.login(app, "root");

    String list = admin.get(ValidationReportsPage.PATH).body();

    int newer = list.indexOf("<tr id=\"validation-20261205T131500Z\">");
    int older = list.indexOf("<tr id=\"validation-20261201T080000Z\">");
    assertTrue(newer > 0 && older > newer, "newest first: " + list);
    assertTrue(
        list.contains(
            "<td>2026-12-05 13:15:00</td><td>spine-b (sha256 0123456789ab)</td>"
                + "<td>7 studies, 42 slices compared; high-grade studies called low: 1 of 4</td>"),
        list);
    // A report made before the study verdicts existed says nothing of them.
    assertTrue(list.contains("<td>3 studies, 42 slices compared</td>"), list);
    assertFalse(list.contains("notes.txt"), list);
    assertTrue(admin.get("/admin").body().contains("href=\"/admin/validation\""));

    HttpResponse<String> html =
        admin.get(ValidationReportsPage.PATH + "/validation-20261205T131500Z.html");
    assertEquals(200, html.statusCode(), html.body());
    assertEquals(
        "<!doctype html><style>td{color:red}</style><p>report validation-20261205T131500Z</p>",
        html.body());
    assertEquals(
        ValidationReportsPage.REPORT_POLICY,
        html.headers().firstValue("Content-Security-Policy").orElse(""));
    HttpResponse<String> json =
        admin.get(ValidationReportsPage.PATH + "/validation-20261201T080000Z.json");
    assertEquals(200, json.statusCode());
    assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

    for (String name :
        new String[] {
          "notes.txt",
          "validation-20261205T131500Z.txt",
          "..%2Findex.db",
          "validation-20991231T000000Z.html"
        }) {
      assertEquals(404, admin.get(ValidationReportsPage.PATH + "/" + name).statusCode(), name);
    }
  }

  @Test
  void withoutReportsThePageSaysSo() {
    BrowserSession admin = BrowserSession.login(app, "root");
    assertTrue(admin.get(ValidationReportsPage.PATH).body().contains("No reports kept yet."));
  }

  @Test
  void onlyASignedInAdminReachesThem() throws Exception {
    report(
        "validation-20261205T131500Z",
        "spine-b",
        7,
        ",\"study_verdicts\":{\"high_grade\":{\"high\":2,\"indeterminate\":1,\"low\":1,\"none\":0}}");
    String path = ValidationReportsPage.PATH + "/validation-20261205T131500Z.html";

    assertEquals(403, app.get(path).statusCode(), "an API token is refused");
    HttpResponse<String> anonymous = app.getAnonymous(path);
    assertTrue(
        anonymous.statusCode() == 401 || anonymous.statusCode() == 303, anonymous.toString());
    assertEquals(403, BrowserSession.login(app, "pat").get(path).statusCode(), "a clinician");
  }
}
