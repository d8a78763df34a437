package io.cordwatch.auth;

import java.util.Locale;

/** What an API token may do: read results, or also change them (write includes read). */
public enum Scope {
  READ,
  WRITE;

  /** The name as stored and typed ({@code read}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The scope named {@code text}.
   *
   * @throws AuthException saying which scopes there are
   */
  public static Scope parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "read" -> READ;
      case "write" -> WRITE;
      default ->
          throw new AuthException(
              AuthException.Code.INVALID_SCOPE, "scope must be read or write, was '" + text + "'");
    };
  }
}
