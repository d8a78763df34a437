package io.cordwatch.web;

import io.cordwatch.auth.Sessions;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.logging.Logger;

/**
 * The plain HTTP listener's gate once HTTPS is on: no password, API token or session crosses the
 * network unencrypted to be accepted here. It runs before the {@link Guard}.
 *
 * <ul>
 *   <li>A request with an {@code Authorization} header is refused (403, JSON) without looking at
 *       the token, and the answer says to revoke it: it has been sent in clear text.
 *   <li>A session cookie sent over HTTP (one from before HTTPS was turned on; cookies set over
 *       HTTPS are {@code Secure} and never sent here) ends that session: its id has been seen.
 *   <li>With {@code http-mode: serve}, what needs no credential at all is served: the probes and
 *       metrics, the stylesheet, and the status page while {@code status-page-login} is off (a wall
 *       screen that cannot be given the certificate). Everything else, and everything with {@code
 *       http-mode: redirect}, is answered as below.
 *   <li>GET and HEAD are sent to the same path on HTTPS (301); any other method is refused (403): a
 *       redirected POST would already have sent its body (a password, a CSRF token) in clear.
 * </ul>
 *
 * <p>The Host header is checked before a redirect is written, as the {@link Guard} would, so the
 * redirect never names a host the appliance does not answer to.
 */
final class PlainHttp implements Filter {
  private static final Logger LOG = Logger.getLogger(PlainHttp.class.getName());

  private final WebContext ctx;
  private final HostCheck hosts;
  private final IntSupplier httpsPort;

  /** {@code httpsPort} says the port the HTTPS listener bound; it is asked once that is known. */
  PlainHttp(WebContext ctx, IntSupplier httpsPort) {
    this.ctx = ctx;
    this.hosts = new HostCheck(ctx.config());
    this.httpsPort = httpsPort;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    Guard.harden(res);
    String path = req.path().path();
    Method method = req.prologue().method();
    if (!hosts.allowed(req.authority())) {
      chain.proceed(); // the Guard answers 421 with its message
      return;
    }
    String https = httpsBase(req.authority());
    if (req.headers().contains(HeaderNames.AUTHORIZATION)) {
      LOG.warning(
          "http: refused an Authorization header sent over plain HTTP to "
              + method.text()
              + " "
              + Guard.safePath(path));
      Replies.error(
          res,
          new WebException(
              WebException.Code.FORBIDDEN,
              "API tokens are taken only over HTTPS ("
                  + https
                  + "); this one crossed the network unencrypted: revoke it (cordwatch token"
                  + " revoke NAME) and use a new one over HTTPS"));
      return;
    }
    endExposedSession(req, res);
    if (ctx.config().httpMode() == HttpMode.SERVE && servedPlain(method, path)) {
      chain.proceed();
      return;
    }
    if (RoutePolicy.reads(method) && method != Method.OPTIONS) {
      String query = req.query().rawValue();
      res.status(Status.MOVED_PERMANENTLY_301);
      res.header(
          HeaderNames.LOCATION,
          https + req.path().rawPath() + (query.isEmpty() ? "" : "?" + query));
      res.send();
      return;
    }
    LOG.warning("http: refused " + method.text() + " " + Guard.safePath(path) + " over plain HTTP");
    String why = "this appliance takes changes and sign-ins only over HTTPS: use " + https + path;
    if (RoutePolicy.isPage(path)) {
      Pages.problem(res, 403, "Use HTTPS", why);
    } else {
      Replies.error(res, new WebException(WebException.Code.FORBIDDEN, why));
    }
  }

  /** What {@code http-mode: serve} answers over HTTP: only what needs nobody's credential. */
  private boolean servedPlain(Method method, String path) {
    if (!RoutePolicy.reads(method) || path.equals("/login") || path.equals("/logout")) {
      return false;
    }
    return switch (RoutePolicy.of(method, path)) {
      case OPEN -> true;
      case STATUS -> !ctx.config().statusPageLogin();
      default -> false;
    };
  }

  /** Ends the session whose cookie came in clear, and tells the browser to drop the cookie. */
  private void endExposedSession(RoutingRequest req, RoutingResponse res) {
    String cookie;
    try {
      cookie = req.headers().cookies().first(Guard.COOKIE).orElse(null);
    } catch (RuntimeException e) {
      return;
    }
    if (cookie == null) {
      return;
    }
    try {
      Sessions sessions = ctx.access().sessions();
      Optional<Sessions.Session> s = sessions.find(cookie);
      if (s.isPresent()) {
        sessions.close(cookie, s.get().principal().name());
        LOG.warning(
            "http: ended the session of "
                + s.get().principal().describe()
                + ": its cookie was sent over plain HTTP");
      }
    } catch (RuntimeException e) {
      LOG.warning("http: a session cookie came over plain HTTP and could not be ended: " + e);
    }
    res.header(
        HeaderNames.SET_COOKIE, Guard.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  }

  /** {@code https://host[:port]} for the host the request named. */
  private String httpsBase(String authority) {
    String host = HostCheck.hostOf(authority.strip());
    int port = httpsPort.getAsInt();
    return "https://" + host + (port == 443 ? "" : ":" + port);
  }
}
