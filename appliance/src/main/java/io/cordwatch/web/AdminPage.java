package io.cordwatch.web;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The admin's landing page at {@code /admin}: the admin pages, each with a line on what it changes.
 * Only a signed-in admin reaches it ({@link RoutePolicy.Need#ADMIN}); it shows nothing but links.
 */
final class AdminPage implements HttpService {
  /** Where the page lives. */
  static final String PATH = "/admin";

  private final WebContext ctx;

  AdminPage(WebContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(PATH, this::page);
    rules.any(PATH, (req, res) -> Replies.methodNotAllowed(req, res, Method.GET));
  }

  private void page(ServerRequest req, ServerResponse res) {
    Access access = ResultsPages.access(req);
    Html h = Html.page("CordWatch: administration", "");
    Pages.nav(h, ctx, access);
    h.raw("<h1>Administration</h1>\n<ul id=\"admin-pages\">\n");
    h.raw("<li><a href=\"" + UsersPage.PATH + "\">Users</a>: who may sign in, with which role;");
    h.raw(" add, disable, enable, set a password.</li>\n");
    h.raw("<li><a href=\"" + BundlesPage.PATH + "\">Model bundles</a>: which installed model");
    h.raw(" version grades the studies; make another one active, or roll back.</li>\n");
    h.raw("<li><a href=\"" + ValidationReportsPage.PATH + "\">Validation reports</a>: the model");
    h.raw(
        " against this site's readers, as kept by <code>cordwatch validate --keep</code>.</li>\n");
    h.raw("</ul>\n<p class=\"meta\">Every change made on these pages is audited with your name.");
    h.raw("</p>\n</body>\n</html>\n");
    Replies.text(res, Status.OK_200, "text/html; charset=utf-8", h.toString());
  }
}
