package io.cordwatch.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.store.StoreException;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How every route writes its answer. JSON goes through the one results mapper ({@link VerdictJson}:
 * snake_case with nulls written out), so a field a client reads is always present, null or not, and
 * a verdict reads the same here as in the store and the CLI; errors share one shape so a client
 * needs one parser for every failure.
 */
final class Replies {
  private static final Logger LOG = Logger.getLogger(Replies.class.getName());

  static final ObjectWriter JSON = VerdictJson.writer();

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private Replies() {}

  /**
   * Routes GET on {@code path} to {@code handler} and every other method to a 405, so a client that
   * uses the wrong verb learns that the path exists rather than seeing a misleading 404.
   */
  static void get(HttpRules rules, String path, Handler handler) {
    rules.get(path, handler);
    rules.any(path, (req, res) -> methodNotAllowed(req, res, Method.GET));
  }

  /** Routes GET and PUT on {@code path} and every other method to a 405 naming both. */
  static void getAndPut(HttpRules rules, String path, Handler get, Handler put) {
    rules.get(path, get);
    rules.put(path, put);
    rules.any(path, (req, res) -> methodNotAllowed(req, res, Method.GET, Method.PUT));
  }

  /** The caller's address, for log lines and audit rows. */
  static String peer(ServerRequest req) {
    java.net.SocketAddress a = req.remotePeer().address();
    return a instanceof java.net.InetSocketAddress i && i.getAddress() != null
        ? i.getAddress().getHostAddress()
        : String.valueOf(a);
  }

  static void json(ServerResponse res, Status status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + body.getClass(), e);
    }
    res.status(status);
    res.headers().contentType(MediaTypes.APPLICATION_JSON);
    live(res);
    res.send(bytes);
  }

  static void json(ServerResponse res, Object body) {
    json(res, Status.OK_200, body);
  }

  static void text(ServerResponse res, Status status, String contentType, String body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, contentType);
    live(res);
    res.send(body.getBytes(StandardCharsets.UTF_8));
  }

  /** Everything served here describes the appliance now; a cached copy would mislead. */
  private static void live(ServerResponse res) {
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
  }

  static void error(ServerResponse res, WebException e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", e.code().wireName());
    error.put("message", e.getMessage());
    json(res, Status.create(e.code().httpStatus()), Map.of("error", error));
  }

  static void notFound(ServerRequest req, ServerResponse res) {
    error(
        res,
        new WebException(
            WebException.Code.NOT_FOUND,
            "nothing at "
                + req.path().path()
                + " (the API is under /api/v1, health under /observe)"));
  }

  static void methodNotAllowed(ServerRequest req, ServerResponse res, Method... allowed) {
    String names =
        java.util.Arrays.stream(allowed)
            .map(Method::text)
            .collect(java.util.stream.Collectors.joining(", "));
    res.header(HeaderNames.ALLOW, names);
    error(
        res,
        new WebException(
            WebException.Code.METHOD_NOT_ALLOWED,
            req.prologue().method().text()
                + " is not allowed on "
                + req.path().path()
                + "; use "
                + names.replace(", ", " or ")));
  }

  /**
   * The last word on any exception a route throws: a JSON error with the right status. Faults are
   * logged here with their cause, and the client gets a sentence without internals (SQL, file
   * paths) that would mean nothing to it; the server thread survives to take the next request.
   */
  static void failed(ServerRequest req, ServerResponse res, Exception e) {
    WebException answer =
        switch (e) {
          case WebException w -> w;
          case HttpException h -> fromHelidon(h);
          case StoreException s -> {
            LOG.log(Level.SEVERE, "index read failed for " + req.path().path(), s);
            yield new WebException(
                WebException.Code.INDEX_UNAVAILABLE,
                "the index could not be read; see the appliance log");
          }
          default -> {
            LOG.log(Level.SEVERE, "unexpected failure serving " + req.path().path(), e);
            yield new WebException(
                WebException.Code.INTERNAL_ERROR,
                "unexpected error in the appliance; see the appliance log");
          }
        };
    if (res.isSent()) {
      LOG.log(Level.WARNING, "response already sent when " + req.path().path() + " failed", e);
      return;
    }
    error(res, answer);
  }

  private static WebException fromHelidon(HttpException h) {
    int status = h.status().code();
    WebException.Code code =
        switch (status) {
          case 404 -> WebException.Code.NOT_FOUND;
          case 405 -> WebException.Code.METHOD_NOT_ALLOWED;
          default ->
              status >= 400 && status < 500
                  ? WebException.Code.BAD_REQUEST
                  : WebException.Code.INTERNAL_ERROR;
        };
    if (code == WebException.Code.INTERNAL_ERROR) {
      LOG.log(Level.SEVERE, "server error", h);
    }
    return new WebException(code, h.getMessage());
  }
}
