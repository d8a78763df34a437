package io.cordwatch.receive;

/**
 * The DIMSE status codes the receiver answers with (PS3.4 Annex B, PS3.7 Annex C), and the failure
 * that carries one with its ErrorComment up to the response writer.
 */
public final class DimseStatus {
  public static final int SUCCESS = 0x0000;

  /** Refused: out of resources (disk below reserve, object too large, storage failure). */
  public static final int OUT_OF_RESOURCES = 0xA700;

  /** Error: data set does not match SOP class (its UIDs disagree with the command). */
  public static final int DATASET_DOES_NOT_MATCH = 0xA900;

  /** Error: cannot understand (unparseable, truncated or invalid data set). */
  public static final int CANNOT_UNDERSTAND = 0xC000;

  /** Refused: SOP class not supported. */
  public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;

  private DimseStatus() {}

  /**
   * A C-STORE that must be answered with {@code status} and {@code comment}; {@code reason} is for
   * metrics.
   */
  public static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String reason;

    public Failure(int status, String reason, String comment) {
      super(comment);
      this.status = status;
      this.reason = reason;
    }

    public Failure(int status, String reason, String comment, Throwable cause) {
      super(comment, cause);
      this.status = status;
      this.reason = reason;
    }

    public int status() {
      return status;
    }

    /** A short fixed word for the metrics label (never peer data). */
    public String reason() {
      return reason;
    }
  }
}
