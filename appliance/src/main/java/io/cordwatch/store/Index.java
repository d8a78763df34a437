package io.cordwatch.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.store.Records.BoxReplacement;
import io.cordwatch.store.Records.BoxRow;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.store.Records.Totals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The appliance's index: one SQLite database in WAL mode with {@code synchronous=FULL}, so a
 * committed row is on disk when {@link #recordInstance} returns. That is the last step before the
 * receiver answers Success, which is what makes "acknowledged means durable" hold across kill -9.
 *
 * <p>One connection, serialised by this object's monitor. The appliance writes at most a few
 * hundred rows a second and SQLite has a single writer anyway; one connection keeps the transaction
 * boundaries obvious and avoids SQLITE_BUSY between our own threads. Readers (the web API) take the
 * same lock; every query is indexed and short.
 */
public final class Index implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SCHEMA_VERSION = 5;

  /** Series is still receiving instances. */
  public static final String SERIES_RECEIVING = "receiving";

  /** Series has been stable long enough and has a selection decision. */
  public static final String SERIES_COMPLETE = "complete";

  /** Study states, derived from its series and jobs by {@link #refreshStudyState}. */
  public static final String STUDY_RECEIVING = "receiving";

  public static final String STUDY_QUEUED = "queued";
  public static final String STUDY_NOT_ELIGIBLE = "not_eligible";
  public static final String STUDY_COMPLETE = "complete";
  public static final String STUDY_GRADED = "graded";
  public static final String STUDY_FAILED = "failed";

  public static final String JOB_QUEUED = "queued";
  public static final String JOB_RUNNING = "running";
  public static final String JOB_DONE = "done";
  public static final String JOB_FAILED = "failed";

  private final Connection db;
  private boolean closed;
  private volatile long boxesVersion;

  private Index(Connection db) {
    this.db = db;
  }

  /** Opens (creating if needed) the index at {@code file} and brings its schema up to date. */
  public static Index open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA foreign_keys=ON");
        s.execute("PRAGMA busy_timeout=10000");
      }
      Index index = new Index(c);
      index.migrate();
      return index;
    } catch (SQLException | java.io.IOException e) {
      throw new StoreException(
          StoreException.Code.OPEN_FAILED, "cannot open index " + file + ": " + e.getMessage(), e);
    }
  }

  private void migrate() throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
      int version = 0;
      try (ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
        if (rs.next()) {
          version = rs.getInt(1);
        }
      }
      if (version >= SCHEMA_VERSION) {
        return;
      }
      db.setAutoCommit(false);
      if (version < 1) {
        createVersion1(s);
      }
      if (version < 2) {
        createVersion2(s);
      }
      if (version < 3) {
        createVersion3(s);
      }
      if (version < 4) {
        createVersion4(s);
      }
      if (version < 5) {
        createVersion5(s);
      }
      s.execute("INSERT INTO schema_version(version) VALUES (" + SCHEMA_VERSION + ")");
      db.commit();
    } catch (SQLException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true);
    }
  }

  private static void createVersion1(Statement s) throws SQLException {
    s.execute(
        """
          CREATE TABLE studies(
            study_uid TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            first_received_ms INTEGER NOT NULL,
            last_received_ms INTEGER NOT NULL)""");
    s.execute(
        """
          CREATE TABLE series(
            series_uid TEXT PRIMARY KEY,
            study_uid TEXT NOT NULL REFERENCES studies(study_uid),
            modality TEXT,
            series_number INTEGER,
            description TEXT,
            first_received_ms INTEGER NOT NULL,
            last_received_ms INTEGER NOT NULL,
            last_release_ms INTEGER,
            state TEXT NOT NULL,
            completed_ms INTEGER,
            decision TEXT,
            decision_summary TEXT,
            decision_reasons TEXT)""");
    s.execute("CREATE INDEX series_by_study ON series(study_uid)");
    s.execute("CREATE INDEX series_by_state ON series(state)");
    s.execute(
        """
          CREATE TABLE instances(
            id INTEGER PRIMARY KEY,
            sop_instance_uid TEXT NOT NULL UNIQUE,
            sop_class_uid TEXT NOT NULL,
            study_uid TEXT NOT NULL,
            series_uid TEXT NOT NULL REFERENCES series(series_uid),
            transfer_syntax TEXT NOT NULL,
            path TEXT NOT NULL UNIQUE,
            size_bytes INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            received_ms INTEGER NOT NULL,
            calling_ae TEXT,
            facts TEXT NOT NULL)""");
    s.execute("CREATE INDEX instances_by_series ON instances(series_uid)");
    s.execute(
        """
          CREATE TABLE jobs(
            id INTEGER PRIMARY KEY,
            series_uid TEXT NOT NULL UNIQUE REFERENCES series(series_uid),
            study_uid TEXT NOT NULL,
            state TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT)""");
    s.execute("CREATE INDEX jobs_by_state ON jobs(state)");
    s.execute(
        """
          CREATE TABLE audit(
            id INTEGER PRIMARY KEY,
            at_ms INTEGER NOT NULL,
            event TEXT NOT NULL,
            detail TEXT)""");
  }

  /** Version 2: grading results. One verdict per series (JSON) and one row per slice. */
  private static void createVersion2(Statement s) throws SQLException {
    s.execute(
        """
        CREATE TABLE verdicts(
          series_uid TEXT PRIMARY KEY REFERENCES series(series_uid),
          study_uid TEXT NOT NULL,
          verdict TEXT NOT NULL,
          graded_ms INTEGER NOT NULL)""");
    s.execute(
        """
        CREATE TABLE slice_results(
          id INTEGER PRIMARY KEY,
          series_uid TEXT NOT NULL REFERENCES series(series_uid),
          ordinal INTEGER NOT NULL,
          sop_instance_uid TEXT NOT NULL,
          frame INTEGER NOT NULL,
          status TEXT NOT NULL,
          grade TEXT,
          probabilities TEXT,
          x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER,
          ood REAL,
          uncertain INTEGER,
          reason TEXT,
          UNIQUE(series_uid, ordinal))""");
  }

  /**
   * Version 3: a failed grading attempt waits before the next one ({@code jobs.next_attempt_ms}),
   * and canal boxes supplied through the API are kept per slice ({@code boxes}).
   */
  private static void createVersion3(Statement s) throws SQLException {
    s.execute("ALTER TABLE jobs ADD COLUMN next_attempt_ms INTEGER");
    s.execute(
        """
        CREATE TABLE boxes(
          sop_instance_uid TEXT NOT NULL,
          frame INTEGER NOT NULL,
          study_uid TEXT NOT NULL REFERENCES studies(study_uid),
          x0 INTEGER NOT NULL, y0 INTEGER NOT NULL, x1 INTEGER NOT NULL, y1 INTEGER NOT NULL,
          updated_ms INTEGER NOT NULL,
          PRIMARY KEY(sop_instance_uid, frame))""");
    s.execute("CREATE INDEX boxes_by_study ON boxes(study_uid)");
  }

  /**
   * Version 4: where each slice's canal box came from ({@code slice_results.box_source}: api,
   * supplied, localizer); null for results graded before it was recorded.
   */
  private static void createVersion4(Statement s) throws SQLException {
    s.execute("ALTER TABLE slice_results ADD COLUMN box_source TEXT");
  }

  /**
   * Version 5: each graded slice's P(high) and the decision rule's call ({@code
   * slice_results.p_high}, {@code high_call}); null for results graded before they were recorded.
   */
  private static void createVersion5(Statement s) throws SQLException {
    s.execute("ALTER TABLE slice_results ADD COLUMN p_high REAL");
    s.execute("ALTER TABLE slice_results ADD COLUMN high_call INTEGER");
  }

  /** Whether a trivial write transaction succeeds now (readiness). */
  public synchronized boolean writable() {
    ensureOpen();
    try (Statement s = db.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      s.execute("ROLLBACK");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** The instance with this SOP Instance UID, if stored. */
  public synchronized Optional<InstanceRow> findInstance(String sopInstanceUid) {
    ensureOpen();
    try (PreparedStatement p =
        db.prepareStatement("SELECT * FROM instances WHERE sop_instance_uid = ?")) {
      p.setString(1, sopInstanceUid);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(instance(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw read(e);
    }
  }

  /**
   * Commits one received instance: its row, and the series and study it belongs to (created or
   * touched; a complete series goes back to receiving). When an instance with the same SOP Instance
   * UID exists with other content, its row is replaced and the previous path returned so the caller
   * can set that file aside.
   *
   * @return the path of a superseded file, if any
   */
  public synchronized Optional<String> recordInstance(
      InstanceRow row, String modality, Integer seriesNumber, String seriesDescription) {
    ensureOpen();
    try {
      db.setAutoCommit(false);
      Optional<String> superseded = Optional.empty();
      try (PreparedStatement p =
          db.prepareStatement("SELECT path FROM instances WHERE sop_instance_uid = ?")) {
        p.setString(1, row.sopInstanceUid());
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) {
            superseded = Optional.of(rs.getString(1));
          }
        }
      }
      try (PreparedStatement p =
          db.prepareStatement(
              """
              INSERT INTO studies(study_uid, state, first_received_ms, last_received_ms)
              VALUES (?, ?, ?, ?)
              ON CONFLICT(study_uid) DO UPDATE SET
                state = excluded.state,
                last_received_ms = max(last_received_ms, excluded.last_received_ms)""")) {
        p.setString(1, row.studyUid());
        p.setString(2, STUDY_RECEIVING);
        p.setLong(3, row.receivedMs());
        p.setLong(4, row.receivedMs());
        p.executeUpdate();
      }
      try (PreparedStatement p =
          db.prepareStatement(
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
        setInteger(p, 4, seriesNumber);
        p.setString(5, seriesDescription);
        p.setLong(6, row.receivedMs());
        p.setLong(7, row.receivedMs());
        p.setString(8, SERIES_RECEIVING);
        p.executeUpdate();
      }
      try (PreparedStatement p =
          db.prepareStatement(
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
                facts = excluded.facts""")) {
        p.setString(1, row.sopInstanceUid());
        p.setString(2, row.sopClassUid());
        p.setString(3, row.studyUid());
        p.setString(4, row.seriesUid());
        p.setString(5, row.transferSyntax());
        p.setString(6, row.path());
        p.setLong(7, row.sizeBytes());
        p.setString(8, row.sha256());
        p.setLong(9, row.receivedMs());
        p.setString(10, row.callingAe());
        p.setString(11, row.factsJson());
        p.executeUpdate();
      }
      db.commit();
      return superseded;
    } catch (SQLException e) {
      rollbackQuietly();
      throw write(e);
    } finally {
      autoCommit();
    }
  }

  /** Notes that an association that sent instances of this series has been released. */
  public synchronized void markSeriesReleased(String seriesUid, long atMs) {
    update("UPDATE series SET last_release_ms = ? WHERE series_uid = ?", atMs, seriesUid);
  }

  /** Series still receiving, oldest activity first. */
  public synchronized List<SeriesRow> seriesInState(String state) {
    ensureOpen();
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT s.*, (SELECT count(*) FROM instances i WHERE i.series_uid = s.series_uid) AS n"
                + " FROM series s WHERE state = ? ORDER BY last_received_ms")) {
      p.setString(1, state);
      return seriesList(p);
    } catch (SQLException e) {
      throw read(e);
    }
  }

  /** The facts JSON of every instance in a series, in instance-number order where known. */
  public synchronized List<String> factsOfSeries(String seriesUid) {
    return list(
        "SELECT facts FROM instances WHERE series_uid = ? ORDER BY id",
        rs -> rs.getString(1),
        seriesUid);
  }

  /**
   * Marks a series complete with its selection decision and, when selected, queues (or re-queues)
   * its grading job; then refreshes the study's state. One transaction, so a decision never exists
   * without its job.
   */
  public synchronized void completeSeries(
      String seriesUid, long nowMs, boolean selected, String summary, List<String> reasons) {
    ensureOpen();
    try {
      db.setAutoCommit(false);
      String studyUid;
      try (PreparedStatement p =
          db.prepareStatement("SELECT study_uid FROM series WHERE series_uid = ?")) {
        p.setString(1, seriesUid);
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            db.rollback();
            return;
          }
          studyUid = rs.getString(1);
        }
      }
      try (PreparedStatement p =
          db.prepareStatement(
              "UPDATE series SET state = ?, completed_ms = ?, decision = ?, decision_summary = ?,"
                  + " decision_reasons = ? WHERE series_uid = ?")) {
        p.setString(1, SERIES_COMPLETE);
        p.setLong(2, nowMs);
        p.setString(3, selected ? "selected" : "skipped");
        p.setString(4, summary);
        p.setString(5, JSON.writeValueAsString(reasons));
        p.setString(6, seriesUid);
        p.executeUpdate();
      }
      if (selected) {
        try (PreparedStatement p =
            db.prepareStatement(
                """
                INSERT INTO jobs(series_uid, study_uid, state, created_ms, updated_ms)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(series_uid) DO UPDATE SET
                  state = excluded.state, updated_ms = excluded.updated_ms, error = NULL,
                  attempts = 0, next_attempt_ms = NULL""")) {
          p.setString(1, seriesUid);
          p.setString(2, studyUid);
          p.setString(3, JOB_QUEUED);
          p.setLong(4, nowMs);
          p.setLong(5, nowMs);
          p.executeUpdate();
        }
      }
      // The series changed since it was graded (or is no longer selected): its old results would
      // describe images that are not the series any more.
      deleteResultsLocked(seriesUid);
      refreshStudyStateLocked(studyUid);
      db.commit();
    } catch (SQLException | JsonProcessingException e) {
      rollbackQuietly();
      throw new StoreException(StoreException.Code.WRITE_FAILED, e.getMessage(), e);
    } finally {
      autoCommit();
    }
  }

  private void refreshStudyStateLocked(String studyUid) throws SQLException {
    String state;
    try (PreparedStatement p =
        db.prepareStatement(
            """
            SELECT
              (SELECT count(*) FROM series WHERE study_uid = ?1 AND state = 'receiving'),
              (SELECT count(*) FROM jobs WHERE study_uid = ?1 AND state IN ('queued','running')),
              (SELECT count(*) FROM series WHERE study_uid = ?1 AND decision = 'selected'),
              (SELECT count(*) FROM jobs WHERE study_uid = ?1 AND state = 'failed'),
              (SELECT count(*) FROM jobs WHERE study_uid = ?1 AND state = 'done')""")) {
      p.setString(1, studyUid);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        if (rs.getInt(1) > 0) {
          state = STUDY_RECEIVING;
        } else if (rs.getInt(2) > 0) {
          state = STUDY_QUEUED;
        } else if (rs.getInt(3) == 0) {
          state = STUDY_NOT_ELIGIBLE;
        } else if (rs.getInt(4) > 0) {
          state = STUDY_FAILED;
        } else if (rs.getInt(5) > 0) {
          state = STUDY_GRADED;
        } else {
          state = STUDY_COMPLETE;
        }
      }
    }
    try (PreparedStatement p =
        db.prepareStatement("UPDATE studies SET state = ? WHERE study_uid = ?")) {
      p.setString(1, state);
      p.setString(2, studyUid);
      p.executeUpdate();
    }
  }

  private void deleteResultsLocked(String seriesUid) throws SQLException {
    for (String table : List.of("slice_results", "verdicts")) {
      try (PreparedStatement p =
          db.prepareStatement("DELETE FROM " + table + " WHERE series_uid = ?")) {
        p.setString(1, seriesUid);
        p.executeUpdate();
      }
    }
  }

  /**
   * Takes the oldest queued job that is due (a retried job waits until its {@code
   * next_attempt_ms}): it becomes running with one more attempt. Empty when none is due.
   */
  public synchronized Optional<JobRow> claimJob(long nowMs) {
    ensureOpen();
    try {
      db.setAutoCommit(false);
      JobRow claimed = null;
      try (PreparedStatement p =
          db.prepareStatement(
              "SELECT * FROM jobs WHERE state = 'queued'"
                  + " AND (next_attempt_ms IS NULL OR next_attempt_ms <= ?)"
                  + " ORDER BY created_ms, id LIMIT 1")) {
        p.setLong(1, nowMs);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) {
            claimed = job(rs);
          }
        }
      }
      if (claimed != null) {
        try (PreparedStatement p =
            db.prepareStatement(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_ms = ?,"
                    + " next_attempt_ms = NULL WHERE id = ?")) {
          p.setLong(1, nowMs);
          p.setLong(2, claimed.id());
          p.executeUpdate();
        }
        refreshStudyStateLocked(claimed.studyUid());
        claimed =
            new JobRow(
                claimed.id(),
                claimed.seriesUid(),
                claimed.studyUid(),
                JOB_RUNNING,
                claimed.createdMs(),
                nowMs,
                claimed.attempts() + 1,
                claimed.error(),
                null);
      }
      db.commit();
      return Optional.ofNullable(claimed);
    } catch (SQLException e) {
      rollbackQuietly();
      throw write(e);
    } finally {
      autoCommit();
    }
  }

  /**
   * Records a finished job's verdict and slice rows and marks it done, in one transaction. Does
   * nothing and returns false when the job is no longer running: its series was re-queued by new
   * instances while it was graded, and the new job will grade the whole series again.
   */
  public synchronized boolean finishJob(
      JobRow job, String verdictJson, List<Records.SliceRow> slices, long nowMs) {
    ensureOpen();
    try {
      db.setAutoCommit(false);
      try (PreparedStatement p =
          db.prepareStatement(
              "UPDATE jobs SET state = 'done', error = NULL, updated_ms = ?"
                  + " WHERE id = ? AND state = 'running'")) {
        p.setLong(1, nowMs);
        p.setLong(2, job.id());
        if (p.executeUpdate() == 0) {
          db.rollback();
          return false;
        }
      }
      deleteResultsLocked(job.seriesUid());
      try (PreparedStatement p =
          db.prepareStatement(
              "INSERT INTO verdicts(series_uid, study_uid, verdict, graded_ms) VALUES (?, ?, ?, ?)")) {
        p.setString(1, job.seriesUid());
        p.setString(2, job.studyUid());
        p.setString(3, verdictJson);
        p.setLong(4, nowMs);
        p.executeUpdate();
      }
      try (PreparedStatement p =
          db.prepareStatement(
              """
              INSERT INTO slice_results(series_uid, ordinal, sop_instance_uid, frame, status,
                grade, probabilities, x0, y0, x1, y1, ood, uncertain, reason, box_source,
                p_high, high_call)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
        for (Records.SliceRow r : slices) {
          p.setString(1, job.seriesUid());
          p.setInt(2, r.ordinal());
          p.setString(3, r.sopInstanceUid());
          p.setInt(4, r.frame());
          p.setString(5, r.status());
          p.setString(6, r.grade());
          p.setString(7, r.probabilitiesJson());
          for (int k = 0; k < 4; k++) {
            setInteger(p, 8 + k, r.box() == null ? null : r.box()[k]);
          }
          if (r.ood() == null) {
            p.setNull(12, Types.REAL);
          } else {
            p.setDouble(12, r.ood());
          }
          setInteger(p, 13, r.uncertain() == null ? null : (r.uncertain() ? 1 : 0));
          p.setString(14, r.reason());
          p.setString(15, r.boxSource());
          if (r.pHigh() == null) {
            p.setNull(16, Types.REAL);
          } else {
            p.setDouble(16, r.pHigh());
          }
          setInteger(p, 17, r.highCall() == null ? null : (r.highCall() ? 1 : 0));
          p.addBatch();
        }
        p.executeBatch();
      }
      refreshStudyStateLocked(job.studyUid());
      db.commit();
      return true;
    } catch (SQLException e) {
      rollbackQuietly();
      throw write(e);
    } finally {
      autoCommit();
    }
  }

  /**
   * A running job did not finish: back to queued for another attempt no earlier than {@code
   * nextAttemptMs}, or failed for good, with its reason either way.
   *
   * @param nextAttemptMs when the job may be claimed again; null for at once (ignored unless {@code
   *     retry})
   */
  public synchronized void failJob(
      JobRow job, String reason, boolean retry, Long nextAttemptMs, long nowMs) {
    ensureOpen();
    try {
      db.setAutoCommit(false);
      try (PreparedStatement p =
          db.prepareStatement(
              "UPDATE jobs SET state = ?, error = ?, updated_ms = ?, next_attempt_ms = ?"
                  + " WHERE id = ? AND state = 'running'")) {
        p.setString(1, retry ? JOB_QUEUED : JOB_FAILED);
        p.setString(2, reason);
        p.setLong(3, nowMs);
        if (retry && nextAttemptMs != null) {
          p.setLong(4, nextAttemptMs);
        } else {
          p.setNull(4, Types.INTEGER);
        }
        p.setLong(5, job.id());
        p.executeUpdate();
      }
      refreshStudyStateLocked(job.studyUid());
      db.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw write(e);
    } finally {
      autoCommit();
    }
  }

  /**
   * Puts jobs left running by a previous process (killed mid-job) back in the queue.
   *
   * @return how many
   */
  public synchronized int requeueRunningJobs(long nowMs) {
    ensureOpen();
    try (PreparedStatement p =
        db.prepareStatement(
            "UPDATE jobs SET state = 'queued', updated_ms = ?, next_attempt_ms = NULL"
                + " WHERE state = 'running'")) {
      p.setLong(1, nowMs);
      return p.executeUpdate();
    } catch (SQLException e) {
      throw write(e);
    }
  }

  /** The stored instances of a series. */
  public synchronized List<InstanceRow> instancesOfSeries(String seriesUid) {
    return list(
        "SELECT * FROM instances WHERE series_uid = ? ORDER BY id", Index::instance, seriesUid);
  }

  /** The stored instances of a study. */
  public synchronized List<InstanceRow> instancesOfStudy(String studyUid) {
    return list(
        "SELECT * FROM instances WHERE study_uid = ? ORDER BY id", Index::instance, studyUid);
  }

  /**
   * A counter that moves whenever supplied boxes change, so a result computed with the boxes of an
   * earlier version can tell it is stale.
   */
  public long boxesVersion() {
    return boxesVersion;
  }

  /** The supplied box of one slice, if any. */
  public synchronized Optional<BoxRow> box(String sopInstanceUid, int frame) {
    List<BoxRow> rows =
        list(
            "SELECT * FROM boxes WHERE sop_instance_uid = ? AND frame = ?",
            Index::boxRow,
            sopInstanceUid,
            frame);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  /** The supplied boxes of a study, by instance and frame. */
  public synchronized List<BoxRow> boxesOfStudy(String studyUid) {
    return list(
        "SELECT * FROM boxes WHERE study_uid = ? ORDER BY sop_instance_uid, frame",
        Index::boxRow,
        studyUid);
  }

  /**
   * Replaces every supplied box of a study with {@code boxes}, in one transaction that also queues
   * grading again for each series with a job (done, failed or running) where a box appeared, went
   * or moved, clears that series' results (they were computed on other crops), and writes an audit
   * row. A running job's finish then finds its job queued and leaves the grading to the new one.
   * The caller has checked that the instances belong to the study.
   *
   * @param who who asked, for the audit row (e.g. "api 10.0.0.5")
   */
  public synchronized BoxReplacement replaceStudyBoxes(
      String studyUid, List<BoxRow> boxes, long nowMs, String who) {
    ensureOpen();
    try {
      db.setAutoCommit(false);
      Map<String, BoxRow> before = new HashMap<>();
      for (BoxRow b : boxesOfStudyLocked(studyUid)) {
        before.put(b.sopInstanceUid() + "#" + b.frame(), b);
      }
      Map<String, BoxRow> after = new HashMap<>();
      for (BoxRow b : boxes) {
        after.put(b.sopInstanceUid() + "#" + b.frame(), b);
      }
      try (PreparedStatement p = db.prepareStatement("DELETE FROM boxes WHERE study_uid = ?")) {
        p.setString(1, studyUid);
        p.executeUpdate();
      }
      try (PreparedStatement p =
          db.prepareStatement(
              """
              INSERT INTO boxes(sop_instance_uid, frame, study_uid, x0, y0, x1, y1, updated_ms)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
        for (BoxRow b : after.values()) {
          p.setString(1, b.sopInstanceUid());
          p.setInt(2, b.frame());
          p.setString(3, studyUid);
          p.setInt(4, b.x0());
          p.setInt(5, b.y0());
          p.setInt(6, b.x1());
          p.setInt(7, b.y1());
          p.setLong(8, nowMs);
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
      Set<String> series = new TreeSet<>();
      try (PreparedStatement p =
          db.prepareStatement("SELECT series_uid FROM instances WHERE sop_instance_uid = ?")) {
        for (String sop : changedSops) {
          p.setString(1, sop);
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              series.add(rs.getString(1));
            }
          }
        }
      }
      List<String> requeued = new ArrayList<>();
      try (PreparedStatement p =
          db.prepareStatement(
              "UPDATE jobs SET state = 'queued', attempts = 0, error = NULL,"
                  + " next_attempt_ms = NULL, updated_ms = ?"
                  + " WHERE series_uid = ? AND state IN ('done', 'failed', 'running')")) {
        for (String uid : series) {
          p.setLong(1, nowMs);
          p.setString(2, uid);
          if (p.executeUpdate() > 0) {
            requeued.add(uid);
            deleteResultsLocked(uid);
          }
        }
      }
      refreshStudyStateLocked(studyUid);
      auditLocked(
          nowMs,
          "boxes_replaced",
          "study "
              + studyUid
              + " by "
              + who
              + ": "
              + after.size()
              + " boxes ("
              + before.size()
              + " before), "
              + changed
              + " changed, "
              + requeued.size()
              + " series queued again");
      db.commit();
      boxesVersion++;
      return new BoxReplacement(before.size(), after.size(), changed, List.copyOf(requeued));
    } catch (SQLException e) {
      rollbackQuietly();
      throw write(e);
    } finally {
      autoCommit();
    }
  }

  private List<BoxRow> boxesOfStudyLocked(String studyUid) throws SQLException {
    List<BoxRow> out = new ArrayList<>();
    try (PreparedStatement p = db.prepareStatement("SELECT * FROM boxes WHERE study_uid = ?")) {
      p.setString(1, studyUid);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(boxRow(rs));
        }
      }
    }
    return out;
  }

  private static BoxRow boxRow(ResultSet rs) throws SQLException {
    return new BoxRow(
        rs.getString("sop_instance_uid"),
        rs.getInt("frame"),
        rs.getInt("x0"),
        rs.getInt("y0"),
        rs.getInt("x1"),
        rs.getInt("y1"));
  }

  /** Studies, newest activity first, optionally only those in {@code state}. */
  public synchronized List<StudyRow> studies(String state, int limit) {
    ensureOpen();
    String sql =
        "SELECT st.*,"
            + " (SELECT count(*) FROM instances i WHERE i.study_uid = st.study_uid) AS n,"
            + " (SELECT count(*) FROM series s WHERE s.study_uid = st.study_uid) AS ns"
            + " FROM studies st"
            + (state == null ? "" : " WHERE st.state = ?")
            + " ORDER BY st.last_received_ms DESC, st.study_uid LIMIT ?";
    try (PreparedStatement p = db.prepareStatement(sql)) {
      int i = 1;
      if (state != null) {
        p.setString(i++, state);
      }
      p.setInt(i, limit);
      List<StudyRow> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(study(rs, List.of()));
        }
      }
      return out;
    } catch (SQLException e) {
      throw read(e);
    }
  }

  /** One study with its series, their selection decisions and job states. */
  public synchronized Optional<StudyRow> study(String studyUid) {
    ensureOpen();
    try {
      List<SeriesRow> series;
      try (PreparedStatement p =
          db.prepareStatement(
              "SELECT s.*, (SELECT count(*) FROM instances i WHERE i.series_uid = s.series_uid)"
                  + " AS n FROM series s WHERE study_uid = ? ORDER BY series_number, series_uid")) {
        p.setString(1, studyUid);
        series = seriesList(p);
      }
      try (PreparedStatement p =
          db.prepareStatement(
              "SELECT st.*,"
                  + " (SELECT count(*) FROM instances i WHERE i.study_uid = st.study_uid) AS n,"
                  + " (SELECT count(*) FROM series s WHERE s.study_uid = st.study_uid) AS ns"
                  + " FROM studies st WHERE study_uid = ?")) {
        p.setString(1, studyUid);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(study(rs, series)) : Optional.empty();
        }
      }
    } catch (SQLException e) {
      throw read(e);
    }
  }

  /** Jobs in a state, oldest first. */
  public synchronized List<JobRow> jobs(String state) {
    return list("SELECT * FROM jobs WHERE state = ? ORDER BY created_ms, id", Index::job, state);
  }

  /** Totals for status and metrics. */
  public synchronized Totals totals() {
    ensureOpen();
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                SELECT (SELECT count(*) FROM studies), (SELECT count(*) FROM series),
                       (SELECT count(*) FROM instances), (SELECT coalesce(sum(size_bytes),0) FROM instances),
                       (SELECT count(*) FROM jobs WHERE state = 'queued'),
                       (SELECT count(*) FROM jobs WHERE state = 'running')""")) {
      rs.next();
      return new Totals(
          rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6));
    } catch (SQLException e) {
      throw read(e);
    }
  }

  /** Every stored path with its row id (for start-up reconciliation). */
  public synchronized List<InstanceRow> allInstances() {
    return list("SELECT * FROM instances ORDER BY id", Index::instance);
  }

  /**
   * Removes the row of an instance whose file is gone (found at start-up), and records why in the
   * audit log; its series is put back to receiving so its decision is made again on what is really
   * there.
   */
  public synchronized void forgetMissingInstance(InstanceRow row, long nowMs) {
    ensureOpen();
    try {
      db.setAutoCommit(false);
      update("DELETE FROM instances WHERE id = ?", row.id());
      update(
          "UPDATE series SET state = 'receiving', last_received_ms = ? WHERE series_uid = ?",
          nowMs,
          row.seriesUid());
      auditLocked(nowMs, "instance_file_missing", "row " + row.id() + " path " + row.path());
      db.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw write(e);
    } finally {
      autoCommit();
    }
  }

  /** Appends an audit event (no PHI in {@code detail}). */
  public synchronized void audit(long atMs, String event, String detail) {
    ensureOpen();
    try {
      auditLocked(atMs, event, detail);
    } catch (SQLException e) {
      throw write(e);
    }
  }

  private void auditLocked(long atMs, String event, String detail) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement("INSERT INTO audit(at_ms, event, detail) VALUES (?, ?, ?)")) {
      p.setLong(1, atMs);
      p.setString(2, event);
      p.setString(3, detail);
      p.executeUpdate();
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      db.close();
    } catch (SQLException e) {
      throw new StoreException(
          StoreException.Code.WRITE_FAILED, "closing index: " + e.getMessage(), e);
    }
  }

  /** Maps one result row; may throw what JDBC throws. */
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** The rows of a read-only query, mapped; the caller holds the monitor. */
  private <T> List<T> list(String sql, RowMapper<T> mapper, Object... args) {
    ensureOpen();
    try (PreparedStatement p = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      List<T> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw read(e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("index is closed");
    }
  }

  private void update(String sql, Object... args) {
    ensureOpen();
    try (PreparedStatement p = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      p.executeUpdate();
    } catch (SQLException e) {
      throw write(e);
    }
  }

  private List<SeriesRow> seriesList(PreparedStatement p) throws SQLException {
    List<SeriesRow> out = new ArrayList<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(series(rs));
      }
    }
    for (int i = 0; i < out.size(); i++) {
      SeriesRow s = out.get(i);
      out.set(i, withResults(s, jobOf(s.seriesUid()), verdictOf(s.seriesUid())));
    }
    return out;
  }

  private JobRow jobOf(String seriesUid) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("SELECT * FROM jobs WHERE series_uid = ?")) {
      p.setString(1, seriesUid);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? job(rs) : null;
      }
    }
  }

  private String verdictOf(String seriesUid) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement("SELECT verdict FROM verdicts WHERE series_uid = ?")) {
      p.setString(1, seriesUid);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private List<Records.SliceRow> slicesOf(String seriesUid) throws SQLException {
    List<Records.SliceRow> out = new ArrayList<>();
    try (PreparedStatement p =
        db.prepareStatement("SELECT * FROM slice_results WHERE series_uid = ? ORDER BY ordinal")) {
      p.setString(1, seriesUid);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          Integer x0 = integer(rs, "x0");
          int[] box =
              x0 == null ? null : new int[] {x0, rs.getInt("y0"), rs.getInt("x1"), rs.getInt("y1")};
          double ood = rs.getDouble("ood");
          Double oodOrNull = rs.wasNull() ? null : ood;
          Integer uncertain = integer(rs, "uncertain");
          double pHigh = rs.getDouble("p_high");
          Double pHighOrNull = rs.wasNull() ? null : pHigh;
          Integer highCall = integer(rs, "high_call");
          out.add(
              new Records.SliceRow(
                  rs.getInt("ordinal"),
                  rs.getString("sop_instance_uid"),
                  rs.getInt("frame"),
                  rs.getString("status"),
                  rs.getString("grade"),
                  rs.getString("probabilities"),
                  box,
                  oodOrNull,
                  uncertain == null ? null : uncertain != 0,
                  rs.getString("reason"),
                  rs.getString("box_source"),
                  pHighOrNull,
                  highCall == null ? null : highCall != 0));
        }
      }
    }
    return out;
  }

  private SeriesRow withResults(SeriesRow s, JobRow job, String verdict) throws SQLException {
    return new SeriesRow(
        s.seriesUid(),
        s.studyUid(),
        s.modality(),
        s.seriesNumber(),
        s.description(),
        s.instanceCount(),
        s.firstReceivedMs(),
        s.lastReceivedMs(),
        s.lastReleaseMs(),
        s.state(),
        s.completedMs(),
        s.decision(),
        s.decisionSummary(),
        s.decisionReasons(),
        job,
        verdict,
        verdict == null ? List.of() : slicesOf(s.seriesUid()));
  }

  private static InstanceRow instance(ResultSet rs) throws SQLException {
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

  private static SeriesRow series(ResultSet rs) throws SQLException {
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

  private static StudyRow study(ResultSet rs, List<SeriesRow> series) throws SQLException {
    return new StudyRow(
        rs.getString("study_uid"),
        rs.getString("state"),
        rs.getLong("first_received_ms"),
        rs.getLong("last_received_ms"),
        rs.getInt("n"),
        rs.getInt("ns"),
        series);
  }

  private static JobRow job(ResultSet rs) throws SQLException {
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

  private static Integer integer(ResultSet rs, String col) throws SQLException {
    int v = rs.getInt(col);
    return rs.wasNull() ? null : v;
  }

  private static Long longOrNull(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  private static void setInteger(PreparedStatement p, int i, Integer v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.INTEGER);
    } else {
      p.setInt(i, v);
    }
  }

  private void rollbackQuietly() {
    try {
      db.rollback();
    } catch (SQLException ignored) {
      // the connection is unusable or nothing was open: the original failure is what matters
    }
  }

  private void autoCommit() {
    try {
      db.setAutoCommit(true);
    } catch (SQLException e) {
      throw write(e);
    }
  }

  private static StoreException read(SQLException e) {
    return new StoreException(StoreException.Code.READ_FAILED, "index read: " + e.getMessage(), e);
  }

  private static StoreException write(SQLException e) {
    return new StoreException(
        StoreException.Code.WRITE_FAILED, "index write: " + e.getMessage(), e);
  }
}
