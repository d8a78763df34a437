package io.cordwatch.roi;

import java.nio.file.Path;

/** A box file that cannot be used; the message names the file and, where there is one, the line. */
public final class BoxFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;

  public BoxFileException(Path file, int line, String reason) {
    this(file, line, reason, null);
  }

  public BoxFileException(Path file, int line, String reason, Throwable cause) {
    super(file + (line > 0 ? ":" + line : "") + ": " + reason, cause);
    this.file = file;
    this.line = line;
  }

  public Path file() {
    return file;
  }

  /** 1-based line, or 0 when the problem is not on one line. */
  public int line() {
    return line;
  }
}
