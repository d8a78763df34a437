package io.cordwatch.store;

import io.cordwatch.store.Records.JobRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The grading queue: one job per series, moved between the {@link JobState}s only here. A job is
 * claimed in creation order once due ({@code next_attempt_ms}); finishing or failing it is
 * conditional on it still running, because new input may have put it back in the queue meanwhile.
 * Callers refresh the study's state in the same transaction.
 */
final class JobQueue {
  private JobQueue() {}

  /** Queues the series' job, or queues its existing job again from scratch. */
  static void enqueue(Connection c, String seriesUid, String studyUid, long nowMs)
      throws SQLException {
    Database.update(
        c,
        """
        INSERT INTO jobs(series_uid, study_uid, state, created_ms, updated_ms)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(series_uid) DO UPDATE SET
          state = excluded.state, updated_ms = excluded.updated_ms, error = NULL,
          attempts = 0, next_attempt_ms = NULL""",
        seriesUid,
        studyUid,
        JobState.QUEUED,
        nowMs,
        nowMs);
  }

  /** The oldest due queued job, now running with one more attempt; empty when none is due. */
  static Optional<JobRow> claim(Connection c, long nowMs) throws SQLException {
    List<JobRow> due =
        Database.list(
            c,
            "SELECT * FROM jobs WHERE state = ?"
                + " AND (next_attempt_ms IS NULL OR next_attempt_ms <= ?)"
                + " ORDER BY created_ms, id LIMIT 1",
            Rows::job,
            JobState.QUEUED,
            nowMs);
    if (due.isEmpty()) {
      return Optional.empty();
    }
    JobRow job = due.getFirst();
    Database.update(
        c,
        "UPDATE jobs SET state = ?, attempts = attempts + 1, updated_ms = ?,"
            + " next_attempt_ms = NULL WHERE id = ?",
        JobState.RUNNING,
        nowMs,
        job.id());
    return Optional.of(
        new JobRow(
            job.id(),
            job.seriesUid(),
            job.studyUid(),
            JobState.RUNNING.sql(),
            job.createdMs(),
            nowMs,
            job.attempts() + 1,
            job.error(),
            null));
  }

  /** Marks a running job done; false (and nothing changed) when it is no longer running. */
  static boolean finish(Connection c, JobRow job, long nowMs) throws SQLException {
    return Database.update(
            c,
            "UPDATE jobs SET state = ?, error = NULL, updated_ms = ? WHERE id = ? AND state = ?",
            JobState.DONE,
            nowMs,
            job.id(),
            JobState.RUNNING)
        > 0;
  }

  /** A running job back to queued (due at {@code nextAttemptMs}, null for now) or failed. */
  static void fail(
      Connection c, JobRow job, String reason, boolean retry, Long nextAttemptMs, long nowMs)
      throws SQLException {
    Database.update(
        c,
        "UPDATE jobs SET state = ?, error = ?, updated_ms = ?, next_attempt_ms = ?"
            + " WHERE id = ? AND state = ?",
        retry ? JobState.QUEUED : JobState.FAILED,
        reason,
        nowMs,
        retry ? nextAttemptMs : null,
        job.id(),
        JobState.RUNNING);
  }

  /** Jobs left running by a previous process back to queued, due now; returns how many. */
  static int requeueRunning(Connection c, long nowMs) throws SQLException {
    return Database.update(
        c,
        "UPDATE jobs SET state = ?, updated_ms = ?, next_attempt_ms = NULL WHERE state = ?",
        JobState.QUEUED,
        nowMs,
        JobState.RUNNING);
  }

  /**
   * Queues a series' job again from scratch if it has run or is running (a queued one already
   * waits; a series without a job was never selected); returns whether it did.
   */
  static boolean requeue(Connection c, String seriesUid, long nowMs) throws SQLException {
    return Database.update(
            c,
            "UPDATE jobs SET state = ?, attempts = 0, error = NULL, next_attempt_ms = NULL,"
                + " updated_ms = ? WHERE series_uid = ? AND state IN (?, ?, ?)",
            JobState.QUEUED,
            nowMs,
            seriesUid,
            JobState.DONE,
            JobState.FAILED,
            JobState.RUNNING)
        > 0;
  }

  static List<JobRow> inState(Connection c, JobState state) throws SQLException {
    return Database.list(
        c, "SELECT * FROM jobs WHERE state = ? ORDER BY created_ms, id", Rows::job, state);
  }

  static JobRow ofSeries(Connection c, String seriesUid) throws SQLException {
    return Database.first(c, "SELECT * FROM jobs WHERE series_uid = ?", Rows::job, seriesUid)
        .orElse(null);
  }
}
