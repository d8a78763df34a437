package io.cordwatch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Keeps {@code studies.state} true to its series and jobs: every write that changes a series or a
 * job calls {@link #refresh} in the same transaction; the rule itself is {@link StudyState#derive}.
 */
final class StudyStates {
  private StudyStates() {}

  static void refresh(Connection c, String studyUid) throws SQLException {
    StudyState state;
    try (PreparedStatement p =
        c.prepareStatement(
            """
            SELECT
              (SELECT count(*) FROM series WHERE study_uid = ?1 AND state = ?2),
              (SELECT count(*) FROM jobs WHERE study_uid = ?1 AND state IN (?3, ?4)),
              (SELECT count(*) FROM series WHERE study_uid = ?1 AND decision = ?5),
              (SELECT count(*) FROM jobs WHERE study_uid = ?1 AND state = ?6),
              (SELECT count(*) FROM jobs WHERE study_uid = ?1 AND state = ?7)""")) {
      Database.bind(
          p,
          studyUid,
          SeriesState.RECEIVING,
          JobState.QUEUED,
          JobState.RUNNING,
          SeriesDecision.SELECTED,
          JobState.FAILED,
          JobState.DONE);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        state =
            StudyState.derive(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5));
      }
    }
    Database.update(c, "UPDATE studies SET state = ? WHERE study_uid = ?", state, studyUid);
  }
}
