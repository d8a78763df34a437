package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.RegradeOnBoxChange;
import io.cordwatch.store.Records.InstanceRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails half-way leaves nothing of itself behind. The failure is real: a trigger,
 * added through a second connection as an operator or a damaged file might, makes SQLite abort one
 * statement in the middle of a transaction.
 */
class IndexTransactionTest {
  private static final String STUDY = "1.2.3";
  private static final String SERIES = "1.2.3.9";

  @TempDir Path tmp;
  private Path file;
  private Index index;

  @BeforeEach
  void open() {
    file = tmp.resolve("index.db");
    index = Index.open(file, new RegradeOnBoxChange());
    index.recordInstance(instance(SERIES + ".1"), "MR", 3, "AX T2");
    index.recordInstance(instance(SERIES + ".2"), "MR", 3, "AX T2");
    index.completeSeries(SERIES, 10, true, "selected", List.of());
  }

  @AfterEach
  void close() {
    index.close();
  }

  @Test
  void forgettingAMissingFileIsAllOrNothing() throws Exception {
    sql(
        "CREATE TRIGGER no_series_update BEFORE UPDATE ON series"
            + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    InstanceRow row = index.findInstance(SERIES + ".1").orElseThrow();

    StoreException e =
        assertThrows(StoreException.class, () -> index.forgetMissingInstance(row, 30));

    assertEquals(StoreException.Code.WRITE_FAILED, e.code());
    assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
    assertTrue(
        index.findInstance(SERIES + ".1").isPresent(),
        "the instance row was deleted although its series was not put back to receiving");
    assertEquals(0, count("SELECT count(*) FROM audit"));
    assertEquals("complete", index.study(STUDY).orElseThrow().series().getFirst().state());
  }

  @Test
  void theIndexStaysUsableAfterAFailedTransaction() throws Exception {
    sql(
        "CREATE TRIGGER no_series_update BEFORE UPDATE ON series"
            + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    InstanceRow row = index.findInstance(SERIES + ".1").orElseThrow();
    assertThrows(StoreException.class, () -> index.forgetMissingInstance(row, 30));
    sql("DROP TRIGGER no_series_update");

    index.forgetMissingInstance(row, 31);

    assertTrue(index.findInstance(SERIES + ".1").isEmpty());
    assertEquals("receiving", index.study(STUDY).orElseThrow().series().getFirst().state());
    assertEquals(1, count("SELECT count(*) FROM audit"));
  }

  @Test
  void aFailedAuditRowUndoesTheBoxesItDescribes() throws Exception {
    sql(
        "CREATE TRIGGER no_audit BEFORE INSERT ON audit"
            + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");

    assertThrows(
        StoreException.class,
        () ->
            index.replaceStudyBoxes(
                STUDY, List.of(new Records.BoxRow(SERIES + ".1", 1, 1, 2, 3, 4)), 40, "test"));

    assertEquals(List.of(), index.boxesOfStudy(STUDY));
    assertEquals("queued", index.study(STUDY).orElseThrow().series().getFirst().job().state());
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private long count(String query) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
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
}
