package io.cordwatch.web;

import io.cordwatch.auth.Principal;
import io.cordwatch.auth.Scope;
import io.cordwatch.auth.Sessions;
import io.cordwatch.dicom.Uids;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The one gate every request passes before any route: hardening headers on every answer, the Host
 * check (DNS rebinding), the cross-site check on state changes, who the request acts for (an API
 * token in {@code Authorization: Bearer}, else the session cookie), what the route needs ({@link
 * RoutePolicy}) and, for a change made with a session cookie, the CSRF token.
 *
 * <p>Doing this in one filter rather than in each handler means a route added later is protected by
 * default (the policy's fallback needs results access) and the refusals read the same everywhere:
 * JSON 401 with {@code WWW-Authenticate: Bearer} naming what is missing for API clients, a redirect
 * to {@code /login} for a browser asking for a page, 403 naming the role or scope that would do.
 *
 * <p>A bearer token is tried before the cookie, and a request that sends a token that is not valid
 * is refused rather than falling back to the cookie, so a client always learns that its token is
 * wrong.
 */
final class Guard implements Filter {
  private static final Logger LOG = Logger.getLogger(Guard.class.getName());

  static final String COOKIE = "cordwatch_session";
  static final String CSRF_FIELD = "csrf";
  static final HeaderName CSRF_HEADER = HeaderNames.create("X-CSRF-Token");

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

  /**
   * On every HTTPS answer when plain HTTP does not serve pages (http-mode redirect or off): a year,
   * this host only (other hosts of the site's domain are not ours to decide for).
   */
  static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000";

  /** The name the deprecated {@code api-token-file} token goes by in logs and audit rows. */
  static final String LEGACY_TOKEN = "api-token-file";

  private static final Pattern UID_SEGMENT = Pattern.compile("\\d+(\\.\\d+)+");
  private static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");

  private final WebContext ctx;
  private final HostCheck hosts;

  Guard(WebContext ctx) {
    this.ctx = ctx;
    this.hosts = new HostCheck(ctx.config());
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    harden(res);
    if (req.isSecure() && ctx.config().httpMode() != HttpMode.SERVE) {
      // Not with http-mode serve: a browser told this would go to https://host:http-port, which
      // is the plain listener, and the wall screen's status page would stop loading.
      res.header(HeaderNames.STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    if (!hosts.allowed(req.authority())) {
      LOG.warning("http: refused a request for Host '" + printable(req.authority()) + "'");
      Replies.error(
          res,
          new WebException(
              WebException.Code.MISDIRECTED_REQUEST,
              "this appliance does not answer to that host name; use its address or add the name"
                  + " to allowed-hosts"));
      return;
    }
    Method method = req.prologue().method();
    String path = req.path().path();
    if (path == null || !path.startsWith("/")) {
      // An opaque request target ("http:x/..." parses as a URI without a path): no route can be
      // meant, and every rule below reads the path (found by cordwatch fuzz --target http).
      Replies.error(
          res,
          new WebException(
              WebException.Code.BAD_REQUEST,
              "the request target has no path; send /path or an absolute URI"));
      return;
    }
    if (!RoutePolicy.reads(method) && crossSite(req)) {
      LOG.warning("http: refused a cross-site " + method.text() + " " + safePath(path));
      Replies.error(
          res,
          new WebException(
              WebException.Code.FORBIDDEN, "cross-site requests may not change anything here"));
      return;
    }
    RoutePolicy.Need need = RoutePolicy.of(method, path);
    Access access;
    try {
      access = identify(req);
    } catch (RuntimeException e) {
      // The probes and the status page must answer while the index is unreadable (that is when
      // staff look); they need nobody's identity. Everything else fails as any index fault does.
      if (needsIdentity(need)) {
        throw e;
      }
      access = Access.ANONYMOUS;
    }
    req.context().register(access);
    Optional<WebException> refused = refusal(need, access, req);
    if (refused.isEmpty()) {
      chain.proceed();
      return;
    }
    WebException e = refused.get();
    if (e.code() == WebException.Code.UNAUTHORIZED
        && RoutePolicy.isPage(path)
        && RoutePolicy.reads(method)) {
      res.status(Status.SEE_OTHER_303);
      res.header(
          HeaderNames.LOCATION, "/login?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
      res.send();
      return;
    }
    if (e.code() == WebException.Code.FORBIDDEN
        && RoutePolicy.isPage(path)
        && RoutePolicy.reads(method)) {
      // A person asked for a page their role does not open: say so on a page, with a way back.
      logRefusal(method, path, access.principal().describe(), e);
      Pages.problem(res, e.code().httpStatus(), "Not for your role", e.getMessage());
      return;
    }
    if (e.code() == WebException.Code.UNAUTHORIZED) {
      res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"cordwatch\"");
      LOG.fine("http: 401 for " + method.text() + " " + safePath(path) + ": " + e.getMessage());
    } else {
      logRefusal(method, path, access.anonymous() ? "anonymous" : access.principal().describe(), e);
    }
    Replies.error(res, e);
  }

  private boolean needsIdentity(RoutePolicy.Need need) {
    return need != RoutePolicy.Need.OPEN
        && !(need == RoutePolicy.Need.STATUS && !ctx.config().statusPageLogin());
  }

  /** The headers every answer carries, errors and redirects included. */
  static void harden(RoutingResponse res) {
    res.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
    res.header(HeaderNames.create("X-Frame-Options"), "DENY");
    res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
    res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
  }

  /**
   * Whether a browser says this request comes from another site: {@code Sec-Fetch-Site:
   * cross-site}, or an {@code Origin} that is not this host. ({@code Origin: null} is what our own
   * forms send under {@code Referrer-Policy: no-referrer}; SameSite=Strict and the CSRF token cover
   * it.)
   */
  private static boolean crossSite(ServerRequest req) {
    String site = req.headers().first(SEC_FETCH_SITE).orElse("");
    if (site.equalsIgnoreCase("cross-site")) {
      return true;
    }
    Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
    if (origin.isEmpty() || origin.get().equals("null")) {
      return false;
    }
    String o = origin.get().toLowerCase(Locale.ROOT);
    String host = String.valueOf(req.authority()).toLowerCase(Locale.ROOT);
    return !(o.equals("http://" + host) || o.equals("https://" + host));
  }

  private Access identify(ServerRequest req) {
    Optional<String> authorization = req.headers().first(HeaderNames.AUTHORIZATION);
    if (authorization.isPresent()) {
      return bearer(authorization.get());
    }
    String cookie;
    try {
      cookie = req.headers().cookies().first(COOKIE).orElse(null);
    } catch (RuntimeException e) {
      return Access.ANONYMOUS;
    }
    if (cookie == null) {
      return Access.ANONYMOUS;
    }
    Optional<Sessions.Session> session = ctx.access().sessions().find(cookie);
    return session.map(s -> new Access(s.principal(), s, cookie, null)).orElse(Access.ANONYMOUS);
  }

  private Access bearer(String authorization) {
    if (authorization.length() < 7 || !authorization.substring(0, 7).equalsIgnoreCase("Bearer ")) {
      return new Access(
          null, null, null, "the Authorization header must be 'Bearer TOKEN' (an API token)");
    }
    String token = authorization.substring(7).strip();
    Optional<Principal> p = ctx.access().tokens().authenticate(token);
    if (p.isEmpty() && ctx.apiToken().matches(token)) {
      p = Optional.of(Principal.token(LEGACY_TOKEN, Scope.WRITE));
    }
    return p.map(principal -> new Access(principal, null, null, null))
        .orElseGet(
            () ->
                new Access(
                    null,
                    null,
                    null,
                    "the API token sent is not valid here (revoked, mistyped, or made on another"
                        + " appliance; cordwatch token list shows the tokens)"));
  }

  private Optional<WebException> refusal(RoutePolicy.Need need, Access access, ServerRequest req) {
    switch (need) {
      case OPEN -> {
        return Optional.empty();
      }
      case STATUS -> {
        if (!ctx.config().statusPageLogin()) {
          return Optional.empty();
        }
        return access.anonymous()
            ? Optional.of(
                unauthorized(access, "this page needs a login (any role) or an API token"))
            : Optional.empty();
      }
      case SESSION -> {
        if (!access.viaSession()) {
          return Optional.of(unauthorized(access, "you are not signed in"));
        }
        return csrf(access, req);
      }
      case RESULTS_READ -> {
        return rule(
            access,
            req,
            "results need a login with the clinician or admin role, or an API token: send"
                + " 'Authorization: Bearer TOKEN' (made on the appliance with cordwatch token add"
                + " NAME --scope read)",
            Principal::mayReadResults,
            "may not see results: that needs the clinician or admin role",
            Csrf.NEVER);
      }
      case RESULTS_WRITE -> {
        return rule(
            access,
            req,
            "changes need a login with the clinician or admin role, or a write-scope API token:"
                + " send 'Authorization: Bearer TOKEN' (made on the appliance with cordwatch token"
                + " add NAME --scope write)",
            Principal::mayChangeResults,
            "may not change results: that needs the clinician or admin role, or a write-scope"
                + " token",
            Csrf.ALWAYS);
      }
      case REVIEW -> {
        return rule(
            access,
            req,
            "recording a review needs a clinician or admin signed in at /login; an API token"
                + " ('Authorization: Bearer TOKEN') cannot record one",
            p -> p.isUser() && p.mayChangeResults(),
            "may not record a review: a review is a clinician's decision, made signed in with the"
                + " clinician or admin role",
            Csrf.ALWAYS);
      }
      case ADMIN -> {
        return rule(
            access,
            req,
            "user administration and model bundles need an admin signed in at /login; an API"
                + " token ('Authorization: Bearer TOKEN') cannot manage them",
            p -> p.isUser() && p.mayAdminister(),
            "may not manage users or model bundles: that needs the admin role, signed in",
            Csrf.ON_CHANGES);
      }
      default -> throw new IllegalStateException("unhandled " + need);
    }
  }

  /** When a rule asks a session for its CSRF token. */
  private enum Csrf {
    NEVER,
    ALWAYS,
    /** On every method but GET and HEAD. */
    ON_CHANGES
  }

  /**
   * One route rule: 401 with {@code whenAnonymous} for a request from nobody, 403 naming who asked
   * and {@code whenRefused} unless {@code allowed}, then the CSRF check {@code csrf} asks for.
   */
  private static Optional<WebException> rule(
      Access access,
      ServerRequest req,
      String whenAnonymous,
      Predicate<Principal> allowed,
      String whenRefused,
      Csrf csrf) {
    if (access.anonymous()) {
      return Optional.of(unauthorized(access, whenAnonymous));
    }
    if (!allowed.test(access.principal())) {
      return Optional.of(forbidden(access.principal().describe() + " " + whenRefused));
    }
    return switch (csrf) {
      case NEVER -> Optional.empty();
      case ALWAYS -> csrf(access, req);
      case ON_CHANGES ->
          RoutePolicy.reads(req.prologue().method()) ? Optional.empty() : csrf(access, req);
    };
  }

  /** A change made with the session cookie must carry the session's CSRF token. */
  private static Optional<WebException> csrf(Access access, ServerRequest req) {
    if (!access.viaSession()) {
      return Optional.empty();
    }
    String given = req.headers().first(CSRF_HEADER).orElse(null);
    if (given == null && Form.isForm(req)) {
      given = Form.of(req).get(CSRF_FIELD);
    }
    return Sessions.csrfMatches(access.session(), given)
        ? Optional.empty()
        : Optional.of(
            forbidden(
                "a change made with a browser login needs the page's CSRF token (form field "
                    + CSRF_FIELD
                    + " or header X-CSRF-Token); reload the page and try again"));
  }

  private static WebException unauthorized(Access access, String missing) {
    return new WebException(
        WebException.Code.UNAUTHORIZED,
        access.bearerRefused() != null ? access.bearerRefused() : missing);
  }

  private static WebException forbidden(String why) {
    return new WebException(WebException.Code.FORBIDDEN, why);
  }

  /** The path for a log line: UIDs in it replaced by their tags (no PHI in logs). */
  private static void logRefusal(Method method, String path, String who, WebException e) {
    LOG.warning(
        "http: refused "
            + method.text()
            + " "
            + safePath(path)
            + " to "
            + who
            + ": "
            + e.getMessage());
  }

  static String safePath(String path) {
    return java.util.Arrays.stream(path.split("/", -1))
        .map(seg -> UID_SEGMENT.matcher(seg).matches() ? Uids.tag(seg) : seg)
        .collect(java.util.stream.Collectors.joining("/"));
  }

  private static String printable(String s) {
    if (s == null) {
      return "";
    }
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
