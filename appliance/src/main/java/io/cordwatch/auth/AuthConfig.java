package io.cordwatch.auth;

import java.time.Duration;

/**
 * What access control is told at start-up (keys of the same names; checked there).
 *
 * @param sessionIdleTimeout a browser session unused this long ends
 * @param sessionMaxAge a browser session ends this long after login, used or not
 * @param loginMaxFailures failed logins per remote address, and per user name, before logins are
 *     refused with 429
 * @param loginFailureWindow the window those failures are counted in
 */
public record AuthConfig(
    Duration sessionIdleTimeout,
    Duration sessionMaxAge,
    int loginMaxFailures,
    Duration loginFailureWindow) {

  /** The defaults: 30 min idle, 12 h at most, 5 failures in 5 minutes. */
  public static AuthConfig defaults() {
    return new AuthConfig(Duration.ofMinutes(30), Duration.ofHours(12), 5, Duration.ofMinutes(5));
  }
}
