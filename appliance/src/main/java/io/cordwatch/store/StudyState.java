package io.cordwatch.store;

/**
 * Where a study stands, derived from its series and their jobs each time one of them changes. The
 * {@link #sql} spelling is what the {@code studies.state} column and the API carry.
 */
public enum StudyState {
  /** A series of the study is still receiving instances. */
  RECEIVING,
  /** Every series is complete and a grading job is queued or running. */
  QUEUED,
  /** No series was selected for grading. */
  NOT_ELIGIBLE,
  /** Selected series exist but none has a job that ran (e.g. only skipped ones graded). */
  COMPLETE,
  /** Every job has finished and at least one is done. */
  GRADED,
  /** A job failed for good. */
  FAILED;

  /** The spelling stored in the database and shown by the API. */
  public String sql() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The state of a study whose series and jobs are counted as given: receiving wins over queued,
   * which wins over the outcome of the jobs that ran.
   */
  static StudyState derive(
      int seriesReceiving, int jobsPending, int seriesSelected, int jobsFailed, int jobsDone) {
    if (seriesReceiving > 0) {
      return RECEIVING;
    } else if (jobsPending > 0) {
      return QUEUED;
    } else if (seriesSelected == 0) {
      return NOT_ELIGIBLE;
    } else if (jobsFailed > 0) {
      return FAILED;
    } else if (jobsDone > 0) {
      return GRADED;
    }
    return COMPLETE;
  }
}
