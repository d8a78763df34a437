package io.cordwatch.store;

/**
 * A grading job's state; {@link #sql} is the {@code jobs.state} value. Queued goes to running when
 * claimed; running to done, to queued again (retry, or new input for the series) or to failed.
 */
public enum JobState {
  QUEUED,
  RUNNING,
  DONE,
  FAILED;

  /** The spelling stored in the database and shown by the API. */
  public String sql() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
