package io.cordwatch.store;

import io.cordwatch.store.Records.BoxRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Canal boxes supplied through the API, one per slice (instance and frame), kept per study. */
final class Boxes {
  private Boxes() {}

  /**
   * What replacing a study's boxes changed.
   *
   * @param changed slices whose box appeared, went or moved
   * @param changedSops the instances of those slices
   */
  record Diff(int before, int stored, int changed, Set<String> changedSops) {}

  /** Replaces every box of a study with {@code boxes} (the last one wins for a repeated slice). */
  static Diff replace(Connection c, String studyUid, List<BoxRow> boxes, long nowMs)
      throws SQLException {
    Map<String, BoxRow> before = bySlice(ofStudy(c, studyUid));
    Map<String, BoxRow> after = bySlice(boxes);
    Database.update(c, "DELETE FROM boxes WHERE study_uid = ?", studyUid);
    try (PreparedStatement p =
        c.prepareStatement(
            """
            INSERT INTO boxes(sop_instance_uid, frame, study_uid, x0, y0, x1, y1, updated_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
      for (BoxRow b : after.values()) {
        Database.bind(
            p, b.sopInstanceUid(), b.frame(), studyUid, b.x0(), b.y0(), b.x1(), b.y1(), nowMs);
        p.addBatch();
      }
      p.executeBatch();
    }
    Set<String> changedSops = new TreeSet<>();
    int changed = 0;
    Set<String> keys = new HashSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String k : keys) {
      BoxRow a = before.get(k);
      BoxRow b = after.get(k);
      if (!Objects.equals(a, b)) {
        changed++;
        changedSops.add((a != null ? a : b).sopInstanceUid());
      }
    }
    return new Diff(before.size(), after.size(), changed, changedSops);
  }

  private static Map<String, BoxRow> bySlice(List<BoxRow> boxes) {
    Map<String, BoxRow> out = new HashMap<>();
    for (BoxRow b : boxes) {
      out.put(b.sopInstanceUid() + "#" + b.frame(), b);
    }
    return out;
  }

  static Optional<BoxRow> of(Connection c, String sopInstanceUid, int frame) throws SQLException {
    return Database.first(
        c,
        "SELECT * FROM boxes WHERE sop_instance_uid = ? AND frame = ?",
        Rows::box,
        sopInstanceUid,
        frame);
  }

  static List<BoxRow> ofStudy(Connection c, String studyUid) throws SQLException {
    return Database.list(
        c,
        "SELECT * FROM boxes WHERE study_uid = ? ORDER BY sop_instance_uid, frame",
        Rows::box,
        studyUid);
  }
}
