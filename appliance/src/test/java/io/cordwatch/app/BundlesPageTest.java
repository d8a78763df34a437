package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.auth.Role;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.BundleStore;
import io.cordwatch.infer.BundleTrust;
import io.cordwatch.infer.SignedTestBundles;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.store.BundleActivations.Activation;
import io.cordwatch.testing.AuditRows;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.Credentials;
import io.cordwatch.testing.SignedIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin's model bundles page at {@code /admin/bundles} on a running appliance with three
 * installed versions (A active and signed, B signed, C unsigned and so refused here), over real
 * HTTP: the admin sees what grades now, the versions and the history, switches and rolls back
 * through the confirmation forms, and each switch is the exact activation and audit row naming the
 * admin; refusals (not installed, refused by the signature rules, no CSRF token, another site, a
 * clinician, an API token) answer and change nothing.
 */
class BundlesPageTest {
  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();
  private Appliance appliance;
  private String base;
  private String idA;
  private String idB;
  private String idC;

  @BeforeEach
  void start() throws Exception {
    Path trusted = SignedTestBundles.make(tmp).trusted();
    TorchFixture.bundle(tmp.resolve("c"), "torch-tiny-c", 12);
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("bundle", tmp.resolve("a").toString());
    flags.put("bundle-trusted-keys", trusted.toString());
    appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC());
    base = "http://127.0.0.1:" + appliance.httpPort();
    Credentials.user(appliance.index(), "ada", Role.ADMIN);
    Credentials.user(appliance.index(), "carl", Role.CLINICIAN);
    idA = appliance.activeBundleId();
    idB = appliance.bundles().install(tmp.resolve("b"), "test").id();
    // Installed where unsigned bundles were allowed (a copied data directory, say): listed,
    // refused.
    idC =
        new BundleStore(tmp.resolve("data"))
            .install(tmp.resolve("c"), BundleTrust.anyBundle())
            .id();
  }

  @AfterEach
  void stop() {
    appliance.close();
  }

  @Test
  void anAdminSeesTheRunningModelTheVersionsAndTheHistory() throws Exception {
    SignedIn ada = SignedIn.login(http, base, "ada");

    String landing = ada.get("/admin").body();
    assertTrue(landing.contains("<a href=\"/admin/users\">Users</a>"), landing);
    assertTrue(landing.contains("<a href=\"/admin/bundles\">Model bundles</a>"), landing);

    HttpResponse<String> page = ada.get("/admin/bundles");
    assertEquals(200, page.statusCode(), page.body());
    String html = page.body();
    assertTrue(html.contains("<tr><th>Id</th><td>" + idA + "</td></tr>"), html);
    assertTrue(html.contains("<tr><th>Name</th><td>torch-tiny-test</td></tr>"), html);
    assertTrue(html.contains("signed by key"), html);
    assertTrue(html.contains("NOT FOR CLINICAL USE"), "the fixture is not for clinical use");
    assertTrue(row(html, idA).contains("<td class=\"ok\">active</td>"), row(html, idA));
    assertTrue(
        row(html, idB).contains("href=\"/admin/bundles/" + idB + "/activate\">Make active"),
        row(html, idB));
    assertTrue(row(html, idC).contains("refused: refused here: UNSIGNED"), row(html, idC));
    assertFalse(row(html, idC).contains("/activate"), "no button for a refused version");
    assertTrue(html.contains("<td>none</td><td>" + idA + "</td><td>configured</td>"), html);
    assertFalse(html.contains("id=\"rollback\""), "nothing to roll back to yet");
    assertFalse(html.contains("<script"), html);
    assertTrue(html.contains("<a href=\"/admin/bundles\">Model bundles</a>"), "the top bar");
  }

  @Test
  void anAdminSwitchesAfterConfirmingAndRollsBackEachRecordedWithTheirName() throws Exception {
    SignedIn ada = SignedIn.login(http, base, "ada");

    HttpResponse<String> confirm = ada.get("/admin/bundles/" + idB + "/activate");
    assertEquals(200, confirm.statusCode(), confirm.body());
    assertTrue(confirm.body().contains("Make " + idB + " active?"), confirm.body());
    assertTrue(confirm.body().contains("instead of " + idA), confirm.body());
    assertEquals(idA, latest().bundleId(), "asking changes nothing");

    HttpResponse<String> done = ada.postForm("/admin/bundles/" + idB + "/activate", "");
    assertEquals(303, done.statusCode(), done.body());
    assertEquals("/admin/bundles?done=activated", done.headers().firstValue("Location").get());
    Activation a = latest();
    assertEquals(idB, a.bundleId());
    assertEquals(idA, a.previousId());
    assertEquals("user ada (admin) from 127.0.0.1", a.actor());
    assertEquals("activate", a.how());
    Await.until("the appliance grades with " + idB, () -> idB.equals(appliance.activeBundleId()));
    String after = ada.get("/admin/bundles?done=activated").body();
    assertTrue(
        after.contains(idB + " is now the active version (was " + idA + "), recorded "), after);
    assertTrue(row(after, idB).contains("active"), row(after, idB));
    assertTrue(after.contains("href=\"/admin/bundles/rollback\""), after);

    HttpResponse<String> again = ada.postForm("/admin/bundles/" + idB + "/activate", "");
    assertEquals("/admin/bundles?done=unchanged", again.headers().firstValue("Location").get());
    assertEquals(a.seq(), latest().seq(), "activating the active version writes nothing");

    HttpResponse<String> ask = ada.get("/admin/bundles/rollback");
    assertTrue(ask.body().contains("Roll back to " + idA + "?"), ask.body());
    HttpResponse<String> back = ada.postForm("/admin/bundles/rollback", "");
    assertEquals(303, back.statusCode(), back.body());
    assertEquals("/admin/bundles?done=rolled-back", back.headers().firstValue("Location").get());
    Activation r = latest();
    assertEquals(idA, r.bundleId());
    assertEquals(idB, r.previousId());
    assertEquals("rollback", r.how());
    Await.until("back on " + idA, () -> idA.equals(appliance.activeBundleId()));
    String history = ada.get("/admin/bundles").body();
    int newest = history.indexOf("<td>" + idB + "</td><td>" + idA + "</td><td>rollback</td>");
    int older = history.indexOf("<td>" + idA + "</td><td>" + idB + "</td><td>activate</td>");
    assertTrue(newest > 0 && older > newest, "history newest first: " + history);

    List<String> audit = AuditRows.of(tmp.resolve("data/index.db"), "bundle_activated");
    assertEquals(3, audit.size(), audit::toString);
    assertEquals(
        "bundle " + idB + " (was " + idA + ") by user ada (admin) from 127.0.0.1 (activate)",
        audit.get(1));
    assertEquals(
        "bundle " + idA + " (was " + idB + ") by user ada (admin) from 127.0.0.1 (rollback)",
        audit.get(2));
  }

  @Test
  void anAdminRunsAVersionInShadowAndTurnsItOffFromThePage() throws Exception {
    SignedIn ada = SignedIn.login(http, base, "ada");
    String before = ada.get("/admin/bundles").body();
    assertTrue(before.contains("<p class=\"meta\" id=\"shadow\">Off."), before);
    assertTrue(row(before, idB).contains("action=\"/admin/bundles/" + idB + "/shadow\""));
    assertFalse(row(before, idC).contains("/shadow"), "no shadow button for a refused version");

    HttpResponse<String> on = ada.postForm("/admin/bundles/" + idB + "/shadow", "");
    assertEquals(303, on.statusCode(), on.body());
    assertEquals("/admin/bundles?done=shadow", on.headers().firstValue("Location").get());
    assertEquals(idB, appliance.bundles().shadow().id());
    String page = ada.get("/admin/bundles?done=shadow").body();
    assertTrue(page.contains(idB + " runs in shadow from the next series on"), page);
    assertTrue(row(page, idB).contains(">in shadow</td>"), row(page, idB));
    assertTrue(page.contains("Turn shadow off"), page);
    assertEquals(idA, latest().bundleId(), "shadow changes no activation");

    HttpResponse<String> refused = ada.postForm("/admin/bundles/" + idC + "/shadow", "");
    assertEquals(422, refused.statusCode(), refused.body());
    assertEquals(idB, appliance.bundles().shadow().id(), "a refused shadow changes nothing");

    HttpResponse<String> off = ada.postForm("/admin/bundles/shadow/off", "");
    assertEquals(303, off.statusCode(), off.body());
    assertTrue(ada.get("/admin/bundles?done=shadow").body().contains("Shadow mode is off"));
    // The running appliance takes the choice up within a second, as it does a switch.
    Await.until("shadow mode off", () -> appliance.bundles().shadow() == null);
    List<String> audit = AuditRows.of(tmp.resolve("data/index.db"), "bundle_shadow");
    assertEquals(2, audit.size(), audit::toString);
    assertTrue(audit.getFirst().contains("user ada (admin)"), audit::toString);

    HttpResponse<String> clinician =
        SignedIn.login(http, base, "carl").postForm("/admin/bundles/shadow/off", "");
    assertEquals(403, clinician.statusCode());
  }

  @Test
  void refusalsAnswerOnThePageAndChangeNothing() throws Exception {
    SignedIn ada = SignedIn.login(http, base, "ada");
    long before = latest().seq();

    HttpResponse<String> unsigned = ada.postForm("/admin/bundles/" + idC + "/activate", "");
    assertEquals(422, unsigned.statusCode(), unsigned.body());
    assertTrue(unsigned.body().contains("id=\"problem\">Not done: "), unsigned.body());
    assertTrue(unsigned.body().contains("[UNSIGNED]"), unsigned.body());
    HttpResponse<String> confirmUnsigned = ada.get("/admin/bundles/" + idC + "/activate");
    assertEquals(422, confirmUnsigned.statusCode(), confirmUnsigned.body());
    assertFalse(confirmUnsigned.body().contains("id=\"confirm\""), "no form to confirm");

    HttpResponse<String> missing = ada.postForm("/admin/bundles/nope-0123456789ab/activate", "");
    assertEquals(404, missing.statusCode(), missing.body());
    assertTrue(
        missing.body().contains("no version &#39;nope-0123456789ab&#39; is installed"),
        missing.body());

    HttpResponse<String> nothingBefore = ada.postForm("/admin/bundles/rollback", "");
    assertEquals(422, nothingBefore.statusCode(), nothingBefore.body());
    assertTrue(nothingBefore.body().contains("nothing to roll back"), nothingBefore.body());

    HttpResponse<String> noToken =
        ada.sendForm("/admin/bundles/" + idB + "/activate", "", null, "null");
    assertEquals(403, noToken.statusCode(), noToken.body());
    assertTrue(noToken.body().contains("CSRF token"), noToken.body());
    HttpResponse<String> crossSite =
        ada.sendForm("/admin/bundles/" + idB + "/activate", "", ada.csrf(), "http://evil.example");
    assertEquals(403, crossSite.statusCode(), crossSite.body());
    assertTrue(crossSite.body().contains("cross-site"), crossSite.body());

    SignedIn carl = SignedIn.login(http, base, "carl");
    HttpResponse<String> clinician = carl.postForm("/admin/bundles/" + idB + "/activate", "");
    assertEquals(403, clinician.statusCode(), clinician.body());
    assertEquals(403, carl.get("/admin/bundles").statusCode());
    assertFalse(carl.get("/").body().contains("href=\"/admin/bundles\""), "no link for carl");

    String token = Credentials.writeToken(appliance.index());
    HttpResponse<String> byToken =
        http.send(
            Credentials.bearer(
                    HttpRequest.newBuilder(
                        URI.create(base + "/admin/bundles/" + idB + "/activate")),
                    token)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, byToken.statusCode(), "no token switches the model: " + byToken.body());

    assertEquals(before, latest().seq(), "no activation was written");
    assertEquals(idA, latest().bundleId());
    assertEquals(idA, appliance.activeBundleId());
    assertEquals(1, AuditRows.of(tmp.resolve("data/index.db"), "bundle_activated").size());
  }

  private Activation latest() {
    return appliance.index().bundleActivations().latest().orElseThrow();
  }

  /** The installed-versions row of {@code id}. */
  private static String row(String html, String id) {
    int start = html.indexOf("<tr id=\"bundle-" + id + "\">");
    assertTrue(start >= 0, id + " listed: " + html);
    return html.substring(start, html.indexOf("</tr>", start));
  }
}
