package io.cordwatch.trainer.dataset;

/**
 * A training or validation set that cannot be used, with a code saying what kind of problem it is
 * and a message naming the folder, file or class involved. Thrown before any training starts, so an
 * operator learns about a bad label file in seconds, not after an hour of epochs.
 */
public final class DatasetException extends RuntimeException {
  /** What is wrong. */
  public enum Code {
    /** The data folder does not exist or holds no DICOM files. */
    NO_DATA,
    /** No labels.csv and no LabelImg XML files were found. */
    NO_LABELS,
    /** A label file cannot be read or has a bad value (the message names file and line). */
    BAD_LABELS,
    /** Labels name slices for which no DICOM file was found under the data folder. */
    MISSING_IMAGES,
    /** A class has no training slices, so its prototype could not be learnt. */
    EMPTY_CLASS,
    /** The studies cannot be split into training and validation sets. */
    CANNOT_SPLIT
  }

  private final Code code;

  public DatasetException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public DatasetException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
