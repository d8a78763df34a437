package io.cordwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Completion and selection writes on a series. */
final class Series {
  private Series() {}

  static Optional<String> studyOf(Connection c, String seriesUid) throws SQLException {
    return Database.first(
        c, "SELECT study_uid FROM series WHERE series_uid = ?", rs -> rs.getString(1), seriesUid);
  }

  /** Marks a series complete with its selection decision. */
  static void complete(
      Connection c,
      String seriesUid,
      long nowMs,
      SeriesDecision decision,
      String summary,
      String reasonsJson)
      throws SQLException {
    Database.update(
        c,
        "UPDATE series SET state = ?, completed_ms = ?, decision = ?, decision_summary = ?,"
            + " decision_reasons = ? WHERE series_uid = ?",
        SeriesState.COMPLETE,
        nowMs,
        decision,
        summary,
        reasonsJson,
        seriesUid);
  }

  /** Whether the series exists and is still receiving (not yet complete). */
  static boolean receiving(Connection c, String seriesUid) throws SQLException {
    return Database.first(
            c,
            "SELECT 1 FROM series WHERE series_uid = ? AND state = ?",
            rs -> rs.getInt(1),
            seriesUid,
            SeriesState.RECEIVING)
        .isPresent();
  }

  static void markReleased(Connection c, String seriesUid, long atMs) throws SQLException {
    Database.update(
        c, "UPDATE series SET last_release_ms = ? WHERE series_uid = ?", atMs, seriesUid);
  }
}
