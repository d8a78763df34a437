package io.cordwatch.web;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What every page shares beyond {@link Html}: the bar at the top (the pages this user may open, who
 * is signed in, the sign-out form with its CSRF token) and the page a browser gets when it is
 * refused or asks for something that is not there (a person reads it, so HTML with a way back, not
 * the API's JSON).
 */
final class Pages {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private Pages() {}

  /**
   * A moment as the pages write it: local date and time of the appliance's clock, with its zone.
   */
  static String time(WebContext ctx, Instant t) {
    ZoneId zone = ctx.clock().getZone();
    String name = zone.normalized().equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    return TIME.format(t.atZone(zone)) + " " + name;
  }

  /**
   * The top bar: links to the status page and, for those who may see results, the results worklist
   * (and, for a signed-in admin, the users and model bundles pages); who is signed in with a
   * sign-out button, or a sign-in link; and, while nobody can log in, how to add the first admin.
   */
  static void nav(Html h, WebContext ctx, Access access) {
    h.raw("<nav class=\"account\">");
    h.raw("<a href=\"/\">Status</a> ");
    if (!access.anonymous() && access.principal().mayReadResults()) {
      h.raw("<a href=\"/studies\">Results</a> ");
    }
    if (access.viaSession() && access.principal().mayAdminister()) {
      h.raw("<a href=\"" + UsersPage.PATH + "\">Users</a> ");
      h.raw("<a href=\"" + BundlesPage.PATH + "\">Model bundles</a> ");
    }
    if (access.viaSession()) {
      h.text(
          "Signed in as "
              + access.principal().name()
              + " ("
              + access.principal().role().wireName()
              + ") ");
      h.raw("<form method=\"post\" action=\"/logout\">")
          .csrfField(access.session().csrfToken())
          .raw("<button type=\"submit\">Sign out</button></form>");
    } else {
      h.raw("<a href=\"/login\">Sign in</a>");
    }
    h.raw("</nav>\n");
    LoginPage.firstAdminHint(ctx, h);
  }

  /** A refusal or failure as a page: the status, what happened in a sentence, links onward. */
  static void problem(ServerResponse res, int status, String title, String message) {
    Html h = Html.page("CordWatch: " + title, "");
    h.raw("<h1>").text(title).raw("</h1>\n");
    h.raw("<p class=\"attention\">").text(message).raw("</p>\n");
    h.raw("<p><a href=\"/\">Status page</a> \u00b7 <a href=\"/studies\">Results</a>");
    h.raw(" \u00b7 <a href=\"/login\">Sign in as someone else</a></p>\n</body>\n</html>\n");
    Replies.text(res, Status.create(status), "text/html; charset=utf-8", h.toString());
  }
}
