package io.cordwatch.web;

import io.cordwatch.auth.Principal;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The model bundles page's posts: {@code POST /admin/bundles/{id}/activate}, {@code POST
 * /admin/bundles/rollback}, {@code POST /admin/bundles/{id}/shadow} and {@code POST
 * /admin/bundles/shadow/off}. Each calls the same {@link BundleControl} method as {@link BundleApi}
 * and {@code cordwatch bundle activate|rollback} do, with the admin who asked, so the signature
 * rules, the activation row and its audit row are the appliance's; this class only answers.
 *
 * <p>The {@link Guard} has let only a signed-in admin with the session's CSRF token through, from
 * this site. A change done answers 303 back to the page, which says what is active now; a refusal
 * (not installed: 404; refused by the signature rules or nothing to roll back to: 422) answers the
 * page again with the reason, and nothing changes.
 */
final class BundlesForm {
  private static final Logger LOG = Logger.getLogger(BundlesForm.class.getName());

  private BundlesForm() {}

  static void activate(WebContext ctx, BundlesPage page, ServerRequest req, ServerResponse res) {
    String actor = actor(req);
    String id = req.path().pathParameters().get("id");
    BundleControl bundles = ctx.bundles();
    if (bundles == null) {
      page.render(req, res, Status.NOT_FOUND_404, null, "This appliance keeps no bundle store.");
      return;
    }
    switched(page, req, res, () -> bundles.activate(id, actor), actor, "activated");
  }

  static void rollback(WebContext ctx, BundlesPage page, ServerRequest req, ServerResponse res) {
    String actor = actor(req);
    BundleControl bundles = ctx.bundles();
    if (bundles == null) {
      page.render(req, res, Status.NOT_FOUND_404, null, "This appliance keeps no bundle store.");
      return;
    }
    switched(page, req, res, () -> bundles.rollback(actor), actor, "rolled-back");
  }

  /** Runs version {@code id} in shadow, or turns shadow off ({@code id} null). */
  static void shadow(
      WebContext ctx, BundlesPage page, ServerRequest req, ServerResponse res, String id) {
    String actor = actor(req);
    BundleControl bundles = ctx.bundles();
    if (bundles == null) {
      page.render(req, res, Status.NOT_FOUND_404, null, "This appliance keeps no bundle store.");
      return;
    }
    switched(page, req, res, () -> bundles.shadow(id, actor), actor, "shadow");
  }

  /** The refusal of an id that is not installed (also for the confirmation page). */
  static String notInstalled(String id) {
    String shown = id == null ? "" : id.length() > 80 ? id.substring(0, 80) + "..." : id;
    return "Not done: no version '"
        + shown
        + "' is installed here (the list below shows the installed ones; cordwatch bundle"
        + " install on the box adds one).";
  }

  private static void switched(
      BundlesPage page,
      ServerRequest req,
      ServerResponse res,
      Supplier<BundleControl.Switched> work,
      String actor,
      String done) {
    BundleControl.Switched s;
    try {
      s = work.get();
    } catch (BundleControl.Refused e) {
      // The reason names bundle ids and key files only: no patient data, safe to log and show.
      LOG.info("bundle: a switch by " + actor + " was refused: " + e.getMessage());
      if (e.notFound()) {
        page.render(
            req,
            res,
            Status.NOT_FOUND_404,
            null,
            notInstalled(req.path().pathParameters().get("id")));
      } else {
        page.render(req, res, Status.create(422), null, "Not done: " + e.getMessage());
      }
      return;
    }
    if (s.changed()) {
      LOG.info("bundle: " + done + ": " + s.to() + " (was " + s.from() + ") by " + actor);
    }
    res.status(Status.SEE_OTHER_303);
    res.header(
        HeaderNames.LOCATION,
        BundlesPage.PATH + "?done=" + (s.changed() || done.equals("shadow") ? done : "unchanged"));
    res.send();
  }

  /** Who asks, for the audit row; only a signed-in admin (a second wall behind the Guard). */
  private static String actor(ServerRequest req) {
    Access access = ResultsPages.access(req);
    if (!access.viaSession() || !access.principal().mayAdminister()) {
      throw new WebException(
          WebException.Code.FORBIDDEN, "switching the model bundle needs an admin signed in");
    }
    Principal admin = access.principal();
    return admin.describe() + " from " + Replies.peer(req);
  }
}
