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

  /**
   * How a sent row's delivery was proven; {@link #sql} is the {@code outbox.sent_via} value.
   *
   * <ul>
   *   <li>{@code C_STORE}: the destination answered our C-STORE with success;
   *   <li>{@code C_FIND}: a C-STORE of the row had been started before (its outcome lost to a crash
   *       or a broken association), and the destination's instance-level C-FIND found the document:
   *       confirmed by C-FIND, not sent again;
   *   <li>{@code WEBHOOK}: the alert's POST was answered with success.
   * </ul>
   */
  public enum Via {
    C_STORE,
    C_FIND,
    WEBHOOK;

    /** The spelling stored in the database and shown in logs ({@code c-store}, ...). */
    public String sql() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * A queued delivery and how it has gone so far.
   *
   * @param startedMs when a C-STORE of it was last about to go (null: never), so whether the
   *     destination may hold it already
   * @param sentVia how its delivery was proven ({@link Via#sql}); null while not sent
   */
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
      String lastError,
      Long startedMs,
      String sentVia) {}

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
