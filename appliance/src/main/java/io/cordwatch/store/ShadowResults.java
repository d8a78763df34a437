package io.cordwatch.store;

import io.cordwatch.store.Records.SliceRow;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of what a shadow bundle found (schema step {@code shadow_results}): one row per series
 * graded in shadow, with the series' verdict and its slices as the grading stage wrote them (JSON),
 * kept apart from the active model's {@code verdicts} and {@code slice_results} so nothing that
 * reads those (results view, outbox, alerts, metrics) ever sees a shadow finding. A series graded
 * again (new boxes, new instances) gets a new row; the latest per series and bundle counts.
 */
public final class ShadowResults {
  /**
   * One series graded in shadow.
   *
   * @param bundleSha256 the SHA-256 of the shadow bundle's manifest
   * @param grade the series' grade (highest confident slice grade), null when none
   * @param group {@code high}, {@code low} or {@code indeterminate}
   * @param verdictJson the verdict as {@code grade.VerdictJson} writes it
   * @param slicesJson the slices: {@code [{sop_instance_uid, frame, status, grade, p_high,
   *     high_call}, ...]}
   */
  public record Row(
      long id,
      String studyUid,
      String seriesUid,
      String bundleId,
      String bundleSha256,
      String grade,
      String group,
      String indeterminateReason,
      String verdictJson,
      String slicesJson,
      long atMs) {}

  /**
   * A series graded by both: the active model's stored verdict and slices beside the latest shadow
   * row of one bundle.
   */
  public record Pair(String activeVerdictJson, List<SliceRow> activeSlices, Row shadow) {}

  private final Database db;

  ShadowResults(Database db) {
    this.db = db;
  }

  /** Stores one shadow grading; returns its row id. */
  public long add(Row r) {
    return db.transaction(
        c -> {
          Database.update(
              c,
              "INSERT INTO shadow_results(study_uid, series_uid, bundle_id, bundle_sha256, grade,"
                  + " grp, indeterminate_reason, verdict, slices, at_ms)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              r.studyUid(),
              r.seriesUid(),
              r.bundleId(),
              r.bundleSha256(),
              r.grade(),
              r.group(),
              r.indeterminateReason(),
              r.verdictJson(),
              r.slicesJson(),
              r.atMs());
          return Database.first(c, "SELECT last_insert_rowid()", rs -> rs.getLong(1)).orElseThrow();
        });
  }

  /** How many series {@code bundleId} graded in shadow. */
  public long seriesCount(String bundleId) {
    return db.read(
        c ->
            Database.first(
                    c,
                    "SELECT count(DISTINCT series_uid) FROM shadow_results WHERE bundle_id = ?",
                    rs -> rs.getLong(1),
                    bundleId)
                .orElse(0L));
  }

  /** The bundles that graded in shadow here, latest first. */
  public List<String> bundles() {
    return db.read(ShadowResults::bundles);
  }

  static List<String> bundles(Connection c) throws SQLException {
    return Database.list(
        c,
        "SELECT bundle_id FROM shadow_results GROUP BY bundle_id ORDER BY max(id) DESC",
        rs -> rs.getString(1));
  }

  /** Every shadow row of a series, oldest first. */
  public List<Row> ofSeries(String seriesUid) {
    return db.read(
        c ->
            Database.list(
                c,
                "SELECT * FROM shadow_results WHERE series_uid = ? ORDER BY id",
                ShadowResults::row,
                seriesUid));
  }

  /**
   * For each series {@code bundleId} graded in shadow and the active model graded too, the latest
   * shadow row beside the active verdict it followed, in the order the series were graded; a series
   * whose verdict is newer than its shadow row (graded again while shadow was off) is left out.
   */
  public List<Pair> pairs(String bundleId) {
    return db.read(c -> pairs(c, bundleId));
  }

  static List<Pair> pairs(Connection c, String bundleId) throws SQLException {
    List<Row> latest =
        Database.list(
            c,
            "SELECT * FROM shadow_results WHERE id IN (SELECT max(id) FROM shadow_results"
                + " WHERE bundle_id = ? GROUP BY series_uid) ORDER BY id",
            ShadowResults::row,
            bundleId);
    List<Pair> out = new ArrayList<>();
    for (Row r : latest) {
      // A verdict committed after the shadow row (graded again while shadow was off) is not what
      // the shadow saw: the pair would compare different inputs.
      Optional<String> verdict =
          Database.first(
              c,
              "SELECT verdict FROM verdicts WHERE series_uid = ? AND graded_ms <= ?",
              rs -> rs.getString(1),
              r.seriesUid(),
              r.atMs());
      if (verdict.isPresent()) {
        out.add(new Pair(verdict.get(), Results.slicesOf(c, r.seriesUid()), r));
      }
    }
    return out;
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getLong("id"),
        rs.getString("study_uid"),
        rs.getString("series_uid"),
        rs.getString("bundle_id"),
        rs.getString("bundle_sha256"),
        rs.getString("grade"),
        rs.getString("grp"),
        rs.getString("indeterminate_reason"),
        rs.getString("verdict"),
        rs.getString("slices"),
        rs.getLong("at_ms"));
  }
}
