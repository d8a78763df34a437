package io.cordwatch.dicom;

import java.nio.file.Path;

/**
 * A file could not be turned into {@link InstanceFacts}. It carries a code so that callers (the
 * receiver's quarantine, {@code cordwatch rules test}) can react to the kind of failure without
 * parsing messages, and a short reason fit for one line of operator output.
 */
public final class DicomReadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarsely: enough to choose between "ignore", "quarantine" and "retry". */
  public enum Code {
    /** The file is missing or the operating system would not let us read it. */
    IO,
    /** The bytes are not a DICOM Part 10 file. */
    NOT_DICOM,
    /** It looks like DICOM but the parser gave up on it. */
    MALFORMED,
    /** It parsed, but lacks what every stored instance must have (SOP Class/Instance UID). */
    INCOMPLETE
  }

  private final transient Path file;
  private final Code code;
  private final String reason;

  public DicomReadException(Path file, Code code, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
    this.file = file;
    this.code = code;
    this.reason = reason;
  }

  /** The file that could not be read. */
  public Path file() {
    return file;
  }

  /** The kind of failure. */
  public Code code() {
    return code;
  }

  /** The reason without the file name, e.g. {@code not DICOM (no DICM marker at byte 128)}. */
  public String reason() {
    return reason;
  }
}
