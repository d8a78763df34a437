package io.cordwatch.auth;

import io.cordwatch.store.Accounts;
import io.cordwatch.store.Accounts.SessionRow;
import io.cordwatch.store.Accounts.UserRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Browser sessions. The cookie carries a random 32-byte id; the database keeps only its SHA-256,
 * with the user, when it was opened and when it was last used. A session ends at logout, after
 * {@link AuthConfig#sessionIdleTimeout} without a request, {@link AuthConfig#sessionMaxAge} after
 * login, or when its user is disabled or given a new password.
 *
 * <p>The CSRF token is derived from the session id (SHA-256 of a label and the id), so it needs no
 * storage, differs per session, and cannot be computed by a page that does not already hold the
 * cookie. It is required on every state change made with the cookie; requests with a bearer token
 * carry no ambient credential and need none.
 *
 * <p>Last use is written back at most every {@link #touchResolution} (a fraction of the idle
 * timeout) rather than on every request: a page that refreshes every 10 s would otherwise cost a
 * synchronous disk write each time, and the idle timeout only needs minute precision.
 */
public final class Sessions {
  /** A session just opened: what goes into the cookie and into the pages' forms. */
  public record Opened(String cookieValue, String csrfToken) {}

  /** A live session: who, and the CSRF token its state changes must carry. */
  public record Session(Principal principal, String csrfToken) {}

  private final Accounts accounts;
  private final AuthConfig config;
  private final Clock clock;
  private final long touchResolutionMs;

  public Sessions(Accounts accounts, AuthConfig config, Clock clock) {
    this.accounts = accounts;
    this.config = config;
    this.clock = clock;
    this.touchResolutionMs = touchResolution(config.sessionIdleTimeout()).toMillis();
  }

  static Duration touchResolution(Duration idle) {
    Duration d = idle.dividedBy(30);
    return d.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : d;
  }

  /** Opens a session for a user who has just logged in from {@code from} (an address). */
  public Opened open(UserRow user, String from) {
    String id = Secrets.newSecret();
    accounts.addSession(Secrets.sha256Hex(id), user, clock.millis(), from);
    return new Opened(id, csrfToken(id));
  }

  /** The live session with this cookie value; an expired one is ended on the way. */
  public Optional<Session> find(String cookieValue) {
    if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > 256) {
      return Optional.empty();
    }
    String idHash = Secrets.sha256Hex(cookieValue);
    Optional<SessionRow> row = accounts.session(idHash);
    if (row.isEmpty()) {
      return Optional.empty();
    }
    SessionRow s = row.get();
    long now = clock.millis();
    boolean idle = now - s.lastSeenMs() >= config.sessionIdleTimeout().toMillis();
    boolean old = now - s.createdMs() >= config.sessionMaxAge().toMillis();
    if (s.user().disabled() || idle || old) {
      accounts.endSession(idHash, now, "session_expired", s.user().name());
      return Optional.empty();
    }
    if (now - s.lastSeenMs() >= touchResolutionMs) {
      accounts.touchSession(idHash, now);
    }
    return Optional.of(
        new Session(
            Principal.user(s.user().name(), Role.parse(s.user().role())), csrfToken(cookieValue)));
  }

  /** Ends the session with this cookie value (logout); nothing happens for an unknown one. */
  public void close(String cookieValue, String userName) {
    accounts.endSession(Secrets.sha256Hex(cookieValue), clock.millis(), "logout", userName);
  }

  /** The CSRF token of the session with this cookie value. */
  static String csrfToken(String cookieValue) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            Secrets.sha256(("cordwatch-csrf\0" + cookieValue).getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether {@code given} is the session's CSRF token (compared in constant time). */
  public static boolean csrfMatches(Session session, String given) {
    return given != null
        && MessageDigest.isEqual(
            session.csrfToken().getBytes(StandardCharsets.UTF_8),
            given.getBytes(StandardCharsets.UTF_8));
  }
}
