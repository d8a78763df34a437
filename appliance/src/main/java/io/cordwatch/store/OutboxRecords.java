package io.cordwatch.store;

/** The rows of the results outbox, as the store takes and returns them. */
public final class OutboxRecords {
  private OutboxRecords() {}

  /**
   * One thing to deliver to one destination, as queued with a verdict.
   *
   * @param kind what it is ({@code sr}, {@code kos}, ...)
   * @param objectUid its SOP Instance UID (stable per verdict; with the destination, the row's key)
   * @param sopClassUid its SOP Class UID
   * @param path its file, relative to the data directory
   * @param destination where it goes, as configured (e.g. {@code PACS@10.0.0.5:104})
   */
  public record Item(
      String kind, String objectUid, String sopClassUid, String path, String destination) {}

  /** A queued delivery and how it has gone so far. */
  public record Row(
      long id,
      String kind,
      String studyUid,
      String seriesUid,
      String objectUid,
      String sopClassUid,
      String path,
      String destination,
      String state,
      int attempts,
      long createdMs,
      long updatedMs,
      long nextAttemptMs,
      Long sentMs,
      String lastError) {}

  /**
   * The outbox in numbers, for status and metrics (no patient data).
   *
   * @param pending rows waiting to be sent (due or not)
   * @param failing pending rows whose last attempt failed
   * @param failed rows given up on
   * @param sent rows delivered
   * @param oldestPendingMs when the oldest pending row was queued; null when none is
   */
  public record Counts(long pending, long failing, long failed, long sent, Long oldestPendingMs) {}
}
