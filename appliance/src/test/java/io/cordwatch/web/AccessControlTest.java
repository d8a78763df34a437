package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.auth.Role;
import io.cordwatch.auth.Scope;
import io.cordwatch.testing.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may see and change what, over real HTTP against a started web stage and a real index: every
 * PHI route refuses anonymous callers, tokens act within their scope, roles within theirs, browser
 * changes need the CSRF token, logins are throttled, and every answer carries the hardening
 * headers.
 */
class AccessControlTest {
  private static final String STUDY = "1.2.826.0.1.3680043.10.7.1";
  private static final String DESCRIPTION = "DOE^JANE T2 AX";
  private static final String FACTS = "{\"rows\":256,\"columns\":320,\"frames\":1}";

  @TempDir Path dir;
  private TestAppliance app;
  private String sop;

  @BeforeEach
  void start() {
    app = new TestAppliance(dir);
    sop = app.receive(STUDY, STUDY + ".1", 1_000, DESCRIPTION, FACTS);
    app.complete(STUDY + ".1", true);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  /** The routes that carry PHI, with the method that reaches them. */
  private List<HttpRequest.Builder> phiRoutes() {
    String box = "[{\"sop_instance_uid\":\"" + sop + "\",\"x0\":1,\"y0\":1,\"x1\":9,\"y1\":9}]";
    return List.of(
        HttpRequest.newBuilder(app.uri("/api/v1/studies")).GET(),
        HttpRequest.newBuilder(app.uri("/api/v1/studies?state=queued")).GET(),
        HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY)).GET(),
        HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY + "/boxes")).GET(),
        HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY + "/boxes"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(box)),
        HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY + "/boxes"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("[]")),
        HttpRequest.newBuilder(app.uri("/api/v1/no-such-route")).GET(),
        HttpRequest.newBuilder(app.uri("/studies")).DELETE(),
        HttpRequest.newBuilder(app.uri("/api/v1/worklist")).GET(),
        HttpRequest.newBuilder(app.uri("/api/v1/reviews.csv")).GET(),
        HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY + "/reviews")).GET(),
        HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY + "/key-images/" + sop + ".png"))
            .GET(),
        HttpRequest.newBuilder(app.uri("/studies/" + STUDY + "/reviews"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("decision=correct&grade=0")),
        HttpRequest.newBuilder(app.uri("/admin/users"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "name=mallory&role=admin&password=" + enc(Credentials.PASSWORD))),
        HttpRequest.newBuilder(app.uri("/admin/users/root/disable"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.noBody()),
        HttpRequest.newBuilder(app.uri("/admin/users/root/password"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("password=" + enc("stolen passphrase 1"))),
        HttpRequest.newBuilder(app.uri("/admin/bundles/other-0123456789ab/activate"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.noBody()),
        HttpRequest.newBuilder(app.uri("/admin/bundles/rollback"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** The admin's pages: no PHI, but who may sign in; a browser without a login signs in first. */
  private static final List<String> ADMIN_PAGES =
      List.of(
          "/admin",
          "/admin/users",
          "/admin/bundles",
          "/admin/bundles/rollback",
          "/admin/bundles/other-0123456789ab/activate");

  /** The clinicians' pages, which carry PHI: a browser without a login is sent to sign in. */
  private List<String> resultsPages() {
    return List.of(
        "/studies",
        "/studies/" + STUDY,
        "/studies/" + STUDY + "/slices/" + sop + ".png",
        "/studies/" + STUDY + "/slices/" + sop + ".png?frame=1");
  }

  @Test
  void withoutALoginTheResultsPagesSendTheBrowserToSignInAndShowNothing() {
    for (String path : resultsPages()) {
      HttpResponse<String> res = app.getAnonymous(path);
      assertEquals(303, res.statusCode(), path + ": " + res.body());
      assertTrue(
          res.headers().firstValue("Location").orElse("").startsWith("/login?next=%2Fstudies"),
          path);
      assertFalse(res.body().contains(STUDY), path);
      assertFalse(res.body().contains("DOE"), path);
    }
    assertEquals(List.of(), app.index.reviewsOfStudy(STUDY), "nothing was recorded");
    Credentials.user(app.index, "root", Role.ADMIN);
    for (String path : ADMIN_PAGES) {
      HttpResponse<String> res = app.getAnonymous(path);
      assertEquals(303, res.statusCode(), path + ": " + res.body());
      assertEquals(
          "/login?next=" + enc(path), res.headers().firstValue("Location").orElse(""), path);
      assertFalse(res.body().contains("root"), path);
    }
  }

  @Test
  void withoutCredentialsNoRouteShowsPhiOrChangesAnything() {
    for (HttpRequest.Builder b : phiRoutes()) {
      HttpRequest request = b.build();
      HttpResponse<String> res = app.send(request);
      String what = request.method() + " " + request.uri();
      assertEquals(401, res.statusCode(), what + ": " + res.body());
      assertEquals(
          "Bearer realm=\"cordwatch\"",
          res.headers().firstValue("WWW-Authenticate").orElse(""),
          what);
      JsonNode error = TestAppliance.json(res).path("error");
      assertEquals("unauthorized", error.path("code").asText(), what);
      assertTrue(
          error.path("message").asText().contains("Authorization: Bearer TOKEN"),
          what + ": the answer names what is missing: " + res.body());
      assertFalse(res.body().contains(STUDY + "."), what);
      assertFalse(res.body().contains("DOE"), what);
    }
    assertEquals(0, app.index.boxesOfStudy(STUDY).size(), "nothing was changed");
    assertEquals(List.of(), app.index.accounts().users(), "no user added or changed");
  }

  @Test
  void probesMetricsAndTheStatusPageStayOpenAndCarryNoPhi() {
    for (String path :
        List.of(
            "/", "/api/v1/status", "/observe/health", "/observe/health/live", "/observe/metrics")) {
      HttpResponse<String> res = app.getAnonymous(path);
      assertTrue(res.statusCode() == 200 || res.statusCode() == 503, path + " " + res.statusCode());
      assertFalse(res.body().contains(STUDY), path + " shows no study UID");
      assertFalse(res.body().contains(STUDY + ".1"), path + " shows no series UID");
      assertFalse(res.body().contains(sop), path + " shows no SOP Instance UID");
      assertFalse(res.body().contains("DOE"), path + " shows no series description");
    }
    String page = app.getAnonymous("/").body();
    assertTrue(page.contains("install/cordwatch user add NAME --role admin"), page);
    assertTrue(page.contains("href=\"/login\""), page);
  }

  @Test
  void aReadTokenReadsResultsButMayNotChangeThem() {
    String read = Credentials.token(app.index, "viewer", Scope.READ);

    HttpResponse<String> study =
        app.send(
            Credentials.bearer(HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY)), read)
                .GET()
                .build());
    assertEquals(200, study.statusCode(), study.body());
    assertTrue(study.body().contains(DESCRIPTION), "clients with a token see the results");
    assertEquals("no-store", study.headers().firstValue("Cache-Control").orElse(""));

    HttpResponse<String> put =
        app.send(
            Credentials.bearer(
                    HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY + "/boxes")), read)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("[]"))
                .build());
    assertEquals(403, put.statusCode(), put.body());
    assertTrue(message(put).contains("token viewer (read) may not change results"), put.body());

    HttpResponse<String> wrong =
        app.send(
            Credentials.bearer(HttpRequest.newBuilder(app.uri("/api/v1/studies")), read + "x")
                .GET()
                .build());
    assertEquals(401, wrong.statusCode());
    assertTrue(message(wrong).contains("not valid here"), wrong.body());
    HttpResponse<String> basic =
        app.send(
            HttpRequest.newBuilder(app.uri("/api/v1/studies"))
                .header("Authorization", "Basic YWxpY2U6cHc=")
                .GET()
                .build());
    assertEquals(401, basic.statusCode());
    assertTrue(message(basic).contains("must be 'Bearer TOKEN'"), basic.body());
  }

  @Test
  void facilitiesStaffSeeTheStatusPageButNoResults() {
    Credentials.user(app.index, "facility", Role.FACILITIES);
    Browser b = login("facility");

    HttpResponse<String> page = b.get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("Signed in as facility (facilities)"), page.body());
    assertFalse(page.body().contains("DOE"), page.body());
    HttpResponse<String> studies = b.get("/api/v1/studies");
    assertEquals(403, studies.statusCode(), studies.body());
    assertTrue(message(studies).contains("needs the clinician or admin role"), studies.body());
    assertFalse(studies.body().contains(STUDY));
  }

  @Test
  void aClinicianChangesBoxesInTheBrowserOnlyWithTheCsrfToken() {
    Credentials.user(app.index, "alice", Role.CLINICIAN);
    Browser b = login("alice");
    assertEquals(200, b.get("/api/v1/studies/" + STUDY).statusCode());
    String box = "[{\"sop_instance_uid\":\"" + sop + "\",\"x0\":1,\"y0\":1,\"x1\":9,\"y1\":9}]";

    HttpResponse<String> without = b.putBoxes(box, null);
    assertEquals(403, without.statusCode(), without.body());
    assertTrue(message(without).contains("CSRF token"), without.body());
    HttpResponse<String> forged = b.putBoxes(box, "forged");
    assertEquals(403, forged.statusCode());
    assertEquals(0, app.index.boxesOfStudy(STUDY).size(), "refused changes change nothing");

    HttpResponse<String> with = b.putBoxes(box, b.csrf());
    assertEquals(200, with.statusCode(), with.body());
    assertEquals(1, app.index.boxesOfStudy(STUDY).size());
    assertTrue(
        audit().stream()
            .anyMatch(a -> a.startsWith("boxes_replaced") && a.contains("user alice (clinician)")),
        audit().toString());

    HttpResponse<String> logout = b.post("/logout", "csrf=" + b.csrf());
    assertEquals(303, logout.statusCode());
    assertTrue(logout.headers().firstValue("Set-Cookie").orElse("").contains("Max-Age=0"));
    assertEquals(401, b.get("/api/v1/studies").statusCode(), "the old cookie is dead");
  }

  @Test
  void theSessionCookieIsHttpOnlyStrictAndLivesNoLongerThanTheSession() {
    Credentials.user(app.index, "alice", Role.ADMIN);
    HttpResponse<String> res = postLogin("alice", Credentials.PASSWORD, "/api/v1/studies");

    assertEquals(303, res.statusCode(), res.body());
    assertEquals("/api/v1/studies", res.headers().firstValue("Location").orElse(""));
    String cookie = res.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.matches("cordwatch_session=[A-Za-z0-9_-]{43}; .*"), cookie);
    assertTrue(cookie.contains("; Path=/"), cookie);
    assertTrue(cookie.contains("; HttpOnly"), cookie);
    assertTrue(cookie.contains("; SameSite=Strict"), cookie);
    assertTrue(cookie.contains("; Max-Age=43200"), cookie);
    assertFalse(cookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back");
    assertEquals(
        "/",
        postLogin("alice", Credentials.PASSWORD, "//evil.example/")
            .headers()
            .firstValue("Location")
            .orElse(""),
        "no open redirect");
  }

  @Test
  void repeatedFailedLoginsAreRefusedWith429AndLoggedWithoutThePassword() {
    Credentials.user(app.index, "alice", Role.CLINICIAN);
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> res = postLogin("alice", "guess number " + i, "/");
      assertEquals(401, res.statusCode());
      assertTrue(res.body().contains("Wrong name or password."), res.body());
      assertFalse(res.headers().firstValue("Set-Cookie").isPresent());
    }
    HttpResponse<String> blocked = postLogin("alice", Credentials.PASSWORD, "/");
    assertEquals(429, blocked.statusCode(), "even the right password waits");
    long retry = Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retry > 0 && retry <= 300, "Retry-After " + retry);
    assertFalse(blocked.headers().firstValue("Set-Cookie").isPresent());

    List<String> audit = audit();
    assertEquals(
        5,
        audit.stream().filter(a -> a.startsWith("login_failed: user alice from")).count(),
        audit.toString());
    assertTrue(audit.stream().noneMatch(a -> a.contains("guess")), audit.toString());
  }

  @Test
  void withStatusPageLoginTheBrowserIsSentToASignInPageWithoutScripts() {
    app.close();
    app = new TestAppliance(dir.resolve("login"), Map.of("status-page-login", "on"));

    HttpResponse<String> page = app.getAnonymous("/");
    assertEquals(303, page.statusCode());
    assertEquals("/login?next=%2F", page.headers().firstValue("Location").orElse(""));
    assertEquals(401, app.getAnonymous("/api/v1/status").statusCode());
    assertEquals(200, app.get("/api/v1/status").statusCode(), "a token will do");

    HttpResponse<String> login = app.getAnonymous("/login?next=%2F");
    assertEquals(200, login.statusCode());
    String html = login.body();
    assertTrue(html.contains("<form class=\"login\" method=\"post\" action=\"/login\">"), html);
    assertTrue(html.contains("type=\"password\""), html);
    assertTrue(html.contains("href=\"/static/cordwatch.css\""), html);
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("<style"), "styles come from the stylesheet (CSP)");
    assertFalse(html.contains("http://") || html.contains("https://"), "no CDN");
    assertTrue(html.contains("install/cordwatch user add NAME --role admin"), html);
    HttpResponse<String> css = app.getAnonymous("/static/cordwatch.css");
    assertEquals(200, css.statusCode());
    assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
  }

  @Test
  void everyAnswerCarriesTheHardeningHeaders() {
    List<HttpResponse<String>> answers =
        List.of(
            app.getAnonymous("/"),
            app.getAnonymous("/login"),
            app.getAnonymous("/observe/health/live"),
            app.getAnonymous("/api/v1/studies"),
            app.get("/api/v1/studies/" + STUDY),
            app.get("/nothing-here"));
    for (HttpResponse<String> res : answers) {
      String what = res.uri() + " " + res.statusCode();
      assertEquals(
          "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
          res.headers().firstValue("Content-Security-Policy").orElse(""),
          what);
      assertEquals("DENY", res.headers().firstValue("X-Frame-Options").orElse(""), what);
      assertEquals("no-referrer", res.headers().firstValue("Referrer-Policy").orElse(""), what);
      assertEquals("nosniff", res.headers().firstValue("X-Content-Type-Options").orElse(""), what);
      assertEquals("no-store", res.headers().firstValue("Cache-Control").orElse(""), what);
    }
  }

  @Test
  void aRequestForAnotherHostNameIsRefused() throws IOException {
    assertTrue(
        raw("GET /api/v1/status HTTP/1.1\r\nHost: rebind.evil.example:8080\r\n")
            .startsWith("HTTP/1.1 421"));
    String withToken =
        raw(
            "GET /api/v1/studies HTTP/1.1\r\nHost: rebind.evil.example\r\nAuthorization: Bearer "
                + app.token
                + "\r\n");
    assertTrue(withToken.startsWith("HTTP/1.1 421"), withToken);
    assertFalse(withToken.contains(STUDY), withToken);
    assertTrue(
        raw("GET /api/v1/status HTTP/1.1\r\nHost: localhost:" + app.server.port() + "\r\n")
            .startsWith("HTTP/1.1 200"));
    assertTrue(
        raw("GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n").startsWith("HTTP/1.1 200"));
    Credentials.user(app.index, "root", Role.ADMIN);
    Browser admin = login("root");
    String users =
        raw(
            "GET /admin/users HTTP/1.1\r\nHost: rebind.evil.example\r\nCookie: "
                + admin.cookie
                + "\r\n");
    assertTrue(users.startsWith("HTTP/1.1 421"), users);
    assertFalse(users.contains("<td>root</td>"), users);
    String form =
        "csrf="
            + enc(admin.csrf())
            + "&name=mallory&role=admin&password="
            + enc(Credentials.PASSWORD);
    String add =
        raw(
            "POST /admin/users HTTP/1.1\r\nHost: rebind.evil.example\r\nCookie: "
                + admin.cookie
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + form.length()
                + "\r\n\r\n"
                + form);
    assertTrue(add.startsWith("HTTP/1.1 421"), add);
    assertTrue(app.index.accounts().user("mallory").isEmpty(), "nothing added");
  }

  @Test
  void crossSiteChangesAndOversizedBodiesAreRefused() throws IOException {
    Credentials.user(app.index, "alice", Role.CLINICIAN);
    HttpResponse<String> crossSite =
        app.send(
            HttpRequest.newBuilder(app.uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://evil.example")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "name=alice&password=" + enc(Credentials.PASSWORD)))
                .build());
    assertEquals(403, crossSite.statusCode(), crossSite.body());
    assertFalse(crossSite.headers().firstValue("Set-Cookie").isPresent());

    // An admin's browser, lured to another site's page, sends the cookie (were it not SameSite)
    // and even a stolen CSRF token: the Origin alone refuses it.
    Credentials.user(app.index, "root", Role.ADMIN);
    Browser admin = login("root");
    String csrf = admin.csrf();
    for (String[] change :
        new String[][] {
          {"/admin/users", "name=mallory&role=admin&password=" + enc(Credentials.PASSWORD)},
          {"/admin/users/alice/disable", ""},
          {"/admin/users/alice/password", "password=" + enc("stolen passphrase 1")},
          {"/admin/bundles/other-0123456789ab/activate", ""},
          {"/admin/bundles/rollback", ""}
        }) {
      HttpResponse<String> res =
          app.send(
              HttpRequest.newBuilder(app.uri(change[0]))
                  .header("Cookie", admin.cookie)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Origin", "http://evil.example")
                  .POST(HttpRequest.BodyPublishers.ofString("csrf=" + enc(csrf) + "&" + change[1]))
                  .build());
      assertEquals(403, res.statusCode(), change[0] + ": " + res.body());
      assertTrue(message(res).contains("cross-site"), res.body());
    }
    assertTrue(app.index.accounts().user("mallory").isEmpty(), "nothing added");
    assertFalse(app.index.accounts().user("alice").orElseThrow().disabled(), "alice enabled");
    assertTrue(
        app.index.accounts().user("alice").orElseThrow().updatedMs()
            == app.index.accounts().user("alice").orElseThrow().createdMs(),
        "alice's password unchanged");

    // The length is declared and the body never sent: the server must refuse on the header, and
    // a client still writing a body it refused could see the connection closed before the answer.
    String big =
        raw(
            "PUT /api/v1/studies/"
                + STUDY
                + "/boxes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + app.token
                + "\r\nContent-Type: text/csv\r\nContent-Length: "
                + 3 * 1024 * 1024
                + "\r\n");
    assertTrue(big.startsWith("HTTP/1.1 413"), big);
  }

  /** A browser: the session cookie and the CSRF token the status page carries. */
  private final class Browser {
    private final String cookie;

    Browser(String cookie) {
      this.cookie = cookie;
    }

    HttpResponse<String> get(String path) {
      return app.send(HttpRequest.newBuilder(app.uri(path)).header("Cookie", cookie).GET().build());
    }

    HttpResponse<String> post(String path, String form) {
      return app.send(
          HttpRequest.newBuilder(app.uri(path))
              .header("Cookie", cookie)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Origin", "null")
              .POST(HttpRequest.BodyPublishers.ofString(form))
              .build());
    }

    HttpResponse<String> putBoxes(String json, String csrf) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(app.uri("/api/v1/studies/" + STUDY + "/boxes"))
              .header("Cookie", cookie)
              .header("Content-Type", "application/json")
              .PUT(HttpRequest.BodyPublishers.ofString(json));
      if (csrf != null) {
        b.header("X-CSRF-Token", csrf);
      }
      return app.send(b.build());
    }

    /** The CSRF token from the sign-out form of the status page. */
    String csrf() {
      Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(get("/").body());
      assertTrue(m.find(), "the status page carries the CSRF token");
      return m.group(1);
    }
  }

  private Browser login(String name) {
    HttpResponse<String> res = postLogin(name, Credentials.PASSWORD, "/");
    assertEquals(303, res.statusCode(), res.body());
    String setCookie = res.headers().firstValue("Set-Cookie").orElseThrow();
    return new Browser(setCookie.substring(0, setCookie.indexOf(';')));
  }

  private HttpResponse<String> postLogin(String name, String password, String next) {
    return app.send(
        HttpRequest.newBuilder(app.uri("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "name=" + enc(name) + "&password=" + enc(password) + "&next=" + enc(next)))
            .build());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String message(HttpResponse<String> res) {
    return TestAppliance.json(res).path("error").path("message").asText();
  }

  /**
   * Sends raw HTTP/1.1 (the JDK client will not send a Host header of our choosing); returns the
   * head and the body of the answer.
   */
  private String raw(String head) throws IOException {
    try (Socket s = new Socket("127.0.0.1", app.server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder answer = new StringBuilder();
      while (!answer.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          return answer.toString();
        }
        answer.append((char) c);
      }
      Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(answer.toString());
      int bytes = length.find() ? Integer.parseInt(length.group(1)) : 0;
      return answer + new String(in.readNBytes(bytes), StandardCharsets.UTF_8);
    }
  }

  private List<String> audit() {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("index.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT event, detail FROM audit ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getString(1) + ": " + rs.getString(2));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
