package io.cordwatch.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a local user may do. Each role includes the ones before it in the sense that matters here:
 * an admin has a clinician's rights, and everyone who can log in sees the status page.
 */
public enum Role {
  /** Facilities staff: the status page only (no study, series or grade). */
  FACILITIES,
  /** Reads results, changes canal boxes, confirms and corrects grades. */
  CLINICIAN,
  /** A clinician who also manages users and settings. */
  ADMIN;

  /** The name as stored and typed ({@code clinician}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this role may read and change results (everything that carries PHI). */
  public boolean results() {
    return this != FACILITIES;
  }

  /**
   * The role named {@code text}.
   *
   * @throws AuthException naming the roles there are
   */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.wireName().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new AuthException(
        AuthException.Code.INVALID_ROLE,
        "role must be one of "
            + Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", "))
            + ", was '"
            + text
            + "'");
  }
}
