package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.auth.Role;
import io.cordwatch.testing.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web listeners with HTTPS on, over real TLS: a certificate made by openssl, a JDK HttpClient
 * that trusts only it, and openssl s_client as the peer that tries old protocol versions and
 * suites.
 */
class HttpsTest {
  @TempDir Path dir;

  @Test
  void signingInOverHttpsSetsASecureCookieAndStrictTransportSecurity() {
    TestCertificate cert = TestCertificate.rsa(dir, "server");
    try (TestAppliance app = withTls(cert, null);
        HttpClient client = HttpClient.newBuilder().sslContext(cert.trusting()).build()) {
      Credentials.user(app.index, "alice", Role.CLINICIAN);

      HttpResponse<String> login = send(client, loginForm(https(app, "/login"), "alice"));
      assertEquals(303, login.statusCode(), login.body());
      String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(setCookie.startsWith(Guard.COOKIE + "="), setCookie);
      assertTrue(setCookie.contains("; Secure"), setCookie);
      assertTrue(setCookie.contains("HttpOnly"), setCookie);
      assertEquals(
          "max-age=31536000", login.headers().firstValue("Strict-Transport-Security").orElse(""));

      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      HttpResponse<String> studies =
          send(client, HttpRequest.newBuilder(https(app, "/studies")).header("Cookie", cookie));
      assertEquals(200, studies.statusCode(), studies.body());
      assertEquals(
          "max-age=31536000", studies.headers().firstValue("Strict-Transport-Security").orElse(""));
    }
  }

  @Test
  void plainHttpSendsPagesToHttpsAndTakesNoCredential() {
    TestCertificate cert = TestCertificate.rsa(dir, "server");
    try (TestAppliance app = withTls(cert, null);
        HttpClient plain = HttpClient.newHttpClient()) {
      HttpResponse<String> page =
          send(plain, HttpRequest.newBuilder(app.uri("/studies?state=graded")));
      assertEquals(301, page.statusCode());
      assertEquals(
          "https://127.0.0.1:" + app.server.httpsPort() + "/studies?state=graded",
          page.headers().firstValue("Location").orElse(""));
      assertTrue(page.headers().firstValue("Strict-Transport-Security").isEmpty());

      // redirect is the default with a certificate: even the probes move
      assertEquals(
          301, send(plain, HttpRequest.newBuilder(app.uri("/observe/health"))).statusCode());

      HttpResponse<String> token = app.get("/api/v1/studies");
      assertEquals(403, token.statusCode());
      assertTrue(token.body().contains("revoke it"), token.body());
      assertTrue(token.body().contains("https://127.0.0.1:" + app.server.httpsPort()));

      HttpResponse<String> password = send(plain, loginForm(app.uri("/login"), "alice"));
      assertEquals(403, password.statusCode(), password.body());
      assertTrue(password.body().contains("only over HTTPS"), password.body());
    }
  }

  @Test
  void aSessionCookieSentOverPlainHttpEndsTheSession() {
    TestCertificate cert = TestCertificate.rsa(dir, "server");
    try (TestAppliance app = withTls(cert, null);
        HttpClient client = HttpClient.newBuilder().sslContext(cert.trusting()).build()) {
      Credentials.user(app.index, "alice", Role.CLINICIAN);
      String setCookie =
          send(client, loginForm(https(app, "/login"), "alice"))
              .headers()
              .firstValue("Set-Cookie")
              .orElseThrow();
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      HttpRequest.Builder overHttps =
          HttpRequest.newBuilder(https(app, "/studies")).header("Cookie", cookie);
      assertEquals(200, send(client, overHttps).statusCode());

      HttpResponse<String> leaked =
          send(client, HttpRequest.newBuilder(app.uri("/studies")).header("Cookie", cookie));
      assertEquals(301, leaked.statusCode());
      assertTrue(
          leaked.headers().firstValue("Set-Cookie").orElse("").contains("Max-Age=0"),
          leaked.headers().map().toString());

      HttpResponse<String> after = send(client, overHttps);
      assertEquals(303, after.statusCode(), "the leaked session no longer opens results");
      assertTrue(after.headers().firstValue("Location").orElse("").startsWith("/login"));
    }
  }

  @Test
  void serveModeKeepsTheStatusPageOnPlainHttpButNotSignIns() {
    TestCertificate cert = TestCertificate.rsa(dir, "server");
    try (TestAppliance app = withTls(cert, "serve");
        HttpClient plain = HttpClient.newHttpClient();
        HttpClient client = HttpClient.newBuilder().sslContext(cert.trusting()).build()) {
      assertEquals(200, send(plain, HttpRequest.newBuilder(app.uri("/"))).statusCode());
      assertEquals(
          200, send(plain, HttpRequest.newBuilder(app.uri("/observe/health/live"))).statusCode());
      assertEquals(301, send(plain, HttpRequest.newBuilder(app.uri("/login"))).statusCode());
      assertEquals(301, send(plain, HttpRequest.newBuilder(app.uri("/studies"))).statusCode());
      assertEquals(403, app.get("/api/v1/status").statusCode(), "a token is refused even here");

      // No HSTS: it would send browsers to https on the HTTP port and lose the wall screen.
      HttpResponse<String> overHttps = send(client, HttpRequest.newBuilder(https(app, "/")));
      assertEquals(200, overHttps.statusCode());
      assertTrue(overHttps.headers().firstValue("Strict-Transport-Security").isEmpty());
    }
  }

  @Test
  void httpModeOffOpensNoPlainListener() {
    TestCertificate cert = TestCertificate.ec(dir, "server");
    try (TestAppliance app = withTls(cert, "off");
        HttpClient client = HttpClient.newBuilder().sslContext(cert.trusting()).build()) {
      assertEquals(-1, app.server.port());
      HttpResponse<String> status = send(client, HttpRequest.newBuilder(https(app, "/")));
      assertEquals(200, status.statusCode());
    }
  }

  @Test
  void withoutACertificateThereIsNoHttpsListener() {
    try (TestAppliance app = new TestAppliance(dir)) {
      assertEquals(-1, app.server.httpsPort());
      assertEquals(200, app.getAnonymous("/").statusCode());
    }
  }

  @Test
  void onlyTls12AndTls13WithForwardSecretAeadSuitesAreNegotiated() {
    TestCertificate cert = TestCertificate.rsa(dir, "server");
    try (TestAppliance app = withTls(cert, null)) {
      String at = "127.0.0.1:" + app.server.httpsPort();

      TestCertificate.Result best = sClient(at);
      assertEquals(0, best.exitCode(), best.output());
      assertTrue(best.output().contains("Protocol version: TLSv1.3"), best.output());

      TestCertificate.Result tls12 = sClient(at, "-tls1_2");
      assertEquals(0, tls12.exitCode(), tls12.output());
      assertTrue(tls12.output().contains("Protocol version: TLSv1.2"), tls12.output());
      assertTrue(
          tls12.output().contains("Ciphersuite: ECDHE-RSA-AES256-GCM-SHA384"), tls12.output());

      // The client offers TLS 1.1 (allowed on its side at security level 0); the server answers
      // with a protocol_version alert.
      TestCertificate.Result tls11 = sClient(at, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
      assertNotEquals(0, tls11.exitCode(), tls11.output());
      assertTrue(tls11.output().contains("alert protocol version"), tls11.output());

      // A CBC suite the JDK enables by default (TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256).
      TestCertificate.Result cbc = sClient(at, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256");
      assertNotEquals(0, cbc.exitCode(), cbc.output());
      assertFalse(cbc.output().contains("CONNECTION ESTABLISHED"), cbc.output());
      assertTrue(cbc.output().contains("alert handshake failure"), cbc.output());
    }
  }

  private static TestCertificate.Result sClient(String at, String... args) {
    List<String> cmd =
        new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", at, "-brief"));
    cmd.addAll(List.of(args));
    return TestCertificate.run(cmd, "");
  }

  private TestAppliance withTls(TestCertificate cert, String mode) {
    Map<String, String> settings = new HashMap<>();
    settings.put("https-port", "0");
    settings.put("tls-cert", cert.cert().toString());
    settings.put("tls-key", cert.key().toString());
    if (mode != null) {
      settings.put("http-mode", mode);
    }
    return new TestAppliance(dir, settings);
  }

  private static URI https(TestAppliance app, String path) {
    return URI.create("https://127.0.0.1:" + app.server.httpsPort() + path);
  }

  private static HttpRequest.Builder loginForm(URI uri, String name) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "name="
                    + name
                    + "&password="
                    + URLEncoder.encode(Credentials.PASSWORD, StandardCharsets.UTF_8)
                    + "&next=%2F"));
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
