package io.cordwatch.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seeds of the HTTP target: one well-formed request to each kind of route the appliance serves
 * (probes, status, the JSON API, the results pages, the login, the admin pages, the model bundle
 * routes, the event stream), with and without credentials, the write routes with a JSON or form
 * body. Credentials and the stored study appear as placeholders ({@link #TOKEN}, {@link #COOKIE},
 * {@link #CSRF}, {@link #STUDY}, {@link #SOP}) that {@link #bind} fills in just before sending, so
 * that seeds kept as files (the Jazzer inputs) carry no secret and no UID of a real run.
 */
final class HttpRequests {
  static final String TOKEN = "@TOKEN@";
  static final String COOKIE = "@COOKIE@";
  static final String CSRF = "@CSRF@";
  static final String STUDY = "@STUDY@";
  static final String SOP = "@SOP@";

  private HttpRequests() {}

  /**
   * A request before rendering; its parts are what the mutator works on.
   *
   * @param route a short name of the route, for findings
   * @param headers name and value pairs, in order (duplicates allowed)
   * @param contentLength whether {@link #render} adds a Content-Length matching the body
   */
  record Request(
      String route,
      String method,
      String target,
      String version,
      List<String[]> headers,
      byte[] body,
      boolean contentLength) {
    Request {
      headers = List.copyOf(headers);
    }

    Request with(String method, String target, String version) {
      return new Request(route, method, target, version, headers, body, contentLength);
    }

    Request withHeaders(List<String[]> h, boolean length) {
      return new Request(route, method, target, version, h, body, length);
    }

    Request withBody(byte[] b) {
      return new Request(route, method, target, version, headers, b, contentLength);
    }

    /** The request as bytes on the wire (placeholders still in). */
    byte[] render() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(latin1(method + " " + target + (version.isEmpty() ? "" : " " + version)));
      out.writeBytes(latin1("\r\n"));
      for (String[] h : headers) {
        out.writeBytes(latin1(h[0] + ": " + h[1] + "\r\n"));
      }
      if (contentLength) {
        out.writeBytes(latin1("Content-Length: " + body.length + "\r\n"));
      }
      out.writeBytes(latin1("\r\n"));
      out.writeBytes(body);
      return out.toByteArray();
    }
  }

  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The seed requests. */
  static List<Request> seeds() {
    List<Request> out = new ArrayList<>();
    String sp = "/studies/" + STUDY;
    out.add(get("health", "/observe/health", Who.ANON));
    out.add(get("metrics", "/observe/metrics", Who.ANON));
    out.add(get("status-page", "/", Who.ANON));
    out.add(get("status-api", "/api/v1/status", Who.ANON));
    out.add(get("status-events", "/api/v1/status/events", Who.ANON));
    out.add(get("studies-api", "/api/v1/studies?limit=10&state=graded", Who.TOKEN));
    out.add(get("studies-api", "/api/v1/studies", Who.ANON));
    out.add(get("study-api", "/api/v1" + sp, Who.TOKEN));
    out.add(get("study-api", "/api/v1" + sp, Who.COOKIE));
    out.add(get("study-api", "/api/v1" + sp, Who.ANON));
    out.add(get("boxes-api", "/api/v1" + sp + "/boxes", Who.TOKEN));
    out.add(
        body(
            "boxes-api",
            "PUT",
            "/api/v1" + sp + "/boxes",
            Who.COOKIE,
            "application/json",
            "[{\"sop_instance_uid\": \""
                + SOP
                + "\", \"frame\": 1, \"x0\": 10, \"y0\": 12, \"x1\": 30, \"y1\": 40}]"));
    out.add(
        body(
            "boxes-api",
            "PUT",
            "/api/v1" + sp + "/boxes",
            Who.TOKEN,
            "text/csv",
            "filename,width,height,class,xmin,ymin,xmax,ymax\n"));
    out.add(get("worklist-api", "/api/v1/worklist", Who.TOKEN));
    out.add(get("reviews-csv", "/api/v1/reviews.csv", Who.COOKIE));
    out.add(get("reviews-api", "/api/v1" + sp + "/reviews", Who.TOKEN));
    out.add(get("key-image", "/api/v1" + sp + "/key-images/1.png", Who.TOKEN));
    out.add(get("worklist-page", "/studies", Who.COOKIE));
    out.add(get("study-page", sp, Who.COOKIE));
    out.add(get("slice", sp + "/slices/" + SOP + "?frame=1", Who.COOKIE));
    out.add(
        body(
            "review",
            "POST",
            sp + "/reviews",
            Who.COOKIE,
            "application/x-www-form-urlencoded",
            "csrf=" + CSRF + "&decision=confirm&sop=" + SOP + "&frame=1&grade=2"));
    out.add(get("login-page", "/login?next=%2Fstudies", Who.ANON));
    out.add(
        body(
            "login",
            "POST",
            "/login",
            Who.ANON,
            "application/x-www-form-urlencoded",
            "name=nobody&password=wrong&next=%2F"));
    out.add(body("logout", "POST", "/logout", Who.COOKIE, "application/x-www-form-urlencoded", ""));
    out.add(get("admin", "/admin/users", Who.COOKIE));
    out.add(
        body(
            "admin",
            "POST",
            "/admin/users",
            Who.COOKIE,
            "application/x-www-form-urlencoded",
            "csrf=" + CSRF + "&name=x&role=admin&password=p"));
    out.add(get("bundles-api", "/api/v1/bundles", Who.TOKEN));
    out.add(
        body(
            "bundles-api",
            "POST",
            "/api/v1/bundles/active",
            Who.COOKIE,
            "application/json",
            "{\"id\": \"demo-1\"}"));
    out.add(get("static", "/static/cordwatch.css", Who.ANON));
    out.add(get("unknown", "/nothing/here", Who.ANON));
    return out;
  }

  /** Which credential a seed carries. */
  enum Who {
    ANON,
    TOKEN,
    COOKIE
  }

  private static List<String[]> headers(Who who) {
    List<String[]> h = new ArrayList<>();
    h.add(new String[] {"Host", "127.0.0.1"});
    h.add(new String[] {"User-Agent", "cordwatch-fuzz"});
    h.add(new String[] {"Accept", "*/*"});
    switch (who) {
      case TOKEN -> h.add(new String[] {"Authorization", "Bearer " + TOKEN});
      case COOKIE -> {
        h.add(new String[] {"Cookie", "cordwatch_session=" + COOKIE});
        h.add(new String[] {"X-CSRF-Token", CSRF});
      }
      case ANON -> {
        // no credential
      }
    }
    h.add(new String[] {"Connection", "close"});
    return h;
  }

  private static Request get(String route, String target, Who who) {
    return new Request(route, "GET", target, "HTTP/1.1", headers(who), new byte[0], false);
  }

  private static Request body(
      String route, String method, String target, Who who, String type, String body) {
    List<String[]> h = new ArrayList<>(headers(who));
    h.add(new String[] {"Content-Type", type});
    return new Request(
        route, method, target, "HTTP/1.1", h, body.getBytes(StandardCharsets.UTF_8), true);
  }

  /** {@code raw} with the placeholders replaced by {@code values} (placeholder to value). */
  static byte[] bind(byte[] raw, Map<String, String> values) {
    String s = new String(raw, StandardCharsets.ISO_8859_1);
    for (Map.Entry<String, String> e : values.entrySet()) {
      s = s.replace(e.getKey(), e.getValue());
    }
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
