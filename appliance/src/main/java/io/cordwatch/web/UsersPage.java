package io.cordwatch.web;

import io.cordwatch.auth.Names;
import io.cordwatch.auth.Passwords;
import io.cordwatch.auth.Role;
import io.cordwatch.store.Accounts.UserRow;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The admin's users page at {@code /admin/users}: every local user with role, state and last
 * sign-in, and the forms that add a user, disable or enable one, and set a new password ({@link
 * UsersForm} handles the posts). It is the web twin of {@code cordwatch user ...} on the box and
 * holds no account rule of its own: the rules, hashing and audit rows are {@code auth.Users}'.
 *
 * <p>Only a signed-in admin reaches it ({@link RoutePolicy.Need#ADMIN}: no API token, whatever its
 * scope); every form carries the session's CSRF token, which the {@link Guard} checks before the
 * handler runs. Plain HTML, no script; it shows no password, hash or token, and no patient data.
 */
final class UsersPage implements HttpService {
  /** Where the page lives, as the top bar links it. */
  static final String PATH = "/admin/users";

  /** What a finished change says on the page it returns to ({@code ?done=}). */
  private static final Map<String, String> DONE =
      Map.of(
          "added", "added",
          "disabled", "disabled; their sessions are ended",
          "enabled", "enabled again, with the password they had",
          "password", "has a new password; their sessions are ended");

  private final WebContext ctx;

  UsersPage(WebContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(PATH, this::page);
    rules.post(PATH, (req, res) -> UsersForm.add(ctx, this, req, res));
    rules.any(PATH, (req, res) -> Replies.methodNotAllowed(req, res, Method.GET, Method.POST));
    rules.post(PATH + "/{name}/{action}", (req, res) -> UsersForm.change(ctx, this, req, res));
    rules.any(
        PATH + "/{name}/{action}", (req, res) -> Replies.methodNotAllowed(req, res, Method.POST));
  }

  private void page(ServerRequest req, ServerResponse res) {
    String done = req.query().first("done").orElse(null);
    String user = req.query().first("user").orElse(null);
    String message =
        done != null && DONE.containsKey(done) && Names.isValid(user)
            ? "User " + user + " " + DONE.get(done) + "."
            : null;
    render(req, res, Status.OK_200, message, null);
  }

  /**
   * Answers the page with {@code status}: a line saying what was done ({@code done}), or what was
   * refused and how to fix it ({@code error}); either may be null.
   */
  void render(ServerRequest req, ServerResponse res, Status status, String done, String error) {
    Access access = ResultsPages.access(req);
    String csrf = access.session().csrfToken();
    List<UserRow> users = ctx.access().users().list();
    Map<String, Long> lastLogins = ctx.access().users().lastLogins();
    Html h = Html.page("CordWatch: users", "");
    Pages.nav(h, ctx, access);
    h.raw("<h1>Users</h1>\n");
    if (error != null) {
      h.raw("<p class=\"attention\" id=\"problem\">").text(error).raw("</p>\n");
    }
    if (done != null) {
      h.raw("<p class=\"ok\" id=\"done\">").text(done).raw("</p>\n");
    }
    h.raw("<p class=\"meta\">Roles: facilities (the status page), clinician (results: read,")
        .raw(" confirm, correct), admin (a clinician who also manages users). Users are never")
        .raw(" deleted; disabling one ends their sessions at once. Every change here is audited")
        .raw(" with your name.</p>\n");
    h.raw("<table class=\"users\" id=\"users\">\n<thead><tr><th>Name</th><th>Role</th>");
    h.raw("<th>State</th><th>Last sign-in</th><th>Changed</th><th>Actions</th></tr></thead>\n");
    h.raw("<tbody>\n");
    for (UserRow u : users) {
      row(h, u, lastLogins.get(u.name()), access.principal().name(), csrf);
    }
    h.raw("</tbody>\n</table>\n");
    addForm(h, csrf);
    h.raw("</body>\n</html>\n");
    Replies.text(res, status, "text/html; charset=utf-8", h.toString());
  }

  private void row(Html h, UserRow u, Long lastLogin, String me, String csrf) {
    String base = PATH + "/" + u.name();
    h.raw("<tr id=\"user-").text(u.name()).raw("\"").raw(u.disabled() ? " class=\"off\"" : "");
    h.raw("><td>").text(u.name()).raw("</td><td>").text(u.role()).raw("</td><td>");
    h.text(u.disabled() ? "disabled" : "enabled").raw("</td><td>");
    h.text(lastLogin == null ? "never" : Pages.time(ctx, Instant.ofEpochMilli(lastLogin)));
    h.raw("</td><td>").text(Pages.time(ctx, Instant.ofEpochMilli(u.updatedMs()))).raw("</td><td>");
    if (u.name().equals(me)) {
      h.raw("<span class=\"meta\">(you)</span> ");
    } else {
      String action = u.disabled() ? "enable" : "disable";
      h.raw("<form class=\"user-action\" method=\"post\" action=\"").text(base + "/" + action);
      h.raw("\">").csrfField(csrf).raw("<button type=\"submit\">");
      h.text(u.disabled() ? "Enable" : "Disable").raw("</button></form> ");
    }
    h.raw("<form class=\"user-action\" method=\"post\" action=\"").text(base + "/password");
    h.raw("\">").csrfField(csrf);
    h.raw("<label>New password <input type=\"password\" name=\"password\" minlength=\"")
        .text(Integer.toString(Passwords.MIN_LENGTH))
        .raw("\" autocomplete=\"new-password\" required></label> ");
    h.raw("<button type=\"submit\">Set password</button></form>");
    h.raw("</td></tr>\n");
  }

  private static void addForm(Html h, String csrf) {
    h.raw("<h2>Add a user</h2>\n");
    h.raw("<form class=\"login\" id=\"add-user\" method=\"post\" action=\"" + PATH + "\">");
    h.csrfField(csrf).raw("\n");
    h.raw("<label for=\"new-name\">Name</label>");
    h.raw("<input type=\"text\" id=\"new-name\" name=\"name\" maxlength=\"64\"");
    h.raw(" autocomplete=\"off\" required>\n");
    h.raw("<label for=\"new-role\">Role</label><select id=\"new-role\" name=\"role\">");
    for (Role r : Role.values()) {
      h.raw("<option value=\"").text(r.wireName()).raw("\"");
      h.raw(r == Role.CLINICIAN ? " selected>" : ">").text(r.wireName()).raw("</option>");
    }
    h.raw("</select>\n");
    h.raw("<label for=\"new-password\">Initial password (at least ")
        .text(Integer.toString(Passwords.MIN_LENGTH))
        .raw(" characters)</label>");
    h.raw("<input type=\"password\" id=\"new-password\" name=\"password\" minlength=\"")
        .text(Integer.toString(Passwords.MIN_LENGTH))
        .raw("\" autocomplete=\"new-password\" required>\n");
    h.raw("<button type=\"submit\">Add user</button>\n</form>\n");
  }
}
