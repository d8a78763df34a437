package io.cordwatch.auth;

/**
 * A refused account or token operation, with a code callers branch on and a message an operator can
 * act on. It never carries a password or a token.
 */
public final class AuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What was refused. */
  public enum Code {
    /** A user or token name outside the allowed characters or length. */
    INVALID_NAME,
    /** A role that does not exist. */
    INVALID_ROLE,
    /** A token scope that does not exist. */
    INVALID_SCOPE,
    /** A password too weak to protect patient data. */
    WEAK_PASSWORD,
    /** The user or token name is already in use. */
    NAME_TAKEN,
    /** No user of that name. */
    NO_SUCH_USER,
    /** No token of that name. */
    NO_SUCH_TOKEN,
    /**
     * A change the account rules forbid: an admin disabling themself, or the last enabled admin.
     */
    REFUSED
  }

  private final Code code;

  public AuthException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
