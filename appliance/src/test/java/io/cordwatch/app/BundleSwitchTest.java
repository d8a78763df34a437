package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.auth.Role;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleSignature;
import io.cordwatch.infer.SignedTestBundles;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.testing.AuditRows;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.Credentials;
import io.cordwatch.testing.SignedIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running appliance switches its model bundle without a restart: an admin activates another
 * installed version over HTTP while studies arrive and are graded; no job is lost or graded twice,
 * the verdicts after the switch name the new version, each switch has its audit row, and only an
 * admin may make one.
 */
class BundleSwitchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  @Test
  void anAdminSwitchesTheBundleWhileSeriesAreGradedAndLaterVerdictsNameTheNewOne()
      throws Exception {
    SignedTestBundles signed = SignedTestBundles.make(tmp);
    Bundle a = signed.a();
    BundleSignature.Signed signedB = signed.signedB();
    Path trusted = signed.trusted();
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 3, 5, StudyPlan.Style.INTERNAL, 12, false, false));

    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("release-grace", "100ms");
    flags.put("bundle", tmp.resolve("a").toString());
    flags.put("bundle-trusted-keys", trusted.toString());
    flags.put("boxes", phantom.resolve("labels.csv").toString());
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      base = "http://127.0.0.1:" + appliance.httpPort();
      Credentials.user(appliance.index(), "ada", Role.ADMIN);
      Credentials.user(appliance.index(), "carl", Role.CLINICIAN);
      String token = Credentials.writeToken(appliance.index());
      String idA = appliance.activeBundleId();
      assertEquals(
          a.versionId().substring(0, a.versionId().length() - 12),
          idA.substring(0, idA.length() - 12));
      String idB = appliance.bundles().install(tmp.resolve("b"), "test").id();
      assertTrue(idB.startsWith("torch-tiny-b-"), idB);

      // Signed by a trusted key: no UNSIGNED banner, and the status says who signed.
      SignedIn admin = SignedIn.login(http, base, "ada");
      JsonNode status = admin.json("/api/v1/status");
      assertTrue(status.path("model").path("signed").asBoolean(), status.toString());
      assertFalse(admin.get("/").body().contains("UNSIGNED MODEL"));

      // Only an admin signed in may switch: not a clinician, not a write token.
      SignedIn clinician = SignedIn.login(http, base, "carl");
      HttpResponse<String> refused = clinician.postId("/api/v1/bundles/active", idB);
      assertEquals(403, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("admin"), refused.body());
      HttpResponse<String> byToken =
          http.send(
              Credentials.bearer(
                      HttpRequest.newBuilder(URI.create(base + "/api/v1/bundles/active")), token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + idB + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(403, byToken.statusCode(), byToken.body());
      assertEquals(idA, appliance.activeBundleId());

      // Study 1 arrives and is being graded when the admin switches.
      List<Path> study1 = files(phantom, 1);
      Peers.Run sent = Peers.storescu(appliance.dicomPort(), "STORESCU", study1);
      assertEquals(study1.size(), Peers.successes(sent), sent.output());
      HttpResponse<String> switched = admin.postId("/api/v1/bundles/active", idB);
      assertEquals(200, switched.statusCode(), switched.body());
      JsonNode s = JSON.readTree(switched.body());
      assertEquals(idA, s.path("from").asText());
      assertEquals(idB, s.path("to").asText());
      assertTrue(s.path("changed").asBoolean());
      Await.until("the appliance grades with " + idB, () -> idB.equals(appliance.activeBundleId()));

      // Studies 2 and 3 arrive after the switch.
      for (int i = 2; i <= 3; i++) {
        List<Path> f = files(phantom, i);
        Peers.Run r = Peers.storescu(appliance.dicomPort(), "STORESCU", f);
        assertEquals(f.size(), Peers.successes(r), r.output());
      }
      Await.until(
          "three studies graded",
          () -> get(token, "/api/v1/studies?state=graded").path("studies").size() == 3);

      String shaB = signedB.manifestSha256();
      for (int i = 1; i <= 3; i++) {
        String uid =
            io.cordwatch.dicom.DicomFacts.read(files(phantom, i).getFirst()).studyInstanceUid();
        JsonNode detail = get(token, "/api/v1/studies/" + uid);
        int graded = 0;
        for (JsonNode series : detail.path("series")) {
          if (!"selected".equals(series.path("selection").path("decision").asText())) {
            continue;
          }
          graded++;
          assertEquals("done", series.path("job").path("state").asText(), series.toString());
          assertEquals(1, series.path("job").path("attempts").asInt(1), series.toString());
          JsonNode model = series.path("verdict").path("model");
          boolean onB = model.path("name").asText().equals("torch-tiny-b");
          // Never a mix: the name and the version's digest belong together.
          assertEquals(onB, model.path("bundle_sha256").asText().equals(shaB), model.toString());
          assertTrue(model.path("signed").asBoolean(), model.toString());
          assertTrue(model.path("signed_by").asText().endsWith("(release.pem)"), model.toString());
          if (i > 1) {
            assertTrue(onB, "study " + i + " arrived after the switch: " + model);
          } else {
            assertTrue(
                onB || model.path("name").asText().equals("torch-tiny-test"), model.toString());
          }
        }
        assertEquals(1, graded, detail.toString());
      }

      // Rollback returns to the version before; each switch has its audit row.
      HttpResponse<String> back = admin.post("/api/v1/bundles/rollback");
      assertEquals(200, back.statusCode(), back.body());
      Await.until("back on " + idA, () -> idA.equals(appliance.activeBundleId()));
      JsonNode listed = admin.json("/api/v1/bundles");
      assertEquals(idA, listed.path("active").path("id").asText(), listed.toString());
      assertEquals(2, listed.path("installed").size(), listed.toString());

      List<String> audit = AuditRows.of(tmp.resolve("data/index.db"), "bundle_activated");
      assertEquals(3, audit.size(), audit::toString);
      assertTrue(
          audit.get(0).startsWith("bundle " + idA + " (was none) by configuration"), audit.get(0));
      assertTrue(
          audit.get(1).startsWith("bundle " + idB + " (was " + idA + ") by user ada (admin) from "),
          audit.get(1));
      assertTrue(audit.get(1).endsWith("(activate)"), audit.get(1));
      assertTrue(
          audit.get(2).startsWith("bundle " + idA + " (was " + idB + ") by user ada (admin)"),
          audit.get(2));
      assertTrue(audit.get(2).endsWith("(rollback)"), audit.get(2));
    }
  }

  @Test
  void anUnsignedBundleIsRefusedByDefaultAndTheApplianceQueuesWithoutAModel() throws Exception {
    TorchFixture.bundle(tmp.resolve("a"));
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(new Phantom.Options(phantom, 1, 5, StudyPlan.Style.INTERNAL, 8, false, false));
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("release-grace", "100ms");
    flags.put("bundle", tmp.resolve("a").toString());
    flags.put("bundle-trusted-keys", tmp.resolve("no-keys").toString());
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      base = "http://127.0.0.1:" + appliance.httpPort();
      String token = Credentials.writeToken(appliance.index());
      String engine = get(token, "/api/v1/status").path("engine").asText();
      assertTrue(engine.startsWith("no model loaded: bundle " + tmp.resolve("a")), engine);
      assertTrue(engine.contains("is not signed"), engine);
      assertTrue(engine.contains("series are selected and queued"), engine);
      List<Path> f = files(phantom, 1);
      Peers.Run r = Peers.storescu(appliance.dicomPort(), "STORESCU", f);
      assertEquals(f.size(), Peers.successes(r), r.output());
      Await.until(
          "the study is queued",
          () -> get(token, "/api/v1/studies?state=queued").path("studies").size() == 1);
    }

    // With the setting it runs, and the status page and results say UNSIGNED MODEL.
    flags.put("allow-unsigned-bundles", "on");
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      base = "http://127.0.0.1:" + appliance.httpPort();
      Credentials.user(appliance.index(), "carl", Role.CLINICIAN);
      String token = Credentials.writeToken(appliance.index());
      Await.until(
          "the queued study is graded",
          () -> get(token, "/api/v1/studies?state=graded").path("studies").size() == 1);
      JsonNode status = get(token, "/api/v1/status");
      assertFalse(status.path("model").path("signed").asBoolean(true), status.toString());
      assertTrue(status.path("engine").asText().contains("UNSIGNED"), status.toString());
      SignedIn carl = SignedIn.login(http, base, "carl");
      assertTrue(carl.get("/").body().contains("UNSIGNED MODEL"));
      assertTrue(carl.get("/studies").body().contains("UNSIGNED MODEL"));
      String uid =
          get(token, "/api/v1/studies?state=graded")
              .path("studies")
              .get(0)
              .path("study_instance_uid")
              .asText();
      assertTrue(carl.get("/studies/" + uid).body().contains("UNSIGNED MODEL"));
    }
  }

  private static List<Path> files(Path phantom, int study) throws Exception {
    try (Stream<Path> s = Files.list(phantom.resolve(String.format("study-%04d", study)))) {
      return s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
  }

  private JsonNode get(String token, String path) {
    try {
      HttpResponse<String> r =
          http.send(
              Credentials.bearer(HttpRequest.newBuilder(URI.create(base + path)), token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
