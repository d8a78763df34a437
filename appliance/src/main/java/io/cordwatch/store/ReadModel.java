package io.cordwatch.store;

import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.store.Records.Totals;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the API, the status page and the pipeline read: studies and series with their counts, job,
 * verdict and slice results. Queries only.
 */
final class ReadModel {
  private static final String SERIES_WITH_COUNT =
      "SELECT s.*, (SELECT count(*) FROM instances i WHERE i.series_uid = s.series_uid) AS n"
          + " FROM series s";
  private static final String STUDY_WITH_COUNTS =
      "SELECT st.*,"
          + " (SELECT count(*) FROM instances i WHERE i.study_uid = st.study_uid) AS n,"
          + " (SELECT count(*) FROM series s WHERE s.study_uid = st.study_uid) AS ns"
          + " FROM studies st";

  private ReadModel() {}

  /** Series in a state, oldest activity first, with their jobs and results. */
  static List<SeriesRow> seriesInState(Connection c, String state) throws SQLException {
    return withResults(
        c,
        Database.list(
            c,
            SERIES_WITH_COUNT + " WHERE state = ? ORDER BY last_received_ms",
            Rows::series,
            state));
  }

  /** Studies, newest activity first, optionally only those in {@code state}, without series. */
  static List<StudyRow> studies(Connection c, String state, int limit) throws SQLException {
    return state == null
        ? Database.list(c, studiesSql(false), rs -> Rows.study(rs, List.of()), limit)
        : Database.list(c, studiesSql(true), rs -> Rows.study(rs, List.of()), state, limit);
  }

  /**
   * The study list's query, with a {@code state = ?} filter or without. The newest {@code limit}
   * studies are picked first and only they are counted: SQLite computes a result column before it
   * sorts, so counting in the outer query of a sorted LIMIT counted the instances and series of
   * every study on the box at each request (each count is an index search, instances_by_study and
   * series_by_study, but there is one per study), which a client polling the list pays for as the
   * box fills. The studies table itself is small; sorting it needs no index of its own.
   */
  static String studiesSql(boolean byState) {
    String order = " ORDER BY last_received_ms DESC, study_uid";
    return "SELECT st.*,"
        + " (SELECT count(*) FROM instances i WHERE i.study_uid = st.study_uid) AS n,"
        + " (SELECT count(*) FROM series s WHERE s.study_uid = st.study_uid) AS ns"
        + " FROM (SELECT * FROM studies"
        + (byState ? " WHERE state = ?" : "")
        + order
        + " LIMIT ?) st"
        + order;
  }

  /** One study with its series, their selection decisions, jobs and results. */
  static Optional<StudyRow> study(Connection c, String studyUid) throws SQLException {
    List<SeriesRow> series =
        withResults(
            c,
            Database.list(
                c,
                SERIES_WITH_COUNT + " WHERE study_uid = ? ORDER BY series_number, series_uid",
                Rows::series,
                studyUid));
    return Database.first(
        c, STUDY_WITH_COUNTS + " WHERE study_uid = ?", rs -> Rows.study(rs, series), studyUid);
  }

  /** The stored verdicts (JSON) of a study's graded series, by series number. */
  static List<String> verdictsOfStudy(Connection c, String studyUid) throws SQLException {
    return Database.list(
        c,
        "SELECT v.verdict FROM series s JOIN verdicts v ON v.series_uid = s.series_uid"
            + " WHERE s.study_uid = ? ORDER BY s.series_number, s.series_uid",
        rs -> rs.getString(1),
        studyUid);
  }

  /** The facts JSON of a study's first stored instance, if it has one. */
  static Optional<String> firstFactsOfStudy(Connection c, String studyUid) throws SQLException {
    return Database.first(
        c,
        "SELECT facts FROM instances WHERE study_uid = ? ORDER BY id LIMIT 1",
        rs -> rs.getString(1),
        studyUid);
  }

  static Totals totals(Connection c) throws SQLException {
    return Database.list(
            c,
            """
            SELECT (SELECT count(*) FROM studies), (SELECT count(*) FROM series),
                   (SELECT count(*) FROM instances), (SELECT coalesce(sum(size_bytes),0) FROM instances),
                   (SELECT count(*) FROM jobs WHERE state = ?),
                   (SELECT count(*) FROM jobs WHERE state = ?)""",
            rs ->
                new Totals(
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getLong(6)),
            JobState.QUEUED,
            JobState.RUNNING)
        .getFirst();
  }

  private static List<SeriesRow> withResults(Connection c, List<SeriesRow> rows)
      throws SQLException {
    List<SeriesRow> out = new ArrayList<>(rows.size());
    for (SeriesRow s : rows) {
      String verdict = Results.verdictOf(c, s.seriesUid());
      out.add(
          new SeriesRow(
              s.seriesUid(),
              s.studyUid(),
              s.modality(),
              s.seriesNumber(),
              s.description(),
              s.instanceCount(),
              s.firstReceivedMs(),
              s.lastReceivedMs(),
              s.lastReleaseMs(),
              s.state(),
              s.completedMs(),
              s.decision(),
              s.decisionSummary(),
              s.decisionReasons(),
              JobQueue.ofSeries(c, s.seriesUid()),
              verdict,
              verdict == null ? List.of() : Results.slicesOf(c, s.seriesUid())));
    }
    return out;
  }
}
