package io.cordwatch.store;

/**
 * Where a series stands in completion detection; {@link #sql} is the {@code series.state} value.
 */
public enum SeriesState {
  /** Instances may still arrive. */
  RECEIVING,
  /** Stable long enough; it has a selection decision. */
  COMPLETE;

  /** The spelling stored in the database and shown by the API. */
  public String sql() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
