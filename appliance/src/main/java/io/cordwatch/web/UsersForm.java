package io.cordwatch.web;

import io.cordwatch.auth.AuthException;
import io.cordwatch.auth.Names;
import io.cordwatch.auth.Principal;
import io.cordwatch.auth.Role;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * The users page's posts: {@code POST /admin/users} (name, role, password: adds a user) and {@code
 * POST /admin/users/{name}/disable|enable|password}. Each calls the same {@code auth.Users} method
 * as {@code cordwatch user ...} does, with the admin who asked, so the rules (name, password
 * strength, not oneself, not the last admin) and the audit row are auth's and the store's; this
 * class only reads the form and answers.
 *
 * <p>The {@link Guard} has let only a signed-in admin with the session's CSRF token through. A
 * change done answers 303 back to the page (a reload does not repeat it); a refusal answers the
 * page again with the reason and a status that says what kind (400, 404, 409, 422). Passwords are
 * never logged, echoed or kept past the call.
 */
final class UsersForm {
  private static final Logger LOG = Logger.getLogger(UsersForm.class.getName());

  private UsersForm() {}

  static void add(WebContext ctx, UsersPage page, ServerRequest req, ServerResponse res) {
    Principal admin = admin(req);
    Form form = Form.of(req);
    String name = strip(form.get("name"));
    char[] password = password(form);
    try {
      Role role = Role.parse(form.get("role"));
      ctx.access().users().add(name, role, password, admin);
      LOG.info("users: " + admin.describe() + " added user " + name + " (" + role.wireName() + ")");
      done(res, "added", name);
    } catch (AuthException e) {
      refused(page, req, res, e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  static void change(WebContext ctx, UsersPage page, ServerRequest req, ServerResponse res) {
    Principal admin = admin(req);
    String name = req.path().pathParameters().get("name");
    String action = req.path().pathParameters().get("action");
    if (!Names.isValid(name)) {
      page.render(
          req, res, Status.NOT_FOUND_404, null, "There is no such user: reload the users page.");
      return;
    }
    char[] password = "password".equals(action) ? password(Form.of(req)) : new char[0];
    try {
      switch (action) {
        case "disable" -> ctx.access().users().disable(name, admin);
        case "enable" -> ctx.access().users().enable(name, admin);
        case "password" -> ctx.access().users().setPassword(name, password, admin);
        default -> {
          page.render(
              req,
              res,
              Status.NOT_FOUND_404,
              null,
              "A user can be disabled, enabled or given a new password here; not '"
                  + (action.length() > 20 ? action.substring(0, 20) : action)
                  + "'.");
          return;
        }
      }
      String done = "password".equals(action) ? "password" : action + "d";
      LOG.info("users: " + admin.describe() + " " + action + "d user " + name);
      done(res, done, name);
    } catch (AuthException e) {
      refused(page, req, res, e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** The admin the Guard let through (a second wall, should a route ever be mounted elsewhere). */
  private static Principal admin(ServerRequest req) {
    Access access = ResultsPages.access(req);
    if (!access.viaSession() || !access.principal().mayAdminister()) {
      throw new WebException(
          WebException.Code.FORBIDDEN, "user administration needs an admin signed in");
    }
    return access.principal();
  }

  private static char[] password(Form form) {
    String p = form.get("password");
    return p == null ? new char[0] : p.toCharArray();
  }

  private static void done(ServerResponse res, String what, String name) {
    res.status(Status.SEE_OTHER_303);
    res.header(
        HeaderNames.LOCATION,
        UsersPage.PATH
            + "?done="
            + what
            + "&user="
            + URLEncoder.encode(name, StandardCharsets.UTF_8)
            + "#user-"
            + name);
    res.send();
  }

  private static void refused(
      UsersPage page, ServerRequest req, ServerResponse res, AuthException e) {
    Status status =
        switch (e.code()) {
          case WEAK_PASSWORD -> Status.create(422);
          case NAME_TAKEN, REFUSED -> Status.CONFLICT_409;
          case NO_SUCH_USER, NO_SUCH_TOKEN -> Status.NOT_FOUND_404;
          case INVALID_NAME, INVALID_ROLE, INVALID_SCOPE -> Status.BAD_REQUEST_400;
        };
    // The code only: a message may hold what was typed (a role, say), and logs are not echoed.
    LOG.info("users: a change was refused: " + e.code());
    page.render(req, res, status, null, "Not done: " + e.getMessage());
  }

  private static String strip(String s) {
    return s == null ? "" : s.strip();
  }
}
