package io.cordwatch.auth;

import java.util.regex.Pattern;

/** User and token names: what log lines, audit rows and the CLI print, so kept plain. */
final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  private Names() {}

  /**
   * @throws AuthException saying which characters a name may have
   */
  static String check(String kind, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new AuthException(
          AuthException.Code.INVALID_NAME,
          kind
              + " name must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a"
              + " letter or digit");
    }
    return name;
  }
}
