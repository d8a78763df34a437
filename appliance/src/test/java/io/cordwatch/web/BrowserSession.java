package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.testing.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser signed in to a {@link TestAppliance} through the real login form: it sends the session
 * cookie, and posts forms the way a browser under {@code Referrer-Policy: no-referrer} does ({@code
 * Origin: null}).
 */
final class BrowserSession {
  private final TestAppliance app;
  private final String cookie;
  private final HttpClient client = HttpClient.newHttpClient();

  private BrowserSession(TestAppliance app, String cookie) {
    this.app = app;
    this.cookie = cookie;
  }

  /** Signs in as {@code name} with {@link Credentials#PASSWORD}. */
  static BrowserSession login(TestAppliance app, String name) {
    HttpResponse<String> res =
        app.send(
            HttpRequest.newBuilder(app.uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "name="
                            + enc(name)
                            + "&password="
                            + enc(Credentials.PASSWORD)
                            + "&next=%2F"))
                .build());
    assertEquals(303, res.statusCode(), res.body());
    String setCookie = res.headers().firstValue("Set-Cookie").orElseThrow();
    return new BrowserSession(app, setCookie.substring(0, setCookie.indexOf(';')));
  }

  HttpResponse<String> get(String path) {
    return app.send(HttpRequest.newBuilder(app.uri(path)).header("Cookie", cookie).GET().build());
  }

  HttpResponse<byte[]> getBytes(String path) {
    try {
      return client.send(
          HttpRequest.newBuilder(app.uri(path)).header("Cookie", cookie).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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

  /** The CSRF token the page at {@code path} carries (every signed-in page has one). */
  String csrf(String path) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(get(path).body());
    assertTrue(m.find(), path + " carries the CSRF token");
    return m.group(1);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
