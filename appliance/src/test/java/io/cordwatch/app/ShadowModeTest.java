package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.auth.Role;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.infer.BundleSignature;
import io.cordwatch.infer.SignedTestBundles;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.store.OutboxRecords;
import io.cordwatch.testing.AuditRows;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.Credentials;
import io.cordwatch.testing.SignedIn;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow mode on a running appliance: an admin puts a second signed bundle in shadow; every series
 * sent by storescu afterwards is graded by both, the shadow's findings are stored apart, and only
 * the active model's documents and alerts reach the outbox; turning shadow off stops it; a shadow
 * bundle that cannot be loaded leaves grading as it was. Only a signed-in admin with the CSRF token
 * may choose the shadow.
 */
class ShadowModeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  @Test
  void aShadowBundleGradesEverySeriesAndNothingOfItIsPublished() throws Exception {
    SignedTestBundles signed = SignedTestBundles.make(tmp);
    BundleSignature.Signed signedB = signed.signedB();
    Path trusted = signed.trusted();
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 4, 5, StudyPlan.Style.INTERNAL, 21, false, false));
    Path alertKey = Files.writeString(tmp.resolve("alert.key"), "0123456789abcdef0123");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }

    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("release-grace", "100ms");
    flags.put("bundle", tmp.resolve("a").toString());
    flags.put("bundle-trusted-keys", trusted.toString());
    flags.put("boxes", phantom.resolve("labels.csv").toString());
    // Destinations that are down: whatever is queued for them stays in the outbox to be counted.
    flags.put("forward-to", "PACS@127.0.0.1:" + closed);
    flags.put("forward-retry-delay", "1h");
    flags.put("forward-retry-max-delay", "1h");
    flags.put("alert-webhooks", "http://127.0.0.1:" + closed + "/hook");
    flags.put("alert-key-file", alertKey.toString());
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      base = "http://127.0.0.1:" + appliance.httpPort();
      Credentials.user(appliance.index(), "ada", Role.ADMIN);
      Credentials.user(appliance.index(), "carl", Role.CLINICIAN);
      String token = Credentials.writeToken(appliance.index());
      String idA = appliance.activeBundleId();
      String idB = appliance.bundles().install(tmp.resolve("b"), "test").id();

      // Only a signed-in admin with the CSRF token chooses the shadow.
      SignedIn admin = SignedIn.login(http, base, "ada");
      SignedIn clinician = SignedIn.login(http, base, "carl");
      assertEquals(403, clinician.postId("/api/v1/bundles/shadow", idB).statusCode());
      HttpResponse<String> byToken =
          http.send(
              Credentials.bearer(
                      HttpRequest.newBuilder(URI.create(base + "/api/v1/bundles/shadow")), token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + idB + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(403, byToken.statusCode(), byToken.body());
      SignedIn noCsrf = admin.withCsrf("wrong");
      assertEquals(403, noCsrf.postId("/api/v1/bundles/shadow", idB).statusCode());
      HttpResponse<String> unknown = admin.postId("/api/v1/bundles/shadow", "nope-000000000000");
      assertEquals(404, unknown.statusCode(), unknown.body());
      assertTrue(appliance.bundles().shadowId().isEmpty());

      HttpResponse<String> chosen = admin.postId("/api/v1/bundles/shadow", idB);
      assertEquals(200, chosen.statusCode(), chosen.body());
      assertEquals(idB, JSON.readTree(chosen.body()).path("to").asText());
      Await.until(
          "the shadow bundle is loaded",
          () -> admin.json("/api/v1/status").path("shadow").path("loaded").asBoolean());
      JsonNode listed = admin.json("/api/v1/bundles");
      assertEquals(idB, listed.path("shadow").path("id").asText(), listed.toString());
      assertEquals(idA, listed.path("active").path("id").asText(), listed.toString());

      // Studies 1 and 2 arrive: graded by the active bundle, and by the shadow after.
      List<String> shadowed = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        shadowed.add(send(appliance, phantom, i));
      }
      Await.until(
          "two studies graded in shadow",
          () -> shadowed.stream().allMatch(uid -> shadowRows(appliance, uid) == 1));
      for (String uid : shadowed) {
        JsonNode series = gradedSeries(token, uid);
        JsonNode model = series.path("verdict").path("model");
        assertEquals("torch-tiny-test", model.path("name").asText(), model.toString());
        var row =
            appliance.index().shadowResults().ofSeries(series.path("series_instance_uid").asText());
        assertEquals(idB, row.getFirst().bundleId());
        assertEquals(signedB.manifestSha256(), row.getFirst().bundleSha256());
        assertOnlyTheActiveVerdictIsPublished(appliance, uid, series.path("verdict"));
      }
      // The status's index figures are one reading a second, shared by every client
      // (web.StatusSnapshot): wait for a reading taken after the shadow rows.
      JsonNode status =
          Await.reading(
              "the status counts both shadow series",
              () -> admin.json("/api/v1/status"),
              s -> s.path("shadow").path("series").asInt() == 2);
      assertEquals(idB, status.path("shadow").path("id").asText(), status.toString());
      assertEquals("torch-tiny-b", status.path("shadow").path("name").asText(), status.toString());
      assertEquals(2, status.path("shadow").path("series").asInt(), status.toString());
      String page = admin.get("/").body();
      assertTrue(page.contains("Shadow model"), page);
      assertTrue(page.contains("torch-tiny-b (" + idB + "), 2 series graded in shadow"), page);

      // Off: study 3 is graded by the active bundle only.
      HttpResponse<String> off = admin.postId("/api/v1/bundles/shadow", null);
      assertEquals(200, off.statusCode(), off.body());
      Await.until("shadow mode is off", () -> !admin.json("/api/v1/status").hasNonNull("shadow"));
      String third = send(appliance, phantom, 3);
      Await.until(
          "study 3 graded",
          () -> "done".equals(gradedSeries(token, third).path("job").path("state").asText()));
      assertEquals(0, shadowRows(appliance, third));
      assertOnlyTheActiveVerdictIsPublished(
          appliance, third, gradedSeries(token, third).path("verdict"));

      // A shadow bundle that cannot be loaded (here: chosen, then gone from the store) leaves
      // grading untouched: study 4 is graded once, on the first attempt.
      appliance
          .index()
          .bundleShadows()
          .choose("gone-0123456789ab", "test", System.currentTimeMillis());
      Await.until(
          "the failed load is shown",
          () ->
              admin
                  .json("/api/v1/status")
                  .path("shadow")
                  .path("problem")
                  .asText()
                  .contains("not loaded"));
      String fourth = send(appliance, phantom, 4);
      Await.until(
          "study 4 graded",
          () -> "done".equals(gradedSeries(token, fourth).path("job").path("state").asText()));
      assertEquals(1, gradedSeries(token, fourth).path("job").path("attempts").asInt());
      assertEquals(0, shadowRows(appliance, fourth));
      assertTrue(appliance.meters().shadowFailures() >= 1);
      String metrics = admin.get("/observe/metrics").body();
      assertTrue(metrics.contains("cordwatch_shadow_failures_total"), metrics);
      assertTrue(metrics.contains("cordwatch_shadow_series_total 2.0"), metrics);

      List<String> audit = AuditRows.of(tmp.resolve("data/index.db"), "bundle_shadow");
      assertEquals(3, audit.size(), audit::toString);
      assertTrue(
          audit.get(0).startsWith("shadow " + idB + " (was off) by user ada (admin) from "),
          audit.get(0));
      assertTrue(audit.get(1).startsWith("shadow off (was " + idB + ") by user ada"), audit.get(1));
      assertEquals(1, AuditRows.of(tmp.resolve("data/index.db"), "bundle_shadow_failed").size());
    }
  }

  /** Only the active verdict's documents: SR and KOS, and an alert when it is high or unsure. */
  private static void assertOnlyTheActiveVerdictIsPublished(
      Appliance appliance, String studyUid, JsonNode verdict) {
    List<String> kinds =
        appliance.index().outboxOfStudy(studyUid).stream()
            .map(OutboxRecords.Row::kind)
            .sorted()
            .toList();
    String group = verdict.path("group").asText();
    List<String> expected =
        group.equals("low") ? List.of("kos", "sr") : List.of("alert", "kos", "sr");
    assertEquals(expected, kinds, "outbox of a " + group + " verdict");
  }

  private static int shadowRows(Appliance appliance, String studyUid) {
    int n = 0;
    for (var i : appliance.index().instancesOfStudy(studyUid)) {
      n = Math.max(n, appliance.index().shadowResults().ofSeries(i.seriesUid()).size());
    }
    return n;
  }

  private String send(Appliance appliance, Path phantom, int study) throws Exception {
    List<Path> f;
    try (Stream<Path> s = Files.list(phantom.resolve(String.format("study-%04d", study)))) {
      f = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Peers.Run r = Peers.storescu(appliance.dicomPort(), "STORESCU", f);
    assertEquals(f.size(), Peers.successes(r), r.output());
    return DicomFacts.read(f.getFirst()).studyInstanceUid();
  }

  /** The study's selected series as the API shows it (verdict, job). */
  private JsonNode gradedSeries(String token, String studyUid) {
    try {
      HttpResponse<String> r =
          http.send(
              Credentials.bearer(
                      HttpRequest.newBuilder(URI.create(base + "/api/v1/studies/" + studyUid)),
                      token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return JSON.createObjectNode();
      }
      for (JsonNode series : JSON.readTree(r.body()).path("series")) {
        if ("selected".equals(series.path("selection").path("decision").asText())) {
          return series;
        }
      }
      return JSON.createObjectNode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
