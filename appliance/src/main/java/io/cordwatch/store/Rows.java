package io.cordwatch.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.store.Records.BoxRow;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.store.Records.StudyRow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Result-set rows to {@link Records}, and the nullable-column helpers both directions need. */
final class Rows {
  static final ObjectMapper JSON = new ObjectMapper();

  private Rows() {}

  static InstanceRow instance(ResultSet rs) throws SQLException {
    return new InstanceRow(
        rs.getLong("id"),
        rs.getString("sop_instance_uid"),
        rs.getString("sop_class_uid"),
        rs.getString("study_uid"),
        rs.getString("series_uid"),
        rs.getString("transfer_syntax"),
        rs.getString("path"),
        rs.getLong("size_bytes"),
        rs.getString("sha256"),
        rs.getLong("received_ms"),
        rs.getString("calling_ae"),
        rs.getString("facts"));
  }

  /** A series row without its job, verdict and slices; needs the instance count as {@code n}. */
  static SeriesRow series(ResultSet rs) throws SQLException {
    List<String> reasons = List.of();
    String json = rs.getString("decision_reasons");
    if (json != null) {
      try {
        reasons = JSON.readValue(json, new TypeReference<List<String>>() {});
      } catch (JsonProcessingException e) {
        reasons = List.of(json);
      }
    }
    return new SeriesRow(
        rs.getString("series_uid"),
        rs.getString("study_uid"),
        rs.getString("modality"),
        integer(rs, "series_number"),
        rs.getString("description"),
        rs.getInt("n"),
        rs.getLong("first_received_ms"),
        rs.getLong("last_received_ms"),
        longOrNull(rs, "last_release_ms"),
        rs.getString("state"),
        longOrNull(rs, "completed_ms"),
        rs.getString("decision"),
        rs.getString("decision_summary"),
        reasons,
        null,
        null,
        List.of());
  }

  /** A study row; needs the instance and series counts as {@code n} and {@code ns}. */
  static StudyRow study(ResultSet rs, List<SeriesRow> series) throws SQLException {
    return new StudyRow(
        rs.getString("study_uid"),
        rs.getString("state"),
        rs.getLong("first_received_ms"),
        rs.getLong("last_received_ms"),
        rs.getInt("n"),
        rs.getInt("ns"),
        series);
  }

  static JobRow job(ResultSet rs) throws SQLException {
    return new JobRow(
        rs.getLong("id"),
        rs.getString("series_uid"),
        rs.getString("study_uid"),
        rs.getString("state"),
        rs.getLong("created_ms"),
        rs.getLong("updated_ms"),
        rs.getInt("attempts"),
        rs.getString("error"),
        longOrNull(rs, "next_attempt_ms"));
  }

  static BoxRow box(ResultSet rs) throws SQLException {
    return new BoxRow(
        rs.getString("sop_instance_uid"),
        rs.getInt("frame"),
        rs.getInt("x0"),
        rs.getInt("y0"),
        rs.getInt("x1"),
        rs.getInt("y1"));
  }

  static SliceRow slice(ResultSet rs) throws SQLException {
    Integer x0 = integer(rs, "x0");
    int[] box =
        x0 == null ? null : new int[] {x0, rs.getInt("y0"), rs.getInt("x1"), rs.getInt("y1")};
    Double ood = doubleOrNull(rs, "ood");
    Integer uncertain = integer(rs, "uncertain");
    Double pHigh = doubleOrNull(rs, "p_high");
    Integer highCall = integer(rs, "high_call");
    Integer withdrawn = integer(rs, "call_withdrawn");
    return new SliceRow(
        rs.getInt("ordinal"),
        rs.getString("sop_instance_uid"),
        rs.getInt("frame"),
        rs.getString("status"),
        rs.getString("grade"),
        rs.getString("probabilities"),
        box,
        ood,
        uncertain == null ? null : uncertain != 0,
        rs.getString("reason"),
        rs.getString("box_source"),
        pHigh,
        highCall == null ? null : highCall != 0,
        doubleOrNull(rs, "tumour_in_box_mm2"),
        withdrawn == null ? null : withdrawn != 0);
  }

  static Integer integer(ResultSet rs, String col) throws SQLException {
    int v = rs.getInt(col);
    return rs.wasNull() ? null : v;
  }

  static Long longOrNull(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  static Double doubleOrNull(ResultSet rs, String col) throws SQLException {
    double v = rs.getDouble(col);
    return rs.wasNull() ? null : v;
  }

  static void setInteger(PreparedStatement p, int i, Integer v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.INTEGER);
    } else {
      p.setInt(i, v);
    }
  }

  static void setDouble(PreparedStatement p, int i, Double v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.REAL);
    } else {
      p.setDouble(i, v);
    }
  }

  static Integer flag(Boolean b) {
    return b == null ? null : (b ? 1 : 0);
  }
}
