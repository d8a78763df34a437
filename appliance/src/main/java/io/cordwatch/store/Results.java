package io.cordwatch.store;

import io.cordwatch.store.Records.SliceRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Grading results: one verdict (JSON) per series and one row per slice. Results describe the images
 * and boxes a series had when it was graded, so whatever changes those deletes them in the same
 * transaction.
 */
final class Results {
  private Results() {}

  /** Replaces a series' verdict and slice rows. */
  static void write(
      Connection c,
      String seriesUid,
      String studyUid,
      String verdictJson,
      List<SliceRow> slices,
      long nowMs)
      throws SQLException {
    delete(c, seriesUid);
    Database.update(
        c,
        "INSERT INTO verdicts(series_uid, study_uid, verdict, graded_ms) VALUES (?, ?, ?, ?)",
        seriesUid,
        studyUid,
        verdictJson,
        nowMs);
    try (PreparedStatement p =
        c.prepareStatement(
            """
            INSERT INTO slice_results(series_uid, ordinal, sop_instance_uid, frame, status,
              grade, probabilities, x0, y0, x1, y1, ood, uncertain, reason, box_source,
              p_high, high_call, tumour_in_box_mm2, call_withdrawn)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
      for (SliceRow r : slices) {
        p.setString(1, seriesUid);
        p.setInt(2, r.ordinal());
        p.setString(3, r.sopInstanceUid());
        p.setInt(4, r.frame());
        p.setString(5, r.status());
        p.setString(6, r.grade());
        p.setString(7, r.probabilitiesJson());
        for (int k = 0; k < 4; k++) {
          Rows.setInteger(p, 8 + k, r.box() == null ? null : r.box()[k]);
        }
        Rows.setDouble(p, 12, r.ood());
        Rows.setInteger(p, 13, Rows.flag(r.uncertain()));
        p.setString(14, r.reason());
        p.setString(15, r.boxSource());
        Rows.setDouble(p, 16, r.pHigh());
        Rows.setInteger(p, 17, Rows.flag(r.highCall()));
        Rows.setDouble(p, 18, r.tumourInBoxMm2());
        Rows.setInteger(p, 19, Rows.flag(r.callWithdrawn()));
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  static void delete(Connection c, String seriesUid) throws SQLException {
    Database.update(c, "DELETE FROM slice_results WHERE series_uid = ?", seriesUid);
    Database.update(c, "DELETE FROM verdicts WHERE series_uid = ?", seriesUid);
  }

  static String verdictOf(Connection c, String seriesUid) throws SQLException {
    return Database.first(
            c,
            "SELECT verdict FROM verdicts WHERE series_uid = ?",
            rs -> rs.getString(1),
            seriesUid)
        .orElse(null);
  }

  static List<SliceRow> slicesOf(Connection c, String seriesUid) throws SQLException {
    return Database.list(
        c,
        "SELECT * FROM slice_results WHERE series_uid = ? ORDER BY ordinal",
        Rows::slice,
        seriesUid);
  }
}
