package io.cordwatch.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.logging.Logger;

/**
 * The model bundle routes, for admins only ({@link RoutePolicy.Need#ADMIN}): {@code GET
 * /api/v1/bundles} lists the installed versions and the active one, {@code POST
 * /api/v1/bundles/active} with {@code {"id": "..."}} switches to an installed version and {@code
 * POST /api/v1/bundles/rollback} returns to the one active before; {@code POST
 * /api/v1/bundles/shadow} with {@code {"id": "..."}} runs an installed version in shadow beside the
 * active one (its findings stored, never published), {@code {"id": null}} turns shadow off. A
 * switch or shadow choice is written as an activation in the index with its audit row naming the
 * admin; the running appliance takes it up between jobs, so the reply means "recorded", and {@code
 * GET /api/v1/bundles} (or the status page) shows when the new version grades.
 */
final class BundleApi implements HttpService {
  private static final Logger LOG = Logger.getLogger(BundleApi.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebContext ctx;

  BundleApi(WebContext ctx) {
    this.ctx = ctx;
  }

  /** The reply of {@code GET /api/v1/bundles}. */
  record BundlesView(
      ActiveModel active, ShadowModel shadow, List<BundleControl.Installed> installed) {}

  @Override
  public void routing(HttpRules rules) {
    Replies.get(rules, "/bundles", this::list);
    rules.post("/bundles/active", this::activate);
    rules.any("/bundles/active", (req, res) -> Replies.methodNotAllowed(req, res, Method.POST));
    rules.post("/bundles/rollback", this::rollback);
    rules.any("/bundles/rollback", (req, res) -> Replies.methodNotAllowed(req, res, Method.POST));
    rules.post("/bundles/shadow", this::shadow);
    rules.any("/bundles/shadow", (req, res) -> Replies.methodNotAllowed(req, res, Method.POST));
  }

  private BundleControl control() {
    if (ctx.bundles() == null) {
      throw new WebException(WebException.Code.NOT_FOUND, "this appliance keeps no bundle store");
    }
    return ctx.bundles();
  }

  private void list(ServerRequest req, ServerResponse res) {
    BundleControl c = control();
    Replies.json(res, new BundlesView(ctx.model().get(), c.shadow(), c.installed()));
  }

  private void activate(ServerRequest req, ServerResponse res) throws IOException {
    BundleControl c = control();
    String id;
    try {
      JsonNode body = JSON.readTree(RequestBody.read(req));
      id = body == null ? null : body.path("id").asText(null);
    } catch (IOException e) {
      throw new WebException(WebException.Code.BAD_REQUEST, "the body must be JSON: {\"id\": ...}");
    }
    if (id == null || id.isBlank()) {
      throw new WebException(
          WebException.Code.BAD_REQUEST,
          "the body must name the installed bundle: {\"id\": \"name-0123456789ab\"} (GET"
              + " /api/v1/bundles lists them)");
    }
    String actor = ApiService.who(req) + " from " + Replies.peer(req);
    reply(res, () -> c.activate(id, actor), actor);
  }

  private void shadow(ServerRequest req, ServerResponse res) throws IOException {
    BundleControl c = control();
    JsonNode id;
    try {
      JsonNode body = JSON.readTree(RequestBody.read(req));
      id = body == null ? null : body.get("id");
    } catch (IOException e) {
      id = null;
    }
    if (id == null || !(id.isNull() || (id.isTextual() && !id.asText().isBlank()))) {
      throw new WebException(
          WebException.Code.BAD_REQUEST,
          "the body must name the installed bundle to run in shadow, {\"id\":"
              + " \"name-0123456789ab\"}, or turn shadow off, {\"id\": null} (GET /api/v1/bundles"
              + " lists them)");
    }
    String chosen = id.isNull() ? null : id.asText();
    String actor = ApiService.who(req) + " from " + Replies.peer(req);
    BundleControl.Switched s;
    try {
      s = c.shadow(chosen, actor);
    } catch (BundleControl.Refused e) {
      throw new WebException(
          e.notFound() ? WebException.Code.NOT_FOUND : WebException.Code.UNPROCESSABLE,
          e.getMessage());
    }
    if (s.changed()) {
      LOG.info(
          "bundle: shadow "
              + (s.to() == null ? "off" : s.to())
              + " (was "
              + (s.from() == null ? "off" : s.from())
              + ") by "
              + actor);
    }
    Replies.json(res, s);
  }

  private void rollback(ServerRequest req, ServerResponse res) {
    BundleControl c = control();
    String actor = ApiService.who(req) + " from " + Replies.peer(req);
    reply(res, () -> c.rollback(actor), actor);
  }

  private void reply(
      ServerResponse res, java.util.function.Supplier<BundleControl.Switched> work, String actor) {
    BundleControl.Switched s;
    try {
      s = work.get();
    } catch (BundleControl.Refused e) {
      throw new WebException(
          e.notFound() ? WebException.Code.NOT_FOUND : WebException.Code.UNPROCESSABLE,
          e.getMessage());
    }
    if (s.changed()) {
      LOG.info("bundle: " + s.to() + " activated (was " + s.from() + ") by " + actor);
    }
    Replies.json(res, s);
  }
}
