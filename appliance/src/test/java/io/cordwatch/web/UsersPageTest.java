package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.auth.Role;
import io.cordwatch.store.Accounts.UserRow;
import io.cordwatch.testing.AuditRows;
import io.cordwatch.testing.Credentials;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin's users page over real HTTP against a started web stage and a real index: only a
 * signed-in admin opens it or changes anything, every change needs the CSRF token and lands in the
 * audit naming the admin, and the account rules (password strength, not oneself) answer on the
 * page.
 */
class UsersPageTest {
  private static final String NEW_PASSWORD = "a brand new passphrase here";

  @TempDir Path dir;
  private TestAppliance app;

  @BeforeEach
  void start() {
    app = new TestAppliance(dir);
    Credentials.user(app.index, "root", Role.ADMIN);
    Credentials.user(app.index, "pat", Role.CLINICIAN);
    Credentials.user(app.index, "facility", Role.FACILITIES);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void anAdminSeesEveryUserWithRoleStateAndLastSignIn() {
    BrowserSession.login(app, "pat");
    BrowserSession admin = BrowserSession.login(app, "root");

    HttpResponse<String> page = admin.get(UsersPage.PATH);

    assertEquals(200, page.statusCode(), page.body());
    String html = page.body();
    assertTrue(html.contains("<a href=\"/admin/users\">Users</a>"), "the top bar links it");
    assertTrue(
        html.contains(
            "<tr id=\"user-pat\"><td>pat</td><td>clinician</td><td>enabled</td><td>2026-03-02"),
        "pat signed in (the fixed clock's time): " + html);
    assertTrue(
        html.contains("<td>facility</td><td>facilities</td><td>enabled</td><td>never</td>"), html);
    assertTrue(html.contains("action=\"/admin/users/pat/disable\""), html);
    assertFalse(html.contains("action=\"/admin/users/root/disable\""), "no button to lock out");
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("pbkdf2"), "no hash on the page");
    assertEquals(
        count(html, "<form "), count(html, "name=\"csrf\""), "every form carries the token");
    HttpResponse<String> root = admin.get("/admin");
    assertEquals(200, root.statusCode(), root.body());
    assertTrue(root.body().contains("<a href=\"/admin/users\">Users</a>"), root.body());
    assertTrue(root.body().contains("<a href=\"/admin/bundles\">Model bundles</a>"), root.body());
  }

  @Test
  void anAdminAddsDisablesEnablesAndResetsAPasswordEachAudited() throws Exception {
    BrowserSession admin = BrowserSession.login(app, "root");
    String csrf = admin.csrf(UsersPage.PATH);

    HttpResponse<String> added =
        admin.post(
            UsersPage.PATH,
            "csrf="
                + BrowserSession.enc(csrf)
                + "&name=nina&role=clinician&password="
                + BrowserSession.enc(Credentials.PASSWORD));
    assertEquals(303, added.statusCode(), added.body());
    assertEquals(
        "/admin/users?done=added&user=nina#user-nina",
        added.headers().firstValue("Location").orElse(""));
    assertTrue(admin.get("/admin/users?done=added&user=nina").body().contains("User nina added."));
    assertEquals("clinician", user("nina").role());
    BrowserSession nina = BrowserSession.login(app, "nina");
    assertEquals(200, nina.get("/studies").statusCode(), "the new clinician opens the results");

    assertEquals(
        303,
        admin.post("/admin/users/nina/disable", "csrf=" + BrowserSession.enc(csrf)).statusCode());
    assertTrue(user("nina").disabled());
    assertEquals(303, nina.get("/studies").statusCode(), "nina's session ended: back to sign-in");

    assertEquals(
        303,
        admin.post("/admin/users/nina/enable", "csrf=" + BrowserSession.enc(csrf)).statusCode());
    assertFalse(user("nina").disabled());

    HttpResponse<String> reset =
        admin.post(
            "/admin/users/nina/password",
            "csrf=" + BrowserSession.enc(csrf) + "&password=" + BrowserSession.enc(NEW_PASSWORD));
    assertEquals(303, reset.statusCode(), reset.body());
    assertTrue(app.index.accounts().user("nina").isPresent());
    assertEquals(401, login("nina", Credentials.PASSWORD).statusCode(), "the old password is gone");
    assertEquals(303, login("nina", NEW_PASSWORD).statusCode(), "the new one works");

    Path db = dir.resolve("index.db");
    assertEquals(
        List.of("user nina, role clinician, by user root (admin)"),
        AuditRows.of(db, "user_added").stream().filter(d -> d.startsWith("user nina")).toList());
    assertEquals(List.of("user nina, by user root (admin)"), AuditRows.of(db, "user_disabled"));
    assertEquals(List.of("user nina, by user root (admin)"), AuditRows.of(db, "user_enabled"));
    assertEquals(
        List.of("user nina, by user root (admin)"), AuditRows.of(db, "user_password_changed"));
    assertTrue(
        AuditRows.of(db, "user_added").stream().noneMatch(d -> d.contains("horse")),
        "no password in the audit");
  }

  @Test
  void withoutTheCsrfTokenNothingChanges() {
    BrowserSession admin = BrowserSession.login(app, "root");
    String form = "name=eve&role=admin&password=" + BrowserSession.enc(Credentials.PASSWORD);

    HttpResponse<String> without = admin.post(UsersPage.PATH, form);
    HttpResponse<String> forged = admin.post(UsersPage.PATH, "csrf=forged&" + form);
    HttpResponse<String> disable = admin.post("/admin/users/pat/disable", "");

    for (HttpResponse<String> res : List.of(without, forged, disable)) {
      assertEquals(403, res.statusCode(), res.body());
      assertTrue(res.body().contains("CSRF token"), res.body());
    }
    assertTrue(app.index.accounts().user("eve").isEmpty(), "no user added");
    assertFalse(user("pat").disabled(), "pat still enabled");
  }

  @Test
  void cliniciansFacilitiesAndTokensAreRefused() {
    for (String name : List.of("pat", "facility")) {
      BrowserSession b = BrowserSession.login(app, name);
      HttpResponse<String> page = b.get(UsersPage.PATH);
      assertEquals(403, page.statusCode(), name);
      assertTrue(page.body().contains("Not for your role"), page.body());
      assertTrue(page.body().contains("needs the admin role"), page.body());
      assertFalse(page.body().contains("<td>root</td>"), "no user list");
      assertFalse(page.body().contains("href=\"/admin/users\""), "no link for " + name);
      String csrf = b.csrf("/");
      HttpResponse<String> add =
          b.post(
              UsersPage.PATH,
              "csrf="
                  + BrowserSession.enc(csrf)
                  + "&name=mallory&role=admin&password="
                  + BrowserSession.enc(Credentials.PASSWORD));
      assertEquals(403, add.statusCode(), add.body());
      HttpResponse<String> disable =
          b.post("/admin/users/root/disable", "csrf=" + BrowserSession.enc(csrf));
      assertEquals(403, disable.statusCode(), disable.body());
    }
    HttpResponse<String> token =
        app.send(
            app.authorized(UsersPage.PATH)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "name=mallory&role=admin&password="
                            + BrowserSession.enc(Credentials.PASSWORD)))
                .build());
    assertEquals(403, token.statusCode(), "a write token manages no users: " + token.body());
    assertEquals(403, app.get(UsersPage.PATH).statusCode());
    assertTrue(app.index.accounts().user("mallory").isEmpty());
    assertFalse(user("root").disabled());
  }

  @Test
  void theAccountRulesAnswerOnThePageAndChangeNothing() {
    BrowserSession admin = BrowserSession.login(app, "root");
    String csrf = BrowserSession.enc(admin.csrf(UsersPage.PATH));

    HttpResponse<String> self = admin.post("/admin/users/root/disable", "csrf=" + csrf);
    assertEquals(409, self.statusCode(), self.body());
    assertTrue(self.body().contains("you cannot disable yourself"), self.body());
    assertFalse(user("root").disabled());

    HttpResponse<String> weak =
        admin.post(UsersPage.PATH, "csrf=" + csrf + "&name=weak&role=clinician&password=short");
    assertEquals(422, weak.statusCode(), weak.body());
    assertTrue(weak.body().contains("at least 12 characters"), weak.body());
    assertFalse(weak.body().contains("short"), "the password typed is not echoed");
    assertTrue(app.index.accounts().user("weak").isEmpty());

    HttpResponse<String> taken =
        admin.post(
            UsersPage.PATH,
            "csrf="
                + csrf
                + "&name=pat&role=admin&password="
                + BrowserSession.enc(Credentials.PASSWORD));
    assertEquals(409, taken.statusCode(), taken.body());
    assertEquals("clinician", user("pat").role(), "pat keeps the role");

    HttpResponse<String> role =
        admin.post(
            UsersPage.PATH,
            "csrf="
                + csrf
                + "&name=zed&role=root&password="
                + BrowserSession.enc(Credentials.PASSWORD));
    assertEquals(400, role.statusCode(), role.body());
    assertEquals(
        404, admin.post("/admin/users/nobody/enable", "csrf=" + csrf).statusCode(), "no user");
  }

  private UserRow user(String name) {
    return app.index.accounts().user(name).orElseThrow();
  }

  private HttpResponse<String> login(String name, String password) {
    return app.send(
        HttpRequest.newBuilder(app.uri("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "name="
                        + BrowserSession.enc(name)
                        + "&password="
                        + BrowserSession.enc(password)))
            .build());
  }

  private static long count(String html, String needle) {
    return html.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
  }
}
