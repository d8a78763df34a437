package io.cordwatch.web;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The pages' stylesheet, the worklist's script and the status page's script under {@code /static},
 * from the jar. Styles and scripts live in files, not in the pages, so the Content-Security-Policy
 * can refuse every inline style and script; nothing is loaded from anywhere else.
 */
final class StaticAssets implements HttpService {
  /** The worklist's live-update script, as pages link it. */
  static final String RESULTS_SCRIPT = "/static/results.js";

  /** The status page's live-update script (server-sent events), as the page links it. */
  static final String STATUS_SCRIPT = "/static/status.js";

  private final String css = resource("cordwatch.css");
  private final String results = resource("results.js");
  private final String status = resource("status.js");

  @Override
  public void routing(HttpRules rules) {
    Replies.get(rules, "/cordwatch.css", this::css);
    Replies.get(rules, "/results.js", this::results);
    Replies.get(rules, "/status.js", this::status);
  }

  private void css(ServerRequest req, ServerResponse res) {
    Replies.text(res, Status.OK_200, "text/css; charset=utf-8", css);
  }

  private void results(ServerRequest req, ServerResponse res) {
    Replies.text(res, Status.OK_200, "text/javascript; charset=utf-8", results);
  }

  private void status(ServerRequest req, ServerResponse res) {
    Replies.text(res, Status.OK_200, "text/javascript; charset=utf-8", status);
  }

  private static String resource(String name) {
    try (InputStream in = StaticAssets.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource io/cordwatch/web/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
