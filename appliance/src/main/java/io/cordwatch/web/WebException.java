package io.cordwatch.web;

/**
 * A request the web layer answers with an error. The code, not the message, is what clients branch
 * on; it fixes the HTTP status so that every route maps the same failure the same way.
 */
public final class WebException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, with the HTTP status it is answered with. */
  public enum Code {
    /** A query or path parameter is malformed or out of range. */
    INVALID_PARAMETER(400),
    /** The request itself could not be understood. */
    BAD_REQUEST(400),
    /** No login or API token, or one that is not (or no longer) valid. */
    UNAUTHORIZED(401),
    /**
     * The request is understood but refused: a role or scope without the right, a missing CSRF
     * token, a cross-site request, or a setting that turns the route off.
     */
    FORBIDDEN(403),
    /** Nothing lives at this path, or the named object does not exist. */
    NOT_FOUND(404),
    /** The path exists but not for this method. */
    METHOD_NOT_ALLOWED(405),
    /** The request body is larger than this path takes. */
    PAYLOAD_TOO_LARGE(413),
    /** The request body is in a format this path does not take. */
    UNSUPPORTED_MEDIA_TYPE(415),
    /**
     * The named object exists but cannot be used as asked: a stored slice whose pixels cannot be
     * decoded, a review of a grade the study does not have.
     */
    UNPROCESSABLE(422),
    /** The Host header names a host this appliance does not answer for (allowed-hosts). */
    MISDIRECTED_REQUEST(421),
    /** Too many failed logins; the Retry-After header says when to try again. */
    TOO_MANY_REQUESTS(429),
    /**
     * A bounded resource is taken (every status event stream slot); the Retry-After header says
     * when to try again.
     */
    UNAVAILABLE(503),
    /** The index could not be read; details are in the appliance log. */
    INDEX_UNAVAILABLE(500),
    /** A fault in the appliance; details are in the appliance log. */
    INTERNAL_ERROR(500);

    private final int httpStatus;

    Code(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }

    /** The code as it appears on the wire ({@code invalid_parameter}). */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Code code;

  public WebException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
