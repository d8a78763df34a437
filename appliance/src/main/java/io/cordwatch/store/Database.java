package io.cordwatch.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The index's SQLite connections and the only place a transaction begins or ends.
 *
 * <p>{@link #transaction} is all-or-nothing whatever goes wrong inside it: an {@link SQLException},
 * a {@link StoreException} from a helper, a bug's {@link RuntimeException} or an {@link Error} all
 * roll back before auto-commit is restored, because restoring auto-commit on an open transaction
 * commits it. Should the rollback itself fail, auto-commit is left off and the next call rolls back
 * first, so half a transaction is never committed by whoever comes next.
 *
 * <p>Writes ({@link #transaction}, {@link #update}) are serialised by this object's monitor on the
 * one writing connection: SQLite has one writer anyway, and one connection keeps transaction
 * boundaries obvious and avoids SQLITE_BUSY between our own threads. Reads ({@link #read}) run on a
 * small pool of query-only connections ({@code index-read-connections}, {@link
 * #DEFAULT_READ_CONNECTIONS} by default): in WAL mode each reader sees every committed transaction
 * and neither waits for nor delays the writer, and with several of them one slow read (a study
 * page, a status count) no longer queues every other HTTP request behind it, as the single read
 * connection did under the load bench's 50 polls a second. Each read is its own read transaction,
 * so it sees what was committed before it began. A read that finds every connection busy waits for
 * the first one returned (a fair queue, so nobody starves); the pool is small on purpose, because a
 * 2-core box gains nothing from more SQLite work at once, and each connection keeps its own page
 * cache.
 *
 * <p>{@link #groupedTransaction} is the ingest path's commit: writes that arrive while another is
 * committing wait and then commit together, one WAL sync for the group, each in a savepoint of its
 * own, so that one that fails is rolled back alone. Each caller still returns only after its rows
 * are committed and synced; a single caller's write is committed exactly as by {@link
 * #transaction}.
 */
final class Database implements AutoCloseable {
  /** Work inside a transaction or a read; may throw what JDBC throws. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Maps one result row. */
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Query-only connections when the setting does not say otherwise. */
  static final int DEFAULT_READ_CONNECTIONS = 4;

  /** The most query-only connections one index opens. */
  static final int MAX_READ_CONNECTIONS = 64;

  private final Connection c;
  private final ReadPool readers;

  /**
   * The read connection this thread holds, so that a read inside a read reuses it (as the one
   * lock's reentrancy allowed) instead of taking a second one, which could wait for ever once every
   * connection is held by a reader waiting for another.
   */
  private final ThreadLocal<Connection> lent = new ThreadLocal<>();

  private volatile boolean closed;
  private boolean rollbackPending;

  private Database(Connection c, ReadPool readers) {
    this.c = c;
    this.readers = readers;
  }

  /** As {@link #open(Path, int)} with {@link #DEFAULT_READ_CONNECTIONS}. */
  static Database open(Path file) {
    return open(file, DEFAULT_READ_CONNECTIONS);
  }

  /**
   * Opens (creating the file and its folder if needed) in WAL mode with full sync, with {@code
   * readConnections} query-only connections for {@link #read} (1 to {@link #MAX_READ_CONNECTIONS}).
   */
  static Database open(Path file, int readConnections) {
    if (readConnections < 1 || readConnections > MAX_READ_CONNECTIONS) {
      throw new IllegalArgumentException(
          "index read connections: between 1 and "
              + MAX_READ_CONNECTIONS
              + ", was "
              + readConnections);
    }
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    List<Connection> opened = new ArrayList<>();
    try {
      PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
      // SQLite gives its -wal and -shm files the database file's permissions: create it 0600.
      PrivateFiles.createFile(file.toAbsolutePath());
      Connection c = DriverManager.getConnection(url);
      opened.add(c);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA foreign_keys=ON");
        s.execute("PRAGMA busy_timeout=10000");
      }
      List<Connection> readers = new ArrayList<>();
      for (int i = 0; i < readConnections; i++) {
        Connection r = DriverManager.getConnection(url);
        opened.add(r);
        try (Statement s = r.createStatement()) {
          s.execute("PRAGMA query_only=ON");
          s.execute("PRAGMA foreign_keys=ON");
          s.execute("PRAGMA busy_timeout=10000");
        }
        readers.add(r);
      }
      return new Database(c, new ReadPool(readers));
    } catch (SQLException | IOException e) {
      for (Connection o : opened) {
        try {
          o.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new StoreException(
          StoreException.Code.OPEN_FAILED, "cannot open index " + file + ": " + e.getMessage(), e);
    }
  }

  /** How many query-only connections {@link #read} shares out. */
  int readConnections() {
    return readers.size();
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  synchronized <T> T transaction(Work<T> work) {
    ensureOpen();
    try {
      c.setAutoCommit(false);
    } catch (SQLException e) {
      throw write(e);
    }
    boolean committed = false;
    try {
      T result = work.run(c);
      c.commit();
      committed = true;
      return result;
    } catch (SQLException e) {
      throw write(e);
    } finally {
      if (!committed) {
        rollbackPending = true;
      }
      settle();
    }
  }

  /** A caller's write waiting for, or done in, a grouped commit (guarded by the monitor). */
  private static final class Grouped<T> {
    final Work<T> work;
    T result;
    RuntimeException failure;
    boolean done;

    Grouped(Work<T> work) {
      this.work = work;
    }
  }

  private final ConcurrentLinkedQueue<Grouped<?>> waiting = new ConcurrentLinkedQueue<>();
  private long groupCommits;

  /**
   * Runs {@code work} in a transaction shared with the grouped writes that wait beside it (see the
   * class comment): committed and synced when this returns, rolled back alone if it throws, and
   * rolled back with its group if the group's commit fails.
   */
  <T> T groupedTransaction(Work<T> work) {
    Grouped<T> mine = new Grouped<>(work);
    waiting.add(mine);
    synchronized (this) {
      if (!mine.done) {
        commitGroup();
      }
      if (mine.failure != null) {
        throw mine.failure;
      }
      return mine.result;
    }
  }

  /** Grouped commits made so far (each one WAL sync). For tests. */
  synchronized long groupCommits() {
    return groupCommits;
  }

  /** Commits every write waiting now in one transaction; the caller holds the monitor. */
  private void commitGroup() {
    List<Grouped<?>> group = new ArrayList<>();
    for (Grouped<?> g = waiting.poll(); g != null; g = waiting.poll()) {
      group.add(g);
    }
    boolean committed = false;
    try {
      ensureOpen();
      c.setAutoCommit(false);
      for (Grouped<?> g : group) {
        runInSavepoint(g);
      }
      c.commit();
      committed = true;
      groupCommits++;
    } catch (SQLException e) {
      failRest(group, write(e));
    } catch (RuntimeException e) {
      failRest(group, e);
    } catch (Error e) {
      failRest(group, new StoreException(StoreException.Code.WRITE_FAILED, "index write: " + e, e));
      throw e;
    } finally {
      try {
        if (!committed) {
          rollbackPending = true;
        }
        settle();
      } finally {
        for (Grouped<?> g : group) {
          g.done = true;
        }
      }
    }
  }

  /** Runs one write of a group; one that fails is rolled back to its savepoint and kept out. */
  private <T> void runInSavepoint(Grouped<T> g) throws SQLException {
    Savepoint sp = c.setSavepoint();
    try {
      g.result = g.work.run(c);
    } catch (SQLException | RuntimeException e) {
      c.rollback(sp);
      g.failure = e instanceof SQLException s ? write(s) : (RuntimeException) e;
    } finally {
      c.releaseSavepoint(sp);
    }
  }

  /** A group that did not commit: every write in it that had not failed on its own fails now. */
  private static void failRest(List<Grouped<?>> group, RuntimeException why) {
    for (Grouped<?> g : group) {
      if (g.failure == null) {
        g.failure = why;
        g.result = null;
      }
    }
  }

  /**
   * Runs {@code work} on one of the query-only connections (it cannot write: a statement that tries
   * fails), waiting for one to come free if every one is in use; a read inside a read runs on the
   * connection its thread already holds.
   */
  <T> T read(Work<T> work) {
    if (closed) {
      throw new IllegalStateException("index is closed");
    }
    Connection mine = lent.get();
    if (mine != null) {
      return run(work, mine);
    }
    Connection r = readers.take();
    lent.set(r);
    try {
      // Checked again with the connection in hand: close() may have closed it meanwhile.
      if (closed) {
        throw new IllegalStateException("index is closed");
      }
      return run(work, r);
    } finally {
      lent.remove();
      readers.give(r);
    }
  }

  private static <T> T run(Work<T> work, Connection r) {
    try {
      return work.run(r);
    } catch (SQLException e) {
      throw read(e);
    }
  }

  /**
   * Runs the read-only {@code work} on the writing connection, outside any transaction. For the
   * ingest path's lookups: the query-only connections are shared by every HTTP request, and a
   * C-STORE waiting there queued behind a burst of status polls (bench load: hundreds of them at 50
   * requests/s on a busy machine). The writing connection is held only by writers, each for one
   * short transaction, and it sees every committed row.
   */
  synchronized <T> T readOnWriter(Work<T> work) {
    ensureOpen();
    try {
      return work.run(c);
    } catch (SQLException e) {
      throw read(e);
    }
  }

  /** Runs one statement on its own (auto-commit), returning the rows it changed. */
  synchronized int update(String sql, Object... args) {
    ensureOpen();
    try {
      return update(c, sql, args);
    } catch (SQLException e) {
      throw write(e);
    }
  }

  /** Whether a trivial write transaction succeeds now (readiness). */
  synchronized boolean writable() {
    ensureOpen();
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      s.execute("ROLLBACK");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Rolls back what a failed transaction left, then restores auto-commit. */
  private void settle() {
    if (rollbackPending) {
      try {
        c.rollback();
        rollbackPending = false;
      } catch (SQLException e) {
        // Leave auto-commit off: turning it on would commit the half-done transaction. The next
        // call tries the rollback again first (ensureOpen).
        return;
      }
    }
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      throw write(e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("index is closed");
    }
    if (rollbackPending) {
      settle();
      if (rollbackPending) {
        throw new StoreException(
            StoreException.Code.WRITE_FAILED,
            "index write: a failed transaction could not be rolled back",
            null);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        // Waits for the reads in progress to give their connections back.
        readers.closeAll();
        c.close();
      } catch (SQLException e) {
        throw new StoreException(
            StoreException.Code.WRITE_FAILED, "closing index: " + e.getMessage(), e);
      }
    }
  }

  /** Runs one statement with positional arguments on {@code c}; returns the rows it changed. */
  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, args);
      return p.executeUpdate();
    }
  }

  /** The rows of one query with positional arguments, mapped. */
  static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... args)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, args);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
      }
      return out;
    }
  }

  /** The first row of one query with positional arguments, mapped; empty when there is none. */
  static <T> Optional<T> first(Connection c, String sql, RowMapper<T> mapper, Object... args)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, args);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
      }
    }
  }

  /** Binds arguments in order; an enum state binds as its stored spelling. */
  static void bind(PreparedStatement p, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      p.setObject(i + 1, sqlValue(args[i]));
    }
  }

  private static Object sqlValue(Object v) {
    return switch (v) {
      case StudyState s -> s.sql();
      case SeriesState s -> s.sql();
      case SeriesDecision d -> d.sql();
      case JobState j -> j.sql();
      case null, default -> v;
    };
  }

  static StoreException read(SQLException e) {
    return new StoreException(StoreException.Code.READ_FAILED, "index read: " + e.getMessage(), e);
  }

  static StoreException write(SQLException e) {
    return new StoreException(
        StoreException.Code.WRITE_FAILED, "index write: " + e.getMessage(), e);
  }
}
