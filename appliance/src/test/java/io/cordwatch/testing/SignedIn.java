package io.cordwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser signed in to a running appliance through its login form: the session cookie and the
 * session's CSRF token (read from the status page, as the page's own forms carry it), and the
 * requests the admin and review tests make with them: a page, JSON, an API post with the token in
 * its header, and a form post with the token in its body from a given origin.
 *
 * @param http the client the test uses
 * @param base {@code http://127.0.0.1:PORT}
 * @param cookie {@code NAME=VALUE} of the session cookie
 * @param csrf the session's CSRF token (a test may put a wrong one here)
 */
public record SignedIn(HttpClient http, String base, String cookie, String csrf) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  /** Signs {@code name} in with {@link Credentials#PASSWORD}. */
  public static SignedIn login(HttpClient http, String base, String name)
      throws IOException, InterruptedException {
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "name="
                            + URLEncoder.encode(name, StandardCharsets.UTF_8)
                            + "&password="
                            + URLEncoder.encode(Credentials.PASSWORD, StandardCharsets.UTF_8)
                            + "&next=%2F"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(303, res.statusCode(), res.body());
    String set = res.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = set.substring(0, set.indexOf(';'));
    Matcher m = CSRF.matcher(new SignedIn(http, base, cookie, null).get("/").body());
    assertTrue(m.find(), "the status page carries the CSRF token");
    return new SignedIn(http, base, cookie, m.group(1));
  }

  /** The same session sending {@code token} as its CSRF token. */
  public SignedIn withCsrf(String token) {
    return new SignedIn(http, base, cookie, token);
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GET of JSON that must answer 200. */
  public JsonNode json(String path) {
    try {
      HttpResponse<String> r = get(path);
      assertEquals(200, r.statusCode(), r.body());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An API post, the token in the header: {@code {"id": ID}}, or {@code {"id": null}}. */
  public HttpResponse<String> postId(String path, String id)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Cookie", cookie)
            .header("X-CSRF-Token", csrf)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"id\":" + (id == null ? "null" : "\"" + id + "\"") + "}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** An API post without a body, the token in the header. */
  public HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Cookie", cookie)
            .header("X-CSRF-Token", csrf)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A form post as a browser sends it from this site's page, with the token. */
  public HttpResponse<String> postForm(String path, String form)
      throws IOException, InterruptedException {
    return sendForm(path, form, csrf, "null");
  }

  /** A form post with {@code token} (none when null) from {@code origin}. */
  public HttpResponse<String> sendForm(String path, String form, String token, String origin)
      throws IOException, InterruptedException {
    String body =
        token == null
            ? form
            : "csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&" + form;
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", origin)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
