package io.cordwatch.auth;

/**
 * Who a request acts for: a logged-in user (with a role) or an API client (with a scope). It is
 * what authorization decides on and what log and audit lines name; it holds no secret.
 *
 * @param name the user or token name
 * @param role the user's role; null for a token
 * @param scope the token's scope; null for a user
 */
public record Principal(String name, Role role, Scope scope) {

  public static Principal user(String name, Role role) {
    return new Principal(name, role, null);
  }

  public static Principal token(String name, Scope scope) {
    return new Principal(name, null, scope);
  }

  /** Whether this may read results: study lists, UIDs, descriptions, grades, boxes, images. */
  public boolean mayReadResults() {
    return role != null ? role.results() : scope != null;
  }

  /** Whether this may change results (canal boxes, confirmations). */
  public boolean mayChangeResults() {
    return role != null ? role.results() : scope == Scope.WRITE;
  }

  /** Whether this may manage users (a signed-in admin; no API token does). */
  public boolean mayAdminister() {
    return role == Role.ADMIN;
  }

  /** Whether this is a browser user (whose changes need a CSRF token) rather than a token. */
  public boolean isUser() {
    return role != null;
  }

  /** For log and audit lines: {@code user alice (clinician)}, {@code token pacs (read)}. */
  public String describe() {
    return role != null
        ? "user " + name + " (" + role.wireName() + ")"
        : "token " + name + " (" + scope.wireName() + ")";
  }
}
