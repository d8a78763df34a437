package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.store.Records.WorklistRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clinicians' decisions on grades, as the index keeps them: never overwritten, latest wins. */
class ReviewsIndexTest {
  private static final String STUDY = "1.2.3";
  private static final String OTHER = "1.2.4";
  private static final String SERIES = "1.2.3.9";
  private static final String SOP = "1.2.3.9.1";

  @TempDir Path tmp;
  private Index index;

  @BeforeEach
  void open() {
    index = Index.open(tmp.resolve("index.db"));
    index.recordInstance(instance(SOP, STUDY, SERIES), "MR", 3, "AX T2");
    index.recordInstance(instance("1.2.4.9.1", OTHER, "1.2.4.9"), "MR", 3, "AX T2");
  }

  @AfterEach
  void close() {
    index.close();
  }

  @Test
  void everyDecisionIsKeptAndTheLatestIsCurrent() {
    ReviewRow first = index.recordReview(study(STUDY, ReviewRow.CONFIRM, "2", "alice", 100));
    ReviewRow slice =
        index.recordReview(
            new ReviewRow(
                0,
                STUDY,
                SERIES,
                SOP,
                1,
                ReviewRow.CORRECT,
                "1b",
                "2",
                "demo-v4",
                new int[] {10, 11, 30, 31},
                "alice",
                150));
    ReviewRow second = index.recordReview(study(STUDY, ReviewRow.CORRECT, "1c", "bob", 200));
    index.recordReview(study(OTHER, ReviewRow.CONFIRM, "0", "bob", 300));

    assertTrue(first.id() > 0 && second.id() > first.id(), "ids follow the order of recording");
    List<ReviewRow> history = index.reviewsOfStudy(STUDY);
    assertEquals(List.of(first.id(), slice.id(), second.id()), ids(history));
    assertEquals("2", history.get(0).grade(), "the first decision is still there");
    assertEquals("alice", history.get(0).userName());
    assertEquals("1c", history.get(2).grade());
    assertArrayEquals(new int[] {10, 11, 30, 31}, history.get(1).box());
    assertEquals(1, history.get(1).frame());
    assertNull(history.get(0).box());
    assertNull(history.get(0).frame());

    List<ReviewRow> current = index.currentReviews();
    assertEquals(List.of(slice.id(), second.id(), 4L), ids(current), "latest per study or slice");

    List<WorklistRow> worklist = index.worklist(10);
    WorklistRow row =
        worklist.stream().filter(w -> w.study().studyUid().equals(STUDY)).findFirst().orElseThrow();
    assertEquals(second.id(), row.studyReview().id());
    assertEquals("bob", row.studyReview().userName());
    assertEquals(1, row.reviewedSlices());
    assertEquals(List.of(), row.verdicts(), "nothing graded yet");
  }

  @Test
  void eachDecisionWritesAnAuditRowNamingWho() throws SQLException {
    index.recordReview(study(STUDY, ReviewRow.CORRECT, "3", "alice", 100));
    List<String> audit = query("SELECT event || ': ' || detail FROM audit");
    assertTrue(
        audit.contains(
            "review_recorded: study 1.2.3: correct grade 3 (model demo-v4: 2) by user" + " alice"),
        audit.toString());
  }

  @Test
  void theTableRefusesToRewriteHistory() throws SQLException {
    index.recordReview(study(STUDY, ReviewRow.CONFIRM, "2", "alice", 100));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("index.db"));
        Statement s = c.createStatement()) {
      SQLException update =
          assertThrows(SQLException.class, () -> s.execute("UPDATE reviews SET grade = '0'"));
      assertTrue(update.getMessage().contains("never changed"), update.getMessage());
      SQLException delete =
          assertThrows(SQLException.class, () -> s.execute("DELETE FROM reviews"));
      assertTrue(delete.getMessage().contains("never deleted"), delete.getMessage());
      assertThrows(
          SQLException.class,
          () ->
              s.execute(
                  "INSERT INTO reviews(study_uid, decision, grade, user_name, at_ms)"
                      + " VALUES ('1.2.3', 'approve', '2', 'x', 1)"),
          "only confirm or correct");
    }
    assertEquals("2", index.reviewsOfStudy(STUDY).getFirst().grade());
  }

  @Test
  void aDecisionOnAStudyTheIndexDoesNotHoldIsRefusedAndLeavesNoAuditRow() throws SQLException {
    assertThrows(
        StoreException.class,
        () -> index.recordReview(study("9.9.9", ReviewRow.CONFIRM, "2", "alice", 100)));
    assertEquals(List.of(), query("SELECT detail FROM audit WHERE event = 'review_recorded'"));
  }

  @Test
  void anIndexFromBeforeReviewsGainsTheTableAndKeepsItsStudies() throws SQLException {
    index.close();
    // Version 8: the step before reviews (later steps create their tables IF NOT EXISTS).
    OldSchema.rollBack(tmp.resolve("index.db"), 8, List.of("DROP TABLE reviews"));
    index = Index.open(tmp.resolve("index.db"));
    assertEquals(2, index.studies(null, 10).size(), "the studies are still there");
    index.recordReview(study(STUDY, ReviewRow.CONFIRM, "2", "alice", 100));
    assertEquals(1, index.reviewsOfStudy(STUDY).size());
    assertEquals(Schema.VERSION, OldSchema.version(tmp.resolve("index.db")));
    assertEquals(
        List.of("reviews_never_deleted", "reviews_never_updated"),
        query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'reviews%'"
                + " ORDER BY name"));
  }

  private static ReviewRow study(String uid, String decision, String grade, String who, long at) {
    return new ReviewRow(0, uid, null, null, null, decision, grade, "2", "demo-v4", null, who, at);
  }

  private static List<Long> ids(List<ReviewRow> rows) {
    return rows.stream().map(ReviewRow::id).toList();
  }

  private List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("index.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static InstanceRow instance(String sop, String study, String series) {
    return ReceivedInstances.row(sop, study, series, "spool/" + sop + ".dcm", 1, 1, "AE");
  }
}
