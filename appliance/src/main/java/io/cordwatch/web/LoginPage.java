package io.cordwatch.web;

import io.cordwatch.auth.AccessControl;
import io.cordwatch.auth.Names;
import io.cordwatch.auth.Sessions;
import io.cordwatch.store.Accounts.UserRow;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Signing in and out of the browser pages: {@code GET /login} (a plain form, no script), {@code
 * POST /login} (name, password; opens a session and sets its cookie), {@code POST /logout}.
 *
 * <p>The cookie is {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's
 * page makes the browser send it), {@code Path=/}, {@code Secure} when the request came over HTTPS,
 * and lives no longer than the session may. A failed login is logged and audited with the name
 * tried and the address, never the password; too many failures answer 429 with {@code Retry-After}
 * ({@link io.cordwatch.auth.LoginThrottle}).
 */
final class LoginPage implements HttpService {
  private static final Logger LOG = Logger.getLogger(LoginPage.class.getName());

  private final WebContext ctx;

  LoginPage(WebContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/login", this::form);
    rules.post("/login", this::login);
    rules.any("/login", (req, res) -> Replies.methodNotAllowed(req, res, Method.GET, Method.POST));
    rules.post("/logout", this::logout);
    rules.any("/logout", (req, res) -> Replies.methodNotAllowed(req, res, Method.POST));
  }

  private void form(ServerRequest req, ServerResponse res) {
    page(res, Status.OK_200, null, req.query().first("next").orElse("/"));
  }

  private void login(ServerRequest req, ServerResponse res) {
    Form form = Form.of(req);
    String name = Optional.ofNullable(form.get("name")).orElse("").strip();
    String password = Optional.ofNullable(form.get("password")).orElse("");
    String next = form.get("next");
    String from = Replies.peer(req);
    AccessControl access = ctx.access();
    Optional<Duration> wait = access.throttle().retryAfter(from, name);
    if (wait.isPresent()) {
      long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
      LOG.warning(
          "login refused for " + printableName(name) + " from " + from + ": too many failures");
      res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
      page(
          res,
          Status.TOO_MANY_REQUESTS_429,
          "Too many failed sign-ins. Try again in " + minutes(seconds) + ".",
          next);
      return;
    }
    Optional<UserRow> user = access.users().login(name, password.toCharArray());
    if (user.isEmpty()) {
      access.throttle().failed(from, name);
      LOG.warning("login failed for " + printableName(name) + " from " + from);
      access.users().auditFailure(printableName(name), from);
      page(res, Status.UNAUTHORIZED_401, "Wrong name or password.", next);
      return;
    }
    access.throttle().succeeded(name);
    Sessions.Opened opened = access.sessions().open(user.get(), from);
    LOG.info("login: user " + user.get().name() + " (" + user.get().role() + ") from " + from);
    res.header(HeaderNames.SET_COOKIE, cookie(req, opened.cookieValue(), maxAgeSeconds()));
    redirect(res, localPath(next));
  }

  private void logout(ServerRequest req, ServerResponse res) {
    Access a = req.context().get(Access.class).orElse(Access.ANONYMOUS);
    if (a.viaSession()) {
      ctx.access().sessions().close(a.cookie(), a.principal().name());
      LOG.info("logout: user " + a.principal().name());
    }
    res.header(HeaderNames.SET_COOKIE, cookie(req, "", 0));
    redirect(res, "/login");
  }

  private long maxAgeSeconds() {
    return ctx.access().config().sessionMaxAge().toSeconds();
  }

  static String cookie(ServerRequest req, String value, long maxAgeSeconds) {
    return Guard.COOKIE
        + "="
        + value
        + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
        + maxAgeSeconds
        + (req.isSecure() ? "; Secure" : "");
  }

  private void page(ServerResponse res, Status status, String message, String next) {
    Html h = Html.page("CordWatch: sign in", "");
    h.raw("<h1>CordWatch</h1>\n");
    firstAdminHint(ctx, h);
    if (message != null) {
      h.raw("<p class=\"attention\">").text(message).raw("</p>\n");
    }
    h.raw("<form class=\"login\" method=\"post\" action=\"/login\">\n");
    h.raw("<label for=\"name\">Name</label>");
    h.raw("<input type=\"text\" id=\"name\" name=\"name\" autocomplete=\"username\" required>\n");
    h.raw("<label for=\"password\">Password</label>");
    h.raw("<input type=\"password\" id=\"password\" name=\"password\"");
    h.raw(" autocomplete=\"current-password\" required>\n");
    h.raw("<input type=\"hidden\" name=\"next\" value=\"").text(localPath(next)).raw("\">\n");
    h.raw("<button type=\"submit\">Sign in</button>\n</form>\n");
    h.raw("<p class=\"meta\"><a href=\"/\">Status page</a></p>\n</body>\n</html>\n");
    Replies.text(res, status, "text/html; charset=utf-8", h.toString());
  }

  /**
   * While nobody can sign in, how to add the first admin (on the status page and the login page).
   * An unreadable index shows nothing here; the status page says so in its own words.
   */
  static void firstAdminHint(WebContext ctx, Html h) {
    boolean anyUser;
    try {
      anyUser = ctx.access().users().anyActive();
    } catch (RuntimeException e) {
      anyUser = true;
    }
    if (!anyUser) {
      h.raw("<p class=\"hint\">").text(AccessControl.FIRST_ADMIN_HINT).raw("</p>\n");
    }
  }

  /** Where to go after login: a path on this appliance only (no open redirect). */
  static String localPath(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.contains("\\")
        || next.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      return "/";
    }
    return next;
  }

  private static void redirect(ServerResponse res, String location) {
    res.status(Status.SEE_OTHER_303);
    res.header(HeaderNames.LOCATION, location);
    res.send();
  }

  /** A typed name for a log line: as typed when it could be a user name, else a placeholder. */
  private static String printableName(String name) {
    return Names.isValid(name) ? "user " + name : "an invalid name";
  }

  private static String minutes(long seconds) {
    return seconds < 60 ? seconds + " seconds" : ((seconds + 59) / 60) + " minutes";
  }
}
