package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.testing.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index read by another process: what a running appliance has committed is seen, nothing is
 * written (a stopped appliance's data directory stays byte for byte as it was), and an index this
 * code cannot read as it is, or a file that is no index, is refused with what to do.
 */
class IndexSnapshotTest {
  private static final String STUDY = "1.2.3";
  private static final String SERIES = "1.2.3.9";
  private static final String SOP = "1.2.3.9.1";

  @TempDir Path tmp;

  @Test
  void seesWhatTheRunningApplianceCommittedAndWritesNothingOnceItStopped() throws Exception {
    Path file = tmp.resolve("index.db");
    try (Index index = Index.open(file)) {
      index.recordInstance(instance(SOP), "MR", 3, "AX T2");
      index.recordReview(slice("1b", 100));
      try (IndexSnapshot snapshot = IndexSnapshot.open(file)) {
        assertEquals(List.of("1b"), grades(snapshot));
        // A decision committed while the snapshot is open is seen by the next read.
        index.recordReview(slice("2", 200));
        assertEquals(List.of("2"), grades(snapshot), "latest decision per slice");
        assertEquals(
            List.of("spool/" + SOP + ".dcm"),
            snapshot.read(v -> v.instancesOfSeries(SERIES).stream().map(i -> i.path()).toList()));
        assertEquals(
            STUDY, snapshot.read(v -> v.study(STUDY).orElseThrow().studyUid()), "the study row");
      }
    }
    Map<String, String> before = tree(tmp);
    assertTrue(before.keySet().stream().noneMatch(n -> n.endsWith("-wal")), before.toString());
    try (IndexSnapshot snapshot = IndexSnapshot.open(file)) {
      assertEquals(List.of("2"), grades(snapshot));
    }
    assertEquals(before, tree(tmp), "no -wal or -shm made, the index unchanged");
  }

  @Test
  void refusesWhatIsNoIndexOrNotAtThisVersion() throws Exception {
    StoreException absent =
        assertThrows(StoreException.class, () -> IndexSnapshot.open(tmp.resolve("none.db")));
    assertTrue(absent.getMessage().endsWith("none.db: no such index"), absent.getMessage());

    Path other = tmp.resolve("other.db");
    sql(other, "CREATE TABLE t(x)");
    StoreException notOurs = assertThrows(StoreException.class, () -> IndexSnapshot.open(other));
    assertTrue(notOurs.getMessage().contains("not a CordWatch index"), notOurs.getMessage());

    Path old = tmp.resolve("old.db");
    sql(old, "CREATE TABLE schema_version(version INTEGER NOT NULL)");
    sql(old, "INSERT INTO schema_version VALUES (8)");
    StoreException older = assertThrows(StoreException.class, () -> IndexSnapshot.open(old));
    assertTrue(
        older
            .getMessage()
            .contains(
                "index schema version 8, this cordwatch reads version "
                    + Schema.VERSION
                    + " (start the appliance of this version once"),
        older.getMessage());
    assertEquals(List.of(8), versions(old), "not migrated");
  }

  private static List<String> grades(IndexSnapshot s) {
    return s.read(v -> v.currentReviews().stream().map(ReviewRow::grade).toList());
  }

  private static ReviewRow slice(String grade, long at) {
    return new ReviewRow(
        0,
        STUDY,
        SERIES,
        SOP,
        1,
        ReviewRow.CORRECT,
        grade,
        "0",
        "demo-v4",
        new int[] {1, 2, 3, 4},
        "ann",
        at);
  }

  private static InstanceRow instance(String sop) {
    return new InstanceRow(
        0,
        sop,
        "1.2.840.10008.5.1.4.1.1.4",
        STUDY,
        SERIES,
        "1.2.840.10008.1.2.1",
        "spool/" + sop + ".dcm",
        1,
        "00",
        1,
        "AE",
        "{}");
  }

  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        out.put(p.getFileName().toString(), Sha256.of(p));
      }
    }
    return out;
  }

  private static void sql(Path db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static List<Integer> versions(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT version FROM schema_version")) {
      List<Integer> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
      return out;
    }
  }
}
