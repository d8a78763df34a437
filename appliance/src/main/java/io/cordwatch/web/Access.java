package io.cordwatch.web;

import io.cordwatch.auth.Principal;
import io.cordwatch.auth.Sessions;

/**
 * Who a request acts for, as the {@link Guard} found it, kept in the request's context for the
 * handlers (the audit row of a change names it; the pages show who is signed in).
 *
 * @param principal the user or API client; null when anonymous
 * @param session the browser session when the principal came from the session cookie; null for a
 *     bearer token or no credential
 * @param cookie the session cookie's value (for logout); null when there is no live session
 * @param bearerRefused why an {@code Authorization} header was not accepted; null when there was
 *     none or it was accepted
 */
record Access(Principal principal, Sessions.Session session, String cookie, String bearerRefused) {
  static final Access ANONYMOUS = new Access(null, null, null, null);

  boolean anonymous() {
    return principal == null;
  }

  /** Whether the credential is ambient (a cookie the browser adds by itself), so CSRF matters. */
  boolean viaSession() {
    return session != null;
  }
}
