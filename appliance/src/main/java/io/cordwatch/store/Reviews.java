package io.cordwatch.store;

import io.cordwatch.store.Records.ReviewRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of clinicians' reviews (schema version 9): append-only rows, one per decision. The
 * current decision on a study or slice is its latest row; the table's triggers refuse updates and
 * deletes, so "history kept" holds for every writer, not only for this class.
 */
final class Reviews {
  private Reviews() {}

  /** Appends one decision; returns the row as stored, with its id. */
  static ReviewRow add(Connection c, ReviewRow r) throws SQLException {
    int[] b = r.box();
    try (PreparedStatement p =
        c.prepareStatement(
            """
            INSERT INTO reviews(study_uid, series_uid, sop_instance_uid, frame, decision, grade,
              model_grade, model, x0, y0, x1, y1, user_name, at_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            Statement.RETURN_GENERATED_KEYS)) {
      Database.bind(
          p,
          r.studyUid(),
          r.seriesUid(),
          r.sopInstanceUid(),
          r.frame(),
          r.decision(),
          r.grade(),
          r.modelGrade(),
          r.model(),
          b == null ? null : b[0],
          b == null ? null : b[1],
          b == null ? null : b[2],
          b == null ? null : b[3],
          r.userName(),
          r.atMs());
      p.executeUpdate();
      long id;
      try (ResultSet keys = p.getGeneratedKeys()) {
        keys.next();
        id = keys.getLong(1);
      }
      return Database.first(c, "SELECT * FROM reviews WHERE id = ?", Reviews::row, id)
          .orElseThrow();
    }
  }

  /** Every decision on a study, oldest first. */
  static List<ReviewRow> ofStudy(Connection c, String studyUid) throws SQLException {
    return Database.list(
        c, "SELECT * FROM reviews WHERE study_uid = ? ORDER BY id", Reviews::row, studyUid);
  }

  /**
   * The current decision on every study and slice that has one: the latest row per (study,
   * instance, frame), by study then order of recording. (GROUP BY puts the null instance and frame
   * of study decisions in one group per study.)
   */
  static List<ReviewRow> current(Connection c) throws SQLException {
    return Database.list(
        c,
        """
        SELECT * FROM reviews WHERE id IN
          (SELECT max(id) FROM reviews GROUP BY study_uid, sop_instance_uid, frame)
        ORDER BY study_uid, id""",
        Reviews::row);
  }

  /** The latest decision on a study's grade. */
  static Optional<ReviewRow> latestOfStudy(Connection c, String studyUid) throws SQLException {
    return Database.first(
        c,
        "SELECT * FROM reviews WHERE study_uid = ? AND sop_instance_uid IS NULL"
            + " ORDER BY id DESC LIMIT 1",
        Reviews::row,
        studyUid);
  }

  /** How many slices of a study have a decision. */
  static int reviewedSlices(Connection c, String studyUid) throws SQLException {
    return Database.first(
            c,
            "SELECT count(DISTINCT sop_instance_uid || '#' || frame) FROM reviews"
                + " WHERE study_uid = ? AND sop_instance_uid IS NOT NULL",
            rs -> rs.getInt(1),
            studyUid)
        .orElse(0);
  }

  private static ReviewRow row(ResultSet rs) throws SQLException {
    Integer x0 = Rows.integer(rs, "x0");
    return new ReviewRow(
        rs.getLong("id"),
        rs.getString("study_uid"),
        rs.getString("series_uid"),
        rs.getString("sop_instance_uid"),
        Rows.integer(rs, "frame"),
        rs.getString("decision"),
        rs.getString("grade"),
        rs.getString("model_grade"),
        rs.getString("model"),
        x0 == null ? null : new int[] {x0, rs.getInt("y0"), rs.getInt("x1"), rs.getInt("y1")},
        rs.getString("user_name"),
        rs.getLong("at_ms"));
  }
}
