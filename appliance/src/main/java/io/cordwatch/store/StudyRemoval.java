package io.cordwatch.store;

import io.cordwatch.store.Records.RetentionCandidate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL of retention: which studies are settled (nothing arriving, no grading job waiting or
 * running), and the removal of one study's rows. Which settled studies go, and when, is decided
 * outside the store; this class only keeps the rows consistent.
 */
final class StudyRemoval {
  /** A study is settled when none of its series receives and none of its jobs is pending. */
  private static final String SETTLED =
      """
      NOT EXISTS (SELECT 1 FROM series s WHERE s.study_uid = st.study_uid AND s.state = ?)
      AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.study_uid = st.study_uid AND j.state IN (?, ?))""";

  /** The series of a study: its own, and any its instances name (a sender's inconsistency). */
  private static final String SERIES_OF_STUDY =
      "SELECT series_uid FROM series WHERE study_uid = ?1"
          + " UNION SELECT series_uid FROM instances WHERE study_uid = ?1";

  private StudyRemoval() {}

  /** Settled studies, least recently received first, with their instance count and bytes. */
  static List<RetentionCandidate> candidates(Connection c) throws SQLException {
    return Database.list(
        c,
        "SELECT st.study_uid, st.state, st.last_received_ms,"
            + " (SELECT count(*) FROM instances i WHERE i.study_uid = st.study_uid),"
            + " (SELECT coalesce(sum(size_bytes), 0) FROM instances i"
            + " WHERE i.study_uid = st.study_uid)"
            + " FROM studies st WHERE "
            + SETTLED
            + " ORDER BY st.last_received_ms, st.study_uid",
        rs ->
            new RetentionCandidate(
                rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getLong(5)),
        SeriesState.RECEIVING,
        JobState.QUEUED,
        JobState.RUNNING);
  }

  /** Whether the study exists and is settled now. */
  static boolean settled(Connection c, String studyUid) throws SQLException {
    return Database.first(
            c,
            "SELECT 1 FROM studies st WHERE st.study_uid = ? AND " + SETTLED,
            rs -> true,
            studyUid,
            SeriesState.RECEIVING,
            JobState.QUEUED,
            JobState.RUNNING)
        .isPresent();
  }

  /**
   * The relative paths of every file the study's removal would drop: its instances and the results
   * documents written for it (the outbox's files, delivered or given up by then: undelivered ones
   * hold the study). A results document carries the patient's name and IDs as its study does, so it
   * goes with the study rather than stay on the box without one.
   */
  static Set<String> paths(Connection c, String studyUid) throws SQLException {
    return new TreeSet<>(
        Database.list(
            c,
            "SELECT path FROM instances WHERE study_uid = ?1 OR series_uid IN ("
                + SERIES_OF_STUDY
                + ") UNION SELECT path FROM outbox WHERE study_uid = ?1",
            rs -> rs.getString(1),
            studyUid));
  }

  /** Whether an instance or an outbox row still names this file (relative to the data folder). */
  static boolean named(Connection c, String relativePath) throws SQLException {
    return Database.first(
            c,
            "SELECT 1 FROM instances WHERE path = ?1 UNION ALL SELECT 1 FROM outbox WHERE path = ?1"
                + " LIMIT 1",
            rs -> true,
            relativePath)
        .isPresent();
  }

  /**
   * What the removal deleted: series and instance rows, the instances' bytes, and the outbox rows
   * of its results documents.
   */
  record Counts(int series, int instances, long bytes, int results) {}

  /**
   * Deletes the study's rows, children first (slice results, verdicts, jobs, boxes, instances,
   * series, the study), and its outbox rows. A table another stage adds that still names the study
   * makes the foreign key fail and the whole transaction roll back: the study is kept, never half
   * removed.
   */
  static Counts delete(Connection c, String studyUid) throws SQLException {
    Counts counts =
        Database.first(
                c,
                "SELECT (SELECT count(*) FROM ("
                    + SERIES_OF_STUDY
                    + ")),"
                    + " count(*), coalesce(sum(size_bytes), 0),"
                    + " (SELECT count(*) FROM outbox WHERE study_uid = ?1) FROM instances"
                    + " WHERE study_uid = ?1 OR series_uid IN ("
                    + SERIES_OF_STUDY
                    + ")",
                rs -> new Counts(rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getInt(4)),
                studyUid)
            .orElseThrow();
    String inSeries = " WHERE series_uid IN (" + SERIES_OF_STUDY + ")";
    Database.update(c, "DELETE FROM slice_results" + inSeries, studyUid);
    Database.update(c, "DELETE FROM verdicts" + inSeries, studyUid);
    // A shadow model's findings go with the study they are about (they name its UIDs).
    Database.update(c, "DELETE FROM shadow_results WHERE study_uid = ?", studyUid);
    Database.update(c, "DELETE FROM jobs" + inSeries, studyUid);
    Database.update(c, "DELETE FROM boxes WHERE study_uid = ?", studyUid);
    Database.update(c, "DELETE FROM instances" + inSeries + " OR study_uid = ?1", studyUid);
    Database.update(c, "DELETE FROM series" + inSeries, studyUid);
    Database.update(c, "DELETE FROM studies WHERE study_uid = ?", studyUid);
    Database.update(c, "DELETE FROM outbox WHERE study_uid = ?", studyUid);
    return counts;
  }

  /**
   * Why the store itself keeps a study from retention: results queued for a PACS or webhook and not
   * yet delivered (never remove an unpublished verdict), or clinicians' reviews, which are a
   * clinical record that is never deleted (the reviews table refuses deletes) and names the study.
   * Empty when neither holds it.
   */
  static Optional<String> heldByResults(Connection c, String studyUid) throws SQLException {
    return Database.first(
            c,
            "SELECT (SELECT count(*) FROM outbox WHERE study_uid = ?1 AND state = ?2),"
                + " (SELECT count(*) FROM reviews WHERE study_uid = ?1)",
            rs -> {
              long pending = rs.getLong(1);
              long reviews = rs.getLong(2);
              if (pending > 0) {
                return Optional.of(pending + " results not delivered");
              }
              if (reviews > 0) {
                return Optional.of("reviewed by a clinician (" + reviews + " decisions kept)");
              }
              return Optional.<String>empty();
            },
            studyUid,
            OutboxState.PENDING.sql())
        .orElse(Optional.empty());
  }
}
