package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.Records.StudyRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study list that the API and the status page poll: counted through indexes, and only for the
 * studies it returns, as SQLite's own query plan shows.
 */
class StudyListQueryTest {
  @TempDir Path tmp;

  @Test
  void theListSortsTheStudiesAloneAndCountsOnlyThoseItReturnsThroughIndexes() throws Exception {
    Path file = tmp.resolve("index.db");
    Index.open(file).close();
    try (Database db = Database.open(file, 1)) {
      for (boolean byState : new boolean[] {false, true}) {
        List<String> plan = db.read(c -> plan(c, ReadModel.studiesSql(byState), byState));
        String all = String.join("\n", plan);
        assertTrue(
            plan.contains("SEARCH i USING COVERING INDEX instances_by_study (study_uid=?)"), all);
        assertTrue(
            plan.contains("SEARCH s USING COVERING INDEX series_by_study (study_uid=?)"), all);
        assertFalse(
            plan.stream().anyMatch(d -> d.matches("SCAN (i|s|instances|series)\\b.*")),
            "no whole scan of instances or series: " + all);
        // The newest studies are chosen in a subquery of their own (with the LIMIT) before the
        // outer query counts: counting in a sorted LIMIT counts every study on the box.
        assertTrue(plan.getFirst().startsWith("CO-ROUTINE st"), all);
      }
    }
  }

  @Test
  void theListIsNewestFirstWithEachStudysCountsWithinTheLimit() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      receive(index, "1.1", "1.1.1", "1.1.1.1", 1_000);
      receive(index, "1.2", "1.2.1", "1.2.1.1", 2_000);
      receive(index, "1.2", "1.2.2", "1.2.2.1", 2_100);
      receive(index, "1.2", "1.2.2", "1.2.2.2", 2_200);
      receive(index, "1.3", "1.3.1", "1.3.1.1", 3_000);

      List<StudyRow> two = index.studies(null, 2);

      assertEquals(List.of("1.3", "1.2"), two.stream().map(StudyRow::studyUid).toList());
      assertEquals(3, two.get(1).instanceCount());
      assertEquals(2, two.get(1).seriesCount());
      assertEquals(1, two.get(0).instanceCount());
      assertEquals(
          List.of("1.3", "1.2", "1.1"),
          index.studies(Index.STUDY_RECEIVING, 10).stream().map(StudyRow::studyUid).toList());
      assertEquals(List.of(), index.studies(Index.STUDY_GRADED, 10));
    }
  }

  private static List<String> plan(Connection c, String sql, boolean byState) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
      if (byState) {
        Database.bind(p, StudyState.GRADED, 100);
      } else {
        Database.bind(p, 100);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString("detail"));
        }
      }
      return out;
    }
  }

  private static void receive(Index index, String study, String series, String sop, long atMs) {
    ReceivedInstances.receive(index, study, series, sop, atMs, "SCANNER");
  }
}
