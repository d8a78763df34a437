package io.cordwatch.store;

import io.cordwatch.store.Records.InstanceRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ingest writes: an instance's row together with the series and study it belongs to, and the
 * instance queries the pipeline reads back. Each method runs on the caller's connection, inside the
 * caller's transaction where it writes.
 */
final class Instances {
  private Instances() {}

  /**
   * Inserts or replaces one instance and creates or touches its series and study (both go back to
   * receiving).
   *
   * @return the row it replaced, if the SOP Instance UID was stored before
   */
  static Optional<Replaced> record(
      Connection c, InstanceRow row, String modality, Integer seriesNumber, String description)
      throws SQLException {
    Optional<Replaced> superseded =
        Database.first(
            c,
            "SELECT path, sha256, calling_ae FROM instances WHERE sop_instance_uid = ?",
            rs -> new Replaced(rs.getString(1), rs.getString(2), rs.getString(3)),
            row.sopInstanceUid());
    Database.update(
        c,
        """
        INSERT INTO studies(study_uid, state, first_received_ms, last_received_ms)
        VALUES (?, ?, ?, ?)
        ON CONFLICT(study_uid) DO UPDATE SET
          state = excluded.state,
          last_received_ms = max(last_received_ms, excluded.last_received_ms)""",
        row.studyUid(),
        StudyState.RECEIVING,
        row.receivedMs(),
        row.receivedMs());
    try (PreparedStatement p =
        c.prepareStatement(
            """
            INSERT INTO series(series_uid, study_uid, modality, series_number, description,
                               first_received_ms, last_received_ms, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(series_uid) DO UPDATE SET
              last_received_ms = max(last_received_ms, excluded.last_received_ms),
              state = excluded.state,
              modality = coalesce(series.modality, excluded.modality),
              series_number = coalesce(series.series_number, excluded.series_number),
              description = coalesce(series.description, excluded.description)""")) {
      p.setString(1, row.seriesUid());
      p.setString(2, row.studyUid());
      p.setString(3, modality);
      Rows.setInteger(p, 4, seriesNumber);
      p.setString(5, description);
      p.setLong(6, row.receivedMs());
      p.setLong(7, row.receivedMs());
      p.setString(8, SeriesState.RECEIVING.sql());
      p.executeUpdate();
    }
    Database.update(
        c,
        """
        INSERT INTO instances(sop_instance_uid, sop_class_uid, study_uid, series_uid,
                              transfer_syntax, path, size_bytes, sha256, received_ms,
                              calling_ae, facts)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(sop_instance_uid) DO UPDATE SET
          sop_class_uid = excluded.sop_class_uid, study_uid = excluded.study_uid,
          series_uid = excluded.series_uid, transfer_syntax = excluded.transfer_syntax,
          path = excluded.path, size_bytes = excluded.size_bytes, sha256 = excluded.sha256,
          received_ms = excluded.received_ms, calling_ae = excluded.calling_ae,
          facts = excluded.facts""",
        row.sopInstanceUid(),
        row.sopClassUid(),
        row.studyUid(),
        row.seriesUid(),
        row.transferSyntax(),
        row.path(),
        row.sizeBytes(),
        row.sha256(),
        row.receivedMs(),
        row.callingAe(),
        row.factsJson());
    return superseded;
  }

  /** What a re-sent instance replaced: the earlier copy's file, content hash and sender. */
  record Replaced(String path, String sha256, String callingAe) {}

  /** Deletes an instance's row and puts its series back to receiving. */
  static void forget(Connection c, InstanceRow row, long nowMs) throws SQLException {
    Database.update(c, "DELETE FROM instances WHERE id = ?", row.id());
    Database.update(
        c,
        "UPDATE series SET state = ?, last_received_ms = ? WHERE series_uid = ?",
        SeriesState.RECEIVING,
        nowMs,
        row.seriesUid());
  }

  static Optional<InstanceRow> find(Connection c, String sopInstanceUid) throws SQLException {
    return Database.first(
        c, "SELECT * FROM instances WHERE sop_instance_uid = ?", Rows::instance, sopInstanceUid);
  }

  static List<InstanceRow> ofSeries(Connection c, String seriesUid) throws SQLException {
    return Database.list(
        c, "SELECT * FROM instances WHERE series_uid = ? ORDER BY id", Rows::instance, seriesUid);
  }

  static List<InstanceRow> ofStudy(Connection c, String studyUid) throws SQLException {
    return Database.list(
        c, "SELECT * FROM instances WHERE study_uid = ? ORDER BY id", Rows::instance, studyUid);
  }

  static List<String> factsOfSeries(Connection c, String seriesUid) throws SQLException {
    return Database.list(
        c,
        "SELECT facts FROM instances WHERE series_uid = ? ORDER BY id",
        rs -> rs.getString(1),
        seriesUid);
  }

  static List<InstanceRow> all(Connection c) throws SQLException {
    return Database.list(c, "SELECT * FROM instances ORDER BY id", Rows::instance);
  }

  /** The series that hold any of these instances, in UID order. */
  static Set<String> seriesOf(Connection c, Set<String> sopInstanceUids) throws SQLException {
    Set<String> series = new TreeSet<>();
    for (String sop : sopInstanceUids) {
      series.addAll(
          Database.list(
              c,
              "SELECT series_uid FROM instances WHERE sop_instance_uid = ?",
              rs -> rs.getString(1),
              sop));
    }
    return series;
  }
}
