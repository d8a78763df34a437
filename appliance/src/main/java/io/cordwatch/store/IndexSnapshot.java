package io.cordwatch.store;

import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.store.Records.StudyRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.sqlite.SQLiteConfig;

/**
 * The index of an appliance's data directory, read by another process without disturbing it ({@code
 * cordwatch validate --data-dir}, {@code cordwatch adapt --data-dir}): the appliance may be running
 * and writing, or stopped.
 *
 * <p>Nothing here writes. The connection is opened read-only and {@code query_only}, the schema is
 * checked, never migrated (an index this code cannot read as it is, older or newer, is refused with
 * what to do). While the appliance runs its WAL file exists, and a read-only connection shares it
 * as any reader does: it neither waits for the appliance's writer nor delays it. When no WAL file
 * exists, no connection is open (SQLite removes it when the last one closes cleanly), and the file
 * is opened {@code immutable}: a read-only connection would otherwise create an empty WAL and
 * shared-memory file beside it, and a stopped box's data directory is left exactly as it was.
 *
 * <p>{@link #read} runs its work in one read transaction, so everything it reads (a decision and
 * the study's results, say) is seen as of one moment even while the appliance commits.
 */
public final class IndexSnapshot implements AutoCloseable {
  /** What a read may ask for; each call reads inside the one transaction of {@link #read}. */
  public interface View {
    /** The current (latest) decision on every study and slice that has one, by study. */
    List<ReviewRow> currentReviews();

    /** A study with its series, their selection decisions, verdicts and slice results. */
    Optional<StudyRow> study(String studyUid);

    /** A series' stored instances, in order of arrival; paths relative to the data directory. */
    List<InstanceRow> instancesOfSeries(String seriesUid);

    /** The bundle chosen to run in shadow now; empty when shadow is off or was never used. */
    Optional<String> shadowBundleNow();

    /** The bundles that graded in shadow here, latest first ({@link ShadowResults#bundles}). */
    List<String> shadowBundles();

    /**
     * The series {@code bundleId} graded in shadow beside the active verdicts ({@link
     * ShadowResults#pairs}).
     */
    List<ShadowResults.Pair> shadowPairs(String bundleId);
  }

  private final Path file;
  private final Connection c;

  private IndexSnapshot(Path file, Connection c) {
    this.file = file;
    this.c = c;
  }

  /**
   * Opens {@code file} for reading only.
   *
   * @throws StoreException {@code OPEN_FAILED} naming the file: absent, not an index, or at a
   *     schema version this code does not read
   */
  public static IndexSnapshot open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new StoreException(StoreException.Code.OPEN_FAILED, file + ": no such index", null);
    }
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    String url =
        Files.exists(wal)
            ? "jdbc:sqlite:" + file.toAbsolutePath()
            : "jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath() + "?immutable=1";
    Connection c = null;
    try {
      c = DriverManager.getConnection(url, config.toProperties());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only=ON");
      }
      int version = version(c);
      if (version == 0) {
        throw new StoreException(
            StoreException.Code.OPEN_FAILED,
            file + ": not a CordWatch index (it has no schema version)",
            null);
      }
      if (version != Schema.VERSION) {
        throw new StoreException(
            StoreException.Code.OPEN_FAILED,
            file
                + ": index schema version "
                + version
                + ", this cordwatch reads version "
                + Schema.VERSION
                + (version < Schema.VERSION
                    ? " (start the appliance of this version once: it upgrades the index)"
                    : " (use the cordwatch that runs the appliance)"),
            null);
      }
      c.setAutoCommit(false);
      return new IndexSnapshot(file, c);
    } catch (SQLException e) {
      close(c);
      throw new StoreException(
          StoreException.Code.OPEN_FAILED,
          file + ": cannot read as an index: " + e.getMessage(),
          e);
    } catch (StoreException e) {
      close(c);
      throw e;
    }
  }

  /** Runs {@code work} in one read transaction and returns what it returns. */
  public synchronized <T> T read(Function<View, T> work) {
    try {
      try {
        return work.apply(new SqlView());
      } finally {
        c.rollback(); // ends the read transaction; there is nothing to undo
      }
    } catch (SQLException e) {
      throw Database.read(e);
    }
  }

  @Override
  public synchronized void close() {
    close(c);
  }

  /** The file this reads, for messages. */
  public Path file() {
    return file;
  }

  /** The schema version the file carries; 0 when it has no version table (not an index). */
  private static int version(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")) {
        if (!rs.next() || rs.getInt(1) == 0) {
          return 0;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private static void close(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // read-only: nothing is lost by a failed close
    }
  }

  /** The view over this snapshot's connection; SQL errors become {@link StoreException}s. */
  private final class SqlView implements View {
    @Override
    public List<ReviewRow> currentReviews() {
      return query(Reviews::current);
    }

    @Override
    public Optional<StudyRow> study(String studyUid) {
      return query(conn -> ReadModel.study(conn, studyUid));
    }

    @Override
    public List<InstanceRow> instancesOfSeries(String seriesUid) {
      return query(conn -> Instances.ofSeries(conn, seriesUid));
    }

    @Override
    public Optional<String> shadowBundleNow() {
      return query(conn -> BundleShadows.latest(conn).map(BundleShadows.Choice::bundleId));
    }

    @Override
    public List<String> shadowBundles() {
      return query(ShadowResults::bundles);
    }

    @Override
    public List<ShadowResults.Pair> shadowPairs(String bundleId) {
      return query(conn -> ShadowResults.pairs(conn, bundleId));
    }

    private <T> T query(Database.Work<T> q) {
      try {
        return q.run(c);
      } catch (SQLException e) {
        throw Database.read(e);
      }
    }
  }
}
