package io.cordwatch.web;

import java.util.Locale;

/** What the plain HTTP listener does once HTTPS is on ({@code http-mode}). */
public enum HttpMode {
  /**
   * Serve: without HTTPS, everything; with it, only what needs no credential (the status page for a
   * wall screen that cannot be given the certificate, the probes), the rest as {@link #REDIRECT}.
   */
  SERVE,
  /** Send pages to HTTPS; refuse anything carrying a password, token or session. */
  REDIRECT,
  /** No plain HTTP listener at all. */
  OFF;

  /** The mode named by {@code serve}, {@code redirect} or {@code off}. */
  public static HttpMode of(String name) {
    return valueOf(name.strip().toUpperCase(Locale.ROOT));
  }
}
