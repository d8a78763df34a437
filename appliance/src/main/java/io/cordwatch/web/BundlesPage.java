package io.cordwatch.web;

import io.cordwatch.store.BundleActivations.Activation;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The admin's model bundles page at {@code /admin/bundles}: the model grading now, the installed
 * versions (with why one would be refused now), the activation history, and the two changes an
 * admin may make from a browser: make an installed version active, or roll back to the version
 * active before. It is the web twin of {@code cordwatch bundle list|activate|rollback} and of
 * {@link BundleApi}, and holds no rule of its own: the signature rules, the activation row and its
 * audit row are {@link BundleControl}'s.
 *
 * <p>Switching changes the model that grades every study, so each change has a confirmation step
 * that names what is replaced by what: the page links to {@code GET .../{id}/activate} or {@code
 * GET .../rollback}, which only ask; the form there posts to the same path ({@link BundlesForm}).
 * Only a signed-in admin reaches any of it ({@link RoutePolicy.Need#ADMIN}: no API token), every
 * form carries the session's CSRF token, and the results come back as a line on the page after a
 * redirect (a reload repeats nothing). Plain HTML, no script; no patient data.
 */
final class BundlesPage implements HttpService {
  /** Where the page lives, as the top bar links it. */
  static final String PATH = "/admin/bundles";

  /** The rollback's confirmation page (GET) and change (POST). */
  static final String ROLLBACK = PATH + "/rollback";

  /** Where shadow mode is turned off (a version is put in shadow at {@code PATH/{id}/shadow}). */
  static final String SHADOW_OFF = PATH + "/shadow/off";

  /** How many activations the history shows, newest first. */
  static final int HISTORY = 20;

  private final WebContext ctx;

  BundlesPage(WebContext ctx) {
    this.ctx = ctx;
  }

  /** The confirmation page (GET) and change (POST) that make {@code id} active. */
  static String activatePath(String id) {
    return PATH + "/" + id + "/activate";
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(PATH, this::page);
    rules.any(PATH, (req, res) -> Replies.methodNotAllowed(req, res, Method.GET));
    rules.get(ROLLBACK, this::confirmRollback);
    rules.post(ROLLBACK, (req, res) -> BundlesForm.rollback(ctx, this, req, res));
    rules.any(ROLLBACK, (req, res) -> Replies.methodNotAllowed(req, res, Method.GET, Method.POST));
    rules.post(SHADOW_OFF, (req, res) -> BundlesForm.shadow(ctx, this, req, res, null));
    rules.any(SHADOW_OFF, (req, res) -> Replies.methodNotAllowed(req, res, Method.POST));
    rules.post(
        PATH + "/{id}/shadow",
        (req, res) ->
            BundlesForm.shadow(ctx, this, req, res, req.path().pathParameters().get("id")));
    rules.any(PATH + "/{id}/shadow", (req, res) -> Replies.methodNotAllowed(req, res, Method.POST));
    rules.get(PATH + "/{id}/activate", this::confirmActivate);
    rules.post(PATH + "/{id}/activate", (req, res) -> BundlesForm.activate(ctx, this, req, res));
    rules.any(
        PATH + "/{id}/activate",
        (req, res) -> Replies.methodNotAllowed(req, res, Method.GET, Method.POST));
  }

  private void page(ServerRequest req, ServerResponse res) {
    render(req, res, Status.OK_200, doneMessage(req), null);
  }

  /**
   * What a finished change says ({@code ?done=}). It is read from the activations as they are now,
   * not from the query, so a crafted link cannot make the page claim a switch that did not happen.
   */
  private String doneMessage(ServerRequest req) {
    String done = req.query().first("done").orElse(null);
    if (done == null || ctx.bundles() == null) {
      return null;
    }
    Optional<Activation> latest = latest();
    return switch (done) {
      case "activated", "rolled-back" ->
          latest
              .map(
                  a ->
                      ("rolled-back".equals(done) ? "Rolled back: " : "")
                          + a.bundleId()
                          + " is now the active version (was "
                          + (a.previousId() == null ? "none" : a.previousId())
                          + "), recorded "
                          + Pages.time(ctx, Instant.ofEpochMilli(a.atMs()))
                          + " by "
                          + a.actor()
                          + ". The appliance grades the next series with it.")
              .orElse(null);
      case "shadow" -> {
        // The recorded choice, not the running shadow: the appliance takes it up within a second.
        String chosen = ctx.bundles().shadowChoice();
        yield chosen == null
            ? "Shadow mode is off: no version grades beside the active one."
            : chosen
                + " runs in shadow from the next series on: its findings are stored beside the"
                + " active model's and never published (cordwatch bundle shadow-report compares"
                + " them).";
      }
      case "unchanged" ->
          latest
              .map(a -> a.bundleId() + " was already the active version; nothing changed.")
              .orElse(null);
      default -> null;
    };
  }

  /**
   * Answers the page with {@code status}: a line saying what was done ({@code done}), or what was
   * refused and why ({@code error}); either may be null.
   */
  void render(ServerRequest req, ServerResponse res, Status status, String done, String error) {
    Access access = ResultsPages.access(req);
    Html h = Html.page("CordWatch: model bundles", "");
    Pages.nav(h, ctx, access);
    h.raw("<h1>Model bundles</h1>\n");
    if (error != null) {
      h.raw("<p class=\"attention\" id=\"problem\">").text(error).raw("</p>\n");
    }
    if (done != null) {
      h.raw("<p class=\"ok\" id=\"done\">").text(done).raw("</p>\n");
    }
    ActiveModel running = ctx.model().get();
    running(h, running);
    BundleControl bundles = ctx.bundles();
    if (bundles == null) {
      h.raw("<p class=\"meta\" id=\"no-store\">This appliance keeps no bundle store: the model")
          .raw(" comes from the <code>bundle</code> setting alone.</p>\n</body>\n</html>\n");
      Replies.text(res, status, "text/html; charset=utf-8", h.toString());
      return;
    }
    Optional<Activation> latest = latest();
    if (latest.isPresent() && (running == null || !latest.get().bundleId().equals(running.id()))) {
      h.raw("<p class=\"degraded\" id=\"switching\">")
          .text(
              latest.get().bundleId()
                  + " is recorded as the active version; the appliance takes it up when the"
                  + " series it is grading now is finished. If this stays, the status page and"
                  + " the audit trail (bundle_switch_failed) say why it could not be loaded.")
          .raw("</p>\n");
    }
    h.raw("<p class=\"meta\">Making a version active switches the model that grades every study,")
        .raw(" from the next series on; the series being graded finishes on the version before.")
        .raw(" Only versions that pass this appliance's signature rules can be made active. Each")
        .raw(" switch is recorded with your name.</p>\n");
    ShadowModel shadow = bundles.shadow();
    installed(h, bundles.installed(), shadow, access.session().csrfToken());
    rollback(h, latest);
    shadow(h, shadow, access.session().csrfToken());
    history(h);
    h.raw("</body>\n</html>\n");
    Replies.text(res, status, "text/html; charset=utf-8", h.toString());
  }

  private void running(Html h, ActiveModel m) {
    h.raw("<h2>Grading now</h2>\n");
    if (m == null) {
      h.raw("<p class=\"attention\" id=\"running\">No model is loaded: ")
          .text(ctx.engineState().get())
          .raw("</p>\n");
      return;
    }
    h.raw("<table id=\"running\">\n");
    h.raw("<tr><th>Name</th><td>").text(m.name()).raw("</td></tr>\n");
    h.raw("<tr><th>Version</th><td>").text(m.version()).raw("</td></tr>\n");
    h.raw("<tr><th>Id</th><td>").text(m.id()).raw("</td></tr>\n");
    h.raw("<tr><th>Signature</th><td").raw(m.signed() ? ">" : " class=\"attention\">");
    h.text(m.signature()).raw("</td></tr>\n");
    h.raw("<tr><th>Clinical use</th><td").raw(m.clinicalUse() ? ">" : " class=\"attention\">");
    h.text(m.clinicalUse() ? "yes" : "NOT FOR CLINICAL USE (the bundle says so)");
    h.raw("</td></tr>\n</table>\n");
  }

  private static void installed(
      Html h, List<BundleControl.Installed> versions, ShadowModel shadow, String csrf) {
    h.raw("<h2>Installed versions</h2>\n");
    if (versions.isEmpty()) {
      h.raw("<p class=\"meta\" id=\"installed\">None installed: <code>cordwatch bundle install")
          .raw(" SRC</code> on the box adds one.</p>\n");
      return;
    }
    h.raw("<table id=\"installed\">\n<thead><tr><th>Id</th><th>Name</th><th>Date</th>");
    h.raw("<th>Signature</th><th>State</th><th></th></tr></thead>\n<tbody>\n");
    for (BundleControl.Installed v : versions) {
      h.raw("<tr id=\"bundle-").text(v.id()).raw("\"><td>").text(v.id()).raw("</td><td>");
      h.text(v.name() == null ? "-" : v.name()).raw("</td><td>");
      h.text(v.date() == null ? "-" : v.date()).raw("</td><td>");
      h.text(v.signature() == null ? "-" : v.signature()).raw("</td><td");
      if (v.active()) {
        h.raw(" class=\"ok\">active</td><td></td>");
      } else if (v.problem() != null) {
        h.raw(" class=\"attention\">").text("refused: " + v.problem()).raw("</td><td></td>");
      } else {
        boolean inShadow = shadow != null && shadow.id().equals(v.id());
        h.raw(inShadow ? ">in shadow" : ">installed");
        h.raw("</td><td><a class=\"action\" href=\"").text(activatePath(v.id()));
        h.raw("\">Make active\u2026</a>");
        if (!inShadow) {
          // Shadow changes no result anyone sees, so it needs no confirmation page.
          h.raw(" <form class=\"inline\" method=\"post\" action=\"")
              .text(PATH + "/" + v.id() + "/shadow")
              .raw("\">");
          h.csrfField(csrf);
          h.raw("<button type=\"submit\">Run in shadow</button></form>");
        }
        h.raw("</td>");
      }
      h.raw("</tr>\n");
    }
    h.raw("</tbody>\n</table>\n");
  }

  private static void shadow(Html h, ShadowModel shadow, String csrf) {
    h.raw("<h2>Shadow</h2>\n");
    if (shadow == null) {
      h.raw("<p class=\"meta\" id=\"shadow\">Off. A version run in shadow grades every series")
          .raw(" beside the active one; its findings are stored and never published, alerted or")
          .raw(" shown as the verdict (docs/model-bundle.md).</p>\n");
      return;
    }
    h.raw("<p id=\"shadow\"").raw(shadow.problem() == null ? ">" : " class=\"attention\">");
    h.text(shadow.line()).raw("</p>\n");
    h.raw("<form method=\"post\" action=\"" + SHADOW_OFF + "\">");
    h.csrfField(csrf);
    h.raw("<button type=\"submit\">Turn shadow off</button></form>\n");
  }

  private static void rollback(Html h, Optional<Activation> latest) {
    if (latest.isEmpty() || latest.get().previousId() == null) {
      return;
    }
    Activation a = latest.get();
    // A link: it only opens the confirmation page, which carries the POST with the token.
    h.raw("<p id=\"rollback\"><a class=\"action\" href=\"" + ROLLBACK + "\">");
    h.raw("Roll back to the previous version\u2026</a> <span class=\"meta\">");
    h.text(a.previousId() + ", active before " + a.bundleId()).raw("</span></p>\n");
  }

  private void history(Html h) {
    List<Activation> rows = ctx.index().bundleActivations().history(HISTORY);
    h.raw("<h2>Activation history</h2>\n");
    if (rows.isEmpty()) {
      h.raw("<p class=\"meta\" id=\"history\">No version was ever activated here.</p>\n");
      return;
    }
    h.raw("<table id=\"history\">\n<thead><tr><th>When</th><th>Who</th><th>From</th>");
    h.raw("<th>To</th><th>How</th></tr></thead>\n<tbody>\n");
    for (Activation a : rows) {
      h.raw("<tr><td>").text(Pages.time(ctx, Instant.ofEpochMilli(a.atMs())));
      h.raw("</td><td>").text(a.actor()).raw("</td><td>");
      h.text(a.previousId() == null ? "none" : a.previousId()).raw("</td><td>");
      h.text(a.bundleId()).raw("</td><td>").text(a.how()).raw("</td></tr>\n");
    }
    h.raw("</tbody>\n</table>\n");
    h.raw("<p class=\"meta\">The last ").text(Integer.toString(HISTORY));
    h.raw(" activations at most, newest first; the audit trail keeps them all.</p>\n");
  }

  private Optional<Activation> latest() {
    return ctx.index().bundleActivations().latest();
  }

  // ---- confirmation pages

  private void confirmActivate(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    BundleControl bundles = ctx.bundles();
    if (bundles == null) {
      render(req, res, Status.NOT_FOUND_404, null, "This appliance keeps no bundle store.");
      return;
    }
    Optional<BundleControl.Installed> v =
        bundles.installed().stream().filter(i -> i.id().equals(id)).findFirst();
    if (v.isEmpty()) {
      render(req, res, Status.NOT_FOUND_404, null, BundlesForm.notInstalled(id));
      return;
    }
    if (v.get().active()) {
      render(req, res, Status.OK_200, v.get().id() + " is the active version already.", null);
      return;
    }
    if (v.get().problem() != null) {
      render(
          req,
          res,
          Status.create(422),
          null,
          "Not possible: " + v.get().id() + " would be refused: " + v.get().problem());
      return;
    }
    String from = latest().map(Activation::bundleId).orElse("none");
    confirm(
        req,
        res,
        "Make " + id + " active?",
        "From the next series on, every study is graded by "
            + id
            + " ("
            + v.get().name()
            + ", "
            + v.get().date()
            + ", "
            + v.get().signature()
            + ") instead of "
            + from
            + ". The series being graded now finishes on "
            + from
            + ". You can roll back afterwards.",
        activatePath(id),
        "Yes, make " + id + " active");
  }

  private void confirmRollback(ServerRequest req, ServerResponse res) {
    Optional<Activation> latest = ctx.bundles() == null ? Optional.empty() : latest();
    if (latest.isEmpty() || latest.get().previousId() == null) {
      render(
          req,
          res,
          Status.create(422),
          null,
          "Not possible: there is no version active before the current one to roll back to.");
      return;
    }
    Activation a = latest.get();
    confirm(
        req,
        res,
        "Roll back to " + a.previousId() + "?",
        "From the next series on, every study is graded by "
            + a.previousId()
            + " again instead of "
            + a.bundleId()
            + ". The series being graded now finishes on "
            + a.bundleId()
            + ".",
        ROLLBACK,
        "Yes, roll back to " + a.previousId());
  }

  private void confirm(
      ServerRequest req,
      ServerResponse res,
      String title,
      String what,
      String action,
      String button) {
    Access access = ResultsPages.access(req);
    Html h = Html.page("CordWatch: " + title, "");
    Pages.nav(h, ctx, access);
    h.raw("<h1>").text(title).raw("</h1>\n");
    h.raw("<p class=\"why\" id=\"what\">").text(what).raw("</p>\n");
    h.raw("<form id=\"confirm\" method=\"post\" action=\"").text(action).raw("\">");
    h.csrfField(access.session().csrfToken());
    h.raw("<button type=\"submit\">").text(button).raw("</button> ");
    h.raw("<a href=\"" + PATH + "\">Cancel</a></form>\n</body>\n</html>\n");
    Replies.text(res, Status.OK_200, "text/html; charset=utf-8", h.toString());
  }
}
