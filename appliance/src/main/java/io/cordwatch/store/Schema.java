package io.cordwatch.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The index's tables and their history. A database carries its version in {@code schema_version};
 * opening an older one runs each missing step in order, in one transaction, so an upgrade
 * interrupted by a power cut leaves the old version intact. A step is only ever added, never
 * edited: appliances in the field hold databases at every earlier version.
 */
final class Schema {
  /** The version this code writes. */
  static final int VERSION = 14;

  private Schema() {}

  /** Brings the schema up to {@link #VERSION}. */
  static void migrate(Database db) {
    int version =
        db.transaction(
            c -> {
              try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
                try (ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
                  return rs.next() ? rs.getInt(1) : 0;
                }
              }
            });
    if (version >= VERSION) {
      return;
    }
    db.transaction(c -> upgrade(c, version));
  }

  private static Void upgrade(Connection c, int version) throws SQLException {
    try (Statement s = c.createStatement()) {
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
      if (version < 6) {
        createVersion6(s);
      }
      if (version < 7) {
        createVersion7(s);
      }
      if (version < 8) {
        createOutbox(s);
      }
      if (version < 9) {
        createVersion9Reviews(s);
      }
      if (version < 10) {
        createBundleActivations(s);
      }
      if (version < 11) {
        createShadowMode(s);
      }
      if (version < 12) {
        createAuditExport(s);
      }
      if (version < 13) {
        addOutboxDeliveryStarted(s);
      }
      if (version < 14) {
        addSliceTissue(s);
      }
      s.execute("INSERT INTO schema_version(version) VALUES (" + VERSION + ")");
    }
    return null;
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

  /**
   * Version 14: what the bundle's canal segmenter saw on a slice it was shown ({@code
   * slice_results.tumour_in_box_mm2}) and whether it withdrew the slice's high call ({@code
   * call_withdrawn}); null where it did not look and for results graded before. Like version 13's
   * step it may meet an index that has the columns already (a test index rolled back to an older
   * version keeps them), so it adds only what is missing.
   */
  private static void addSliceTissue(Statement s) throws SQLException {
    if (!hasColumn(s, "slice_results", "tumour_in_box_mm2")) {
      s.execute("ALTER TABLE slice_results ADD COLUMN tumour_in_box_mm2 REAL");
    }
    if (!hasColumn(s, "slice_results", "call_withdrawn")) {
      s.execute("ALTER TABLE slice_results ADD COLUMN call_withdrawn INTEGER");
    }
  }

  /**
   * Version 7: instances indexed by study. The study list counts each study's instances; without
   * this index every poll of it scanned the whole instances table (issue 14).
   */
  private static void createVersion7(Statement s) throws SQLException {
    s.execute("CREATE INDEX instances_by_study ON instances(study_uid)");
  }

  /**
   * Version 9: clinicians' reviews of the results ({@link Reviews}): one row per decision to
   * confirm or correct a study's grade or one slice's, with the model's grade, the model, the canal
   * box and who decided when. Rows are only ever added; the triggers refuse an update or a delete,
   * so the history a clinician was shown cannot be rewritten by any code path. Written with {@code
   * IF NOT EXISTS} so the step stands alone whatever number it ends up with.
   */
  private static void createVersion9Reviews(Statement s) throws SQLException {
    s.execute(
        """
        CREATE TABLE IF NOT EXISTS reviews(
          id INTEGER PRIMARY KEY,
          study_uid TEXT NOT NULL REFERENCES studies(study_uid),
          series_uid TEXT,
          sop_instance_uid TEXT,
          frame INTEGER,
          decision TEXT NOT NULL CHECK (decision IN ('confirm', 'correct')),
          grade TEXT NOT NULL,
          model_grade TEXT,
          model TEXT,
          x0 INTEGER, y0 INTEGER, x1 INTEGER, y1 INTEGER,
          user_name TEXT NOT NULL,
          at_ms INTEGER NOT NULL)""");
    s.execute("CREATE INDEX IF NOT EXISTS reviews_by_study ON reviews(study_uid, id)");
    s.execute(
        """
        CREATE TRIGGER IF NOT EXISTS reviews_never_updated BEFORE UPDATE ON reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are never changed: record a new decision'); END""");
    s.execute(
        """
        CREATE TRIGGER IF NOT EXISTS reviews_never_deleted BEFORE DELETE ON reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are never deleted: record a new decision'); END""");
  }

  /**
   * Version 6: access control. Local users (role, a self-describing password hash, disabled), API
   * tokens (only their SHA-256) and browser sessions (only the SHA-256 of the cookie value).
   */
  private static void createVersion6(Statement s) throws SQLException {
    s.execute(
        """
        CREATE TABLE users(
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          role TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          disabled INTEGER NOT NULL DEFAULT 0,
          created_ms INTEGER NOT NULL,
          updated_ms INTEGER NOT NULL)""");
    s.execute(
        """
        CREATE TABLE api_tokens(
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          scope TEXT NOT NULL,
          token_sha256 TEXT NOT NULL UNIQUE,
          created_ms INTEGER NOT NULL,
          last_used_ms INTEGER)""");
    s.execute(
        """
        CREATE TABLE sessions(
          id_sha256 TEXT PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES users(id),
          created_ms INTEGER NOT NULL,
          last_seen_ms INTEGER NOT NULL)""");
    s.execute("CREATE INDEX sessions_by_user ON sessions(user_id)");
  }

  /**
   * The results outbox (issue 13): one row per results document and destination, with its state,
   * attempts, next due time and last error. Written as one self-contained step ({@code IF NOT
   * EXISTS}) so it can be renumbered among other steps of the same release.
   */
  private static void createOutbox(Statement s) throws SQLException {
    s.execute(
        """
        CREATE TABLE IF NOT EXISTS outbox(
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,
          study_uid TEXT NOT NULL,
          series_uid TEXT NOT NULL,
          object_uid TEXT NOT NULL,
          sop_class_uid TEXT,
          path TEXT NOT NULL,
          destination TEXT NOT NULL,
          state TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          created_ms INTEGER NOT NULL,
          updated_ms INTEGER NOT NULL,
          next_attempt_ms INTEGER NOT NULL,
          sent_ms INTEGER,
          last_error TEXT,
          UNIQUE(object_uid, destination))""");
    s.execute("CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_attempt_ms)");
    s.execute("CREATE INDEX IF NOT EXISTS outbox_by_series ON outbox(series_uid)");
  }

  /**
   * Which installed model bundle is active (issue 15, bundle lifecycle): one row per activation,
   * never changed; the latest row is the active bundle and names the one it replaced, which is what
   * a rollback returns to. Written as one self-contained step ({@code IF NOT EXISTS}) so it can be
   * renumbered among other steps of the same release.
   */
  private static void createBundleActivations(Statement s) throws SQLException {
    s.execute(
        """
        CREATE TABLE IF NOT EXISTS bundle_activations(
          id INTEGER PRIMARY KEY,
          at_ms INTEGER NOT NULL,
          bundle_id TEXT NOT NULL,
          previous_id TEXT,
          actor TEXT NOT NULL,
          how TEXT NOT NULL)""");
    s.execute(
        """
        CREATE TRIGGER IF NOT EXISTS bundle_activations_never_updated
        BEFORE UPDATE ON bundle_activations
        BEGIN SELECT RAISE(ABORT, 'activations are never changed: record a new one'); END""");
  }

  /**
   * Shadow mode (issue 15): which installed bundle runs in shadow beside the active one ({@code
   * bundle_shadow}, one never-changed row per choice, the latest decides; a null bundle is "off")
   * and what it found on each series ({@code shadow_results}, never published). Written as one
   * self-contained step ({@code IF NOT EXISTS}) so it can be renumbered among other steps of the
   * same release.
   */
  private static void createShadowMode(Statement s) throws SQLException {
    s.execute(
        """
        CREATE TABLE IF NOT EXISTS bundle_shadow(
          id INTEGER PRIMARY KEY,
          at_ms INTEGER NOT NULL,
          bundle_id TEXT,
          actor TEXT NOT NULL)""");
    s.execute(
        """
        CREATE TRIGGER IF NOT EXISTS bundle_shadow_never_updated
        BEFORE UPDATE ON bundle_shadow
        BEGIN SELECT RAISE(ABORT, 'shadow choices are never changed: record a new one'); END""");
    s.execute(
        """
        CREATE TABLE IF NOT EXISTS shadow_results(
          id INTEGER PRIMARY KEY,
          study_uid TEXT NOT NULL,
          series_uid TEXT NOT NULL,
          bundle_id TEXT NOT NULL,
          bundle_sha256 TEXT,
          grade TEXT,
          grp TEXT NOT NULL,
          indeterminate_reason TEXT,
          verdict TEXT NOT NULL,
          slices TEXT NOT NULL,
          at_ms INTEGER NOT NULL)""");
    s.execute(
        "CREATE INDEX IF NOT EXISTS shadow_results_by_series ON shadow_results(series_uid, id)");
  }

  /**
   * How far the audit trail has gone out to each syslog collector (issue 14, audit export): one row
   * per collector with the id of the last audit row it was sent. The audit rows stay the source of
   * truth; this is only the cursor, so export resumes after a restart where it stopped. Written as
   * one self-contained step ({@code IF NOT EXISTS}) so it can be renumbered among other steps of
   * the same release.
   */
  private static void createAuditExport(Statement s) throws SQLException {
    s.execute(
        """
        CREATE TABLE IF NOT EXISTS audit_export(
          collector TEXT PRIMARY KEY,
          last_id INTEGER NOT NULL,
          updated_ms INTEGER NOT NULL)""");
  }

  /**
   * Export exactly once (issue 14): {@code outbox.started_ms} is when a C-STORE of the row was last
   * about to go (committed before the association), so a restarted sender knows which rows the PACS
   * may hold already and asks it by C-FIND before sending them again; {@code outbox.sent_via} says
   * how a sent row's delivery was proven ({@code c-store}, {@code c-find} or {@code webhook}; null
   * for rows sent before this step). Self-contained (each column added only when missing) so it can
   * be renumbered among other steps of the same release.
   */
  private static void addOutboxDeliveryStarted(Statement s) throws SQLException {
    if (!hasColumn(s, "outbox", "started_ms")) {
      s.execute("ALTER TABLE outbox ADD COLUMN started_ms INTEGER");
    }
    if (!hasColumn(s, "outbox", "sent_via")) {
      s.execute("ALTER TABLE outbox ADD COLUMN sent_via TEXT");
    }
  }

  private static boolean hasColumn(Statement s, String table, String column) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (column.equals(rs.getString("name"))) {
          return true;
        }
      }
    }
    return false;
  }
}
