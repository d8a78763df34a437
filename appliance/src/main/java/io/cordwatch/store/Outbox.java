package io.cordwatch.store;

import io.cordwatch.store.OutboxRecords.Counts;
import io.cordwatch.store.OutboxRecords.Item;
import io.cordwatch.store.OutboxRecords.Row;
import io.cordwatch.store.OutboxRecords.Via;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The results outbox: one row per document and destination, moved between the {@link OutboxState}s
 * only here. Rows are queued in the transaction that stores their verdict, so a verdict never
 * exists without its deliveries; a row's key is the document's UID and the destination, so queueing
 * the same document again is a no-op.
 */
final class Outbox {
  private Outbox() {}

  /** Pending rows of the series' earlier verdicts: superseded; returns how many. */
  static int supersede(Connection c, String seriesUid, long nowMs) throws SQLException {
    return Database.update(
        c,
        "UPDATE outbox SET state = ?, updated_ms = ? WHERE series_uid = ? AND state = ?",
        OutboxState.SUPERSEDED.sql(),
        nowMs,
        seriesUid,
        OutboxState.PENDING.sql());
  }

  /** Queues each item, due now; an item already queued is left as it is. */
  static void enqueue(Connection c, String studyUid, String seriesUid, List<Item> items, long nowMs)
      throws SQLException {
    for (Item i : items) {
      Database.update(
          c,
          """
          INSERT INTO outbox(kind, study_uid, series_uid, object_uid, sop_class_uid, path,
            destination, state, attempts, created_ms, updated_ms, next_attempt_ms)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
          ON CONFLICT(object_uid, destination) DO NOTHING""",
          i.kind(),
          studyUid,
          seriesUid,
          i.objectUid(),
          i.sopClassUid(),
          i.path(),
          i.destination(),
          OutboxState.PENDING.sql(),
          nowMs,
          nowMs,
          nowMs);
    }
  }

  /** Pending rows due at {@code nowMs}, oldest due first, at most {@code limit}. */
  static List<Row> due(Connection c, long nowMs, int limit) throws SQLException {
    return Database.list(
        c,
        "SELECT * FROM outbox WHERE state = ? AND next_attempt_ms <= ?"
            + " ORDER BY next_attempt_ms, id LIMIT ?",
        Outbox::row,
        OutboxState.PENDING.sql(),
        nowMs,
        limit);
  }

  /** The earliest due time of a pending row; null when none is pending. */
  static Long nextDue(Connection c) throws SQLException {
    return Database.first(
            c,
            "SELECT next_attempt_ms FROM outbox WHERE state = ? ORDER BY next_attempt_ms LIMIT 1",
            rs -> rs.getLong(1),
            OutboxState.PENDING.sql())
        .orElse(null);
  }

  /**
   * Pending rows whose C-STORE is about to go: {@code started_ms} set, so that after a crash the
   * sender knows the destination may hold them.
   */
  static void started(Connection c, List<Long> ids, long nowMs) throws SQLException {
    for (long id : ids) {
      Database.update(
          c,
          "UPDATE outbox SET started_ms = ? WHERE id = ? AND state = ?",
          nowMs,
          id,
          OutboxState.PENDING.sql());
    }
  }

  /** A pending row delivered, proven {@code via}: sent. False when it was no longer pending. */
  static boolean delivered(Connection c, long id, Via via, long nowMs) throws SQLException {
    return Database.update(
            c,
            "UPDATE outbox SET state = ?, attempts = attempts + 1, updated_ms = ?, sent_ms = ?,"
                + " sent_via = ?, last_error = NULL WHERE id = ? AND state = ?",
            OutboxState.SENT.sql(),
            nowMs,
            nowMs,
            via.sql(),
            id,
            OutboxState.PENDING.sql())
        > 0;
  }

  /** A pending row's attempt failed: due again at {@code nextAttemptMs}, or failed for good. */
  static boolean attemptFailed(
      Connection c, long id, String error, boolean giveUp, long nextAttemptMs, long nowMs)
      throws SQLException {
    return Database.update(
            c,
            "UPDATE outbox SET state = ?, attempts = attempts + 1, updated_ms = ?, last_error = ?,"
                + " next_attempt_ms = ? WHERE id = ? AND state = ?",
            giveUp ? OutboxState.FAILED.sql() : OutboxState.PENDING.sql(),
            nowMs,
            error,
            nextAttemptMs,
            id,
            OutboxState.PENDING.sql())
        > 0;
  }

  static Counts counts(Connection c) throws SQLException {
    return Database.first(
            c,
            """
            SELECT
              sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END),
              sum(CASE WHEN state = 'pending' AND last_error IS NOT NULL THEN 1 ELSE 0 END),
              sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END),
              sum(CASE WHEN state = 'sent' THEN 1 ELSE 0 END),
              min(CASE WHEN state = 'pending' THEN created_ms END)
            FROM outbox""",
            rs -> {
              long oldest = rs.getLong(5);
              Long oldestOrNull = rs.wasNull() ? null : oldest;
              return new Counts(
                  rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), oldestOrNull);
            })
        .orElseThrow();
  }

  static List<Row> ofStudy(Connection c, String studyUid) throws SQLException {
    return Database.list(
        c, "SELECT * FROM outbox WHERE study_uid = ? ORDER BY id", Outbox::row, studyUid);
  }

  static Row row(ResultSet rs) throws SQLException {
    long sent = rs.getLong("sent_ms");
    Long sentMs = rs.wasNull() ? null : sent;
    long started = rs.getLong("started_ms");
    Long startedMs = rs.wasNull() ? null : started;
    return new Row(
        rs.getLong("id"),
        rs.getString("kind"),
        rs.getString("study_uid"),
        rs.getString("series_uid"),
        rs.getString("object_uid"),
        rs.getString("sop_class_uid"),
        rs.getString("path"),
        rs.getString("destination"),
        rs.getString("state"),
        rs.getInt("attempts"),
        rs.getLong("created_ms"),
        rs.getLong("updated_ms"),
        rs.getLong("next_attempt_ms"),
        sentMs,
        rs.getString("last_error"),
        startedMs,
        rs.getString("sent_via"));
  }
}
