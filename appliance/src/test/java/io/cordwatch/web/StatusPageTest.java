package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.dicom.Uids;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusPageTest {
  private static final String STUDY = "1.2.826.0.1.3680043.10.7.1";

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

  @Test
  void pageSaysOkAndIsWellFormedHtml() {
    HttpResponse<String> res = app.getAnonymous("/");

    assertEquals(200, res.statusCode());
    assertTrue(res.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
    String html = res.body();
    assertTrue(html.startsWith("<!DOCTYPE html>"), html);
    assertTrue(html.strip().endsWith("</html>"));
    assertEquals("CordWatch: OK", title(html));
    assertTrue(html.contains(">OK<"));
    assertFalse(html.contains("ATTENTION"));
    assertEquals(
        count(html, "<script"),
        count(html, "<script src=\"/static/status\\.js\" defer></script>"),
        "one script, from a file: the Content-Security-Policy refuses inline ones");
    assertTrue(
        html.contains("<noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>"),
        "without JavaScript the page reloads itself");
    assertTrue(html.contains("data-events=\"/api/v1/status/events\""), html);
    for (String tag :
        new String[] {
          "table", "tr", "ul", "li", "p", "h2", "head", "body", "main", "svg", "figure", "rect"
        }) {
      assertEquals(count(html, "<" + tag + "[ >]"), count(html, "</" + tag + ">"), tag);
    }
  }

  @Test
  void pageListsStudiesByTagOnlyWithState() {
    app.receive(STUDY, STUDY + ".1", 1_000, "T2 TSE AX");
    app.complete(STUDY + ".1", true);

    String html = app.get("/").body();

    assertTrue(html.contains(Uids.tag(STUDY)), html);
    assertFalse(html.contains(STUDY), "full study UIDs stay off the page");
    assertTrue(html.contains("waiting for grading"), html);
    assertFalse(html.contains("T2 TSE AX"), "series descriptions are typed at the scanner: PHI");
  }

  @Test
  void pagePrintsNothingTakenFromTheImagesText() {
    app.receive(STUDY, STUDY + ".1", 1_000, "<script>alert('x')</script> DOE^JANE");

    String html = app.getAnonymous("/").body();

    assertFalse(html.contains("alert("), html);
    assertFalse(html.contains("DOE"), html);
    assertTrue(html.contains("MR \u00b7 1 image"), html);
  }

  @Test
  void pageSaysAttentionAndWhyWhenDiskIsBelowReserve() {
    app.disk.setReserveBytes(Long.MAX_VALUE / 4);

    String html = app.get("/").body();

    assertEquals("CordWatch: ATTENTION", title(html));
    assertTrue(html.contains("Disk below reserve"), html);
    assertFalse(html.contains(">OK<"));
  }

  @Test
  void pageSaysAttentionWhenDicomListenerIsDown() {
    app.dicomListening.set(false);

    String html = app.get("/").body();

    assertEquals("CordWatch: ATTENTION", title(html));
    assertTrue(html.contains("DICOM listener down"), html);
  }

  @Test
  void theDicomTlsPortIsListedBesideThePlainOneOnlyWhenTlsIsOn() {
    String off = app.getAnonymous("/").body();
    assertFalse(off.contains("DICOM TLS"), off);
    assertEquals(
        2, TestAppliance.json(app.getAnonymous("/api/v1/status")).path("listeners").size());

    app.dicomTlsPort.set(2762);

    String html = app.getAnonymous("/").body();
    assertTrue(html.contains("<td>DICOM (from scanners)</td><td>127.0.0.1:11112</td>"), html);
    assertTrue(html.contains("<td>DICOM TLS (from scanners)</td><td>127.0.0.1:2762</td>"), html);
    JsonNode listeners = TestAppliance.json(app.getAnonymous("/api/v1/status")).path("listeners");
    assertEquals(3, listeners.size(), listeners.toString());
    assertEquals("dicom_tls", listeners.get(1).path("protocol").asText());
    assertEquals(2762, listeners.get(1).path("port").asInt());
    assertEquals("CORDWATCH", listeners.get(1).path("ae_title").asText());
  }

  @Test
  void pageStillRendersAndSaysWhyWhenTheIndexIsGone() {
    app.index.close();

    HttpResponse<String> res = app.get("/");

    assertEquals(200, res.statusCode());
    assertEquals("CordWatch: ATTENTION", title(res.body()));
    assertTrue(res.body().contains("Database not writable"), res.body());
    assertTrue(res.body().contains("Index not readable"), res.body());
  }

  @Test
  void seriesWaitingWithoutAModelAreAttentionWithWhatToDo() {
    app.receive(STUDY, STUDY + ".1", 1_000, "T2 TSE AX");
    app.complete(STUDY + ".1", true);

    String html = app.getAnonymous("/").body();

    assertEquals("CordWatch: ATTENTION", title(html));
    assertTrue(html.contains("1 series is waiting for grading but no model is loaded"), html);
    assertTrue(html.contains("configure a model bundle"), html);
  }

  @Test
  void pageShowsTheLastDayChartsTimeSinceTheLastStudyAndTrafficPerSender() {
    long received = TestAppliance.NOW.toEpochMilli() - 125_000;
    app.receive(STUDY, STUDY + ".1", received, "DOE^JANE");
    app.receive(STUDY, STUDY + ".1", received, "DOE^JANE");

    String html = app.getAnonymous("/").body();

    assertTrue(html.contains("Last image received 2 min ago"), html);
    assertEquals(2, count(html, "<svg class=\"chart "), html);
    assertTrue(html.contains("<title>09:00: 1 study</title>"), html);
    assertTrue(
        html.contains("<tr><td>SCANNER</td><td class=\"n\">2</td><td class=\"n\">1</td></tr>"),
        html);
    assertFalse(html.contains("DOE"), html);
    assertFalse(html.contains(STUDY), html);
  }

  @Test
  void pageSaysWhenTheDiskIsNearTheReserve() {
    app.disk.setReserveBytes(app.disk.freeBytes() / 2 + 1_000_000_000L);

    String html = app.getAnonymous("/").body();

    assertEquals("CordWatch: ATTENTION", title(html));
    assertTrue(html.contains("Disk nearly at reserve"), html);
  }

  @Test
  void pageNamesTheActiveModelAndBannersOneNotClearedForClinicalUse() {
    app.model.set(
        new ActiveModel(
            "spine-net-0123",
            "spine-net",
            "2026-01-05 sha256:0123456789ab",
            false,
            true,
            "signed by key 3f2a (site.pem)"));

    String html = app.getAnonymous("/").body();

    String main = html.substring(html.indexOf("<main id=\"live\""));
    assertTrue(
        main.contains(
            "<p class=\"banner\" id=\"not-clinical\">NOT FOR CLINICAL USE: the loaded model"
                + " spine-net (version 2026-01-05 sha256:0123456789ab) is not cleared"),
        "the banner is inside the part the live redraw replaces: " + html);
    assertTrue(
        html.contains(
            "<td id=\"model\" class=\"attention\">spine-net, version 2026-01-05"
                + " sha256:0123456789ab (NOT FOR CLINICAL USE"),
        html);
    assertEquals("CordWatch: OK", title(html), "a research model is no reason for ATTENTION");
    JsonNode model = TestAppliance.json(app.getAnonymous("/api/v1/status")).path("model");
    assertEquals("spine-net", model.path("name").asText(), model.toString());
    assertFalse(model.path("clinical_use").asBoolean(true), model.toString());
  }

  @Test
  void aModelClearedForClinicalUseIsNamedWithoutTheBanner() {
    app.model.set(
        new ActiveModel(
            "spine-net-0123",
            "spine-net",
            "2026-02-01 sha256:ba9876543210",
            true,
            true,
            "signed by key 3f2a (site.pem)"));

    String html = app.getAnonymous("/").body();

    assertFalse(html.contains("NOT FOR CLINICAL USE"), html);
    assertFalse(html.contains("not-clinical"), html);
    assertTrue(
        html.contains(
            "<td id=\"model\">spine-net, version 2026-02-01 sha256:ba9876543210 (cleared for"
                + " clinical use); signed by key 3f2a (site.pem)</td>"),
        html);
  }

  @Test
  void anUnsignedModelGetsItsBannerInsideTheLiveRegion() {
    app.model.set(
        new ActiveModel(
            "spine-net-0123",
            "spine-net",
            "2026-02-01 sha256:ba9876543210",
            true,
            false,
            "UNSIGNED (allow-unsigned-bundles)"));

    String html = app.getAnonymous("/").body();

    String main = html.substring(html.indexOf("<main id=\"live\""));
    assertTrue(
        main.contains(
            "<p class=\"banner\" id=\"unsigned-model\">UNSIGNED MODEL: grading with spine-net"
                + " (spine-net-0123)"),
        html);
    assertTrue(html.contains("<td id=\"model\" class=\"attention\">"), html);
    JsonNode model = TestAppliance.json(app.getAnonymous("/api/v1/status")).path("model");
    assertFalse(model.path("signed").asBoolean(true), model.toString());
    assertEquals("spine-net-0123", model.path("id").asText(), model.toString());
  }

  @Test
  void withoutAModelThePageSaysSoAndShowsNoBanner() {
    String html = app.getAnonymous("/").body();

    assertTrue(html.contains("<td id=\"model\">no model loaded</td>"), html);
    assertFalse(html.contains("NOT FOR CLINICAL USE"), html);
    assertTrue(TestAppliance.json(app.getAnonymous("/api/v1/status")).get("model").isNull());
  }

  @Test
  void theStatusScriptIsServedFromTheJar() {
    HttpResponse<String> res = app.getAnonymous(StaticAssets.STATUS_SCRIPT);

    assertEquals(200, res.statusCode());
    assertTrue(
        res.headers().firstValue("content-type").orElseThrow().startsWith("text/javascript"));
    assertTrue(res.body().contains("new EventSource(source)"), res.body());
  }

  /** The page's title (the charts' bars have titles of their own, in the body). */
  private static String title(String html) {
    Matcher m =
        Pattern.compile("<title>([^<]*)</title>")
            .matcher(html.substring(0, html.indexOf("</head>")));
    assertTrue(m.find(), "page has a <title>");
    String title = m.group(1);
    assertFalse(m.find(), "page has one <title>");
    return title;
  }

  private static long count(String html, String regex) {
    return Pattern.compile(regex).matcher(html).results().count();
  }
}
