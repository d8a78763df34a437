package io.cordwatch.auth;

import java.util.regex.Pattern;

/** User and token names: what log lines, audit rows and the CLI print, so kept plain. */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  private Names() {}

  /** Whether {@code name} could be a user or token name (so it may be printed as typed). */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * @throws AuthException saying which characters a name may have
   */
  static String check(String kind, String name) {
    if (!isValid(name)) {
      throw new AuthException(
          AuthException.Code.INVALID_NAME,
          kind
              + " name must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a"
              + " letter or digit");
    }
    return name;
  }
}
