package io.cordwatch.store;

/** The selection decision stored with a complete series ({@code series.decision}). */
public enum SeriesDecision {
  /** The series is graded. */
  SELECTED,
  /** The series is not graded; its summary says why. */
  SKIPPED;

  /** The spelling stored in the database and shown by the API. */
  public String sql() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
