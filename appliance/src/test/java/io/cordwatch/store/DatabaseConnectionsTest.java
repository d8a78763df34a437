package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads have connections of their own, a pool of them: they neither wait for writes nor hold them
 * up, and several run at once.
 */
class DatabaseConnectionsTest {
  @TempDir Path tmp;

  @Test
  void aWriteCommitsWhileAReadIsInProgress() throws Exception {
    try (Database db = Database.open(tmp.resolve("index.db"))) {
      db.transaction(
          c ->
              Database.update(c, "CREATE TABLE t(v INTEGER)")
                  + Database.update(c, "INSERT INTO t VALUES (1)"));
      CountDownLatch reading = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      // Threads of their own: the common pool may have a single worker on a small machine.
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        CompletableFuture<Integer> slowRead =
            CompletableFuture.supplyAsync(
                () ->
                    db.read(
                        c -> {
                          try (ResultSet rs =
                              c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                            rs.next();
                            int n = rs.getInt(1);
                            reading.countDown();
                            try {
                              release.await();
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                            return n;
                          }
                        }),
                threads);
        assertTrue(reading.await(30, TimeUnit.SECONDS));
        // The reader is inside its read; a write on the other connection goes through.
        CompletableFuture<Integer> write =
            CompletableFuture.supplyAsync(
                () -> db.transaction(c -> Database.update(c, "INSERT INTO t VALUES (2)")), threads);
        try {
          assertEquals(1, write.get(30, TimeUnit.SECONDS));
        } finally {
          release.countDown();
        }
        assertEquals(1, slowRead.get(30, TimeUnit.SECONDS));
      } finally {
        threads.shutdownNow();
      }
      // A read that begins after the commit sees it.
      int after =
          db.read(
              c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                  rs.next();
                  return rs.getInt(1);
                }
              });
      assertEquals(2, after);
    }
  }

  @Test
  void noReadConnectionCanWrite() throws Exception {
    try (Database db = Database.open(tmp.resolve("index.db"))) {
      db.transaction(c -> Database.update(c, "CREATE TABLE t(v INTEGER)"));
      // Reads one after the other go round every connection of the pool (a fair queue).
      for (int i = 0; i <= db.readConnections(); i++) {
        assertThrows(
            StoreException.class,
            () -> db.read(c -> Database.update(c, "INSERT INTO t VALUES (1)")));
      }
      assertEquals(0, count(db));
    }
  }

  @Test
  void everyReadConnectionReadsAtOnceWhileAWriteTransactionIsOpen() throws Exception {
    int n = Database.DEFAULT_READ_CONNECTIONS;
    try (Database db = Database.open(tmp.resolve("index.db"), n)) {
      db.transaction(
          c ->
              Database.update(c, "CREATE TABLE t(v INTEGER)")
                  + Database.update(c, "INSERT INTO t VALUES (1)"));
      CountDownLatch writing = new CountDownLatch(1);
      CountDownLatch commit = new CountDownLatch(1);
      CountDownLatch reading = new CountDownLatch(n);
      CountDownLatch release = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(n + 1);
      try {
        Future<Integer> write =
            threads.submit(
                () ->
                    db.transaction(
                        c -> {
                          int k = Database.update(c, "INSERT INTO t VALUES (2)");
                          writing.countDown();
                          await(commit);
                          return k;
                        }));
        assertTrue(writing.await(30, TimeUnit.SECONDS), "the write transaction began");
        List<Future<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          reads.add(
              threads.submit(
                  () ->
                      db.read(
                          c -> {
                            int seen = count(c);
                            // Each read stays inside its read until all of them are in theirs.
                            reading.countDown();
                            await(release);
                            return seen;
                          })));
        }
        assertTrue(
            reading.await(30, TimeUnit.SECONDS),
            n
                + " reads at once beside an open write transaction; "
                + reading.getCount()
                + " still waiting for a connection");
        release.countDown();
        for (Future<Integer> r : reads) {
          assertEquals(1, r.get(30, TimeUnit.SECONDS), "a read sees only committed rows");
        }
        commit.countDown();
        assertEquals(1, write.get(30, TimeUnit.SECONDS));
      } finally {
        release.countDown();
        commit.countDown();
        threads.shutdownNow();
      }
      assertEquals(2, count(db));
    }
  }

  @Test
  void aReadInsideAReadRunsOnTheConnectionItsThreadHolds() throws Exception {
    try (Database db = Database.open(tmp.resolve("index.db"), 1)) {
      db.transaction(c -> Database.update(c, "CREATE TABLE t(v INTEGER)"));
      ExecutorService threads = Executors.newSingleThreadExecutor();
      try {
        // With one connection, a nested read that asked the pool again would wait for ever.
        Future<Boolean> same =
            threads.submit(() -> db.read(outer -> db.read(inner -> inner == outer)));
        assertTrue(same.get(30, TimeUnit.SECONDS));
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void aReadWaitingForAConnectionEndsWhenTheIndexCloses() throws Exception {
    Database db = Database.open(tmp.resolve("index.db"), 1);
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      Future<Integer> holding =
          threads.submit(
              () ->
                  db.read(
                      c -> {
                        reading.countDown();
                        await(release);
                        return 1;
                      }));
      assertTrue(reading.await(30, TimeUnit.SECONDS));
      AtomicReference<Thread> waiter = new AtomicReference<>();
      AtomicReference<Thread> closer = new AtomicReference<>();
      Future<Integer> waiting =
          threads.submit(
              () -> {
                waiter.set(Thread.currentThread());
                return db.read(c -> 2);
              });
      Future<?> closing =
          threads.submit(
              () -> {
                closer.set(Thread.currentThread());
                db.close();
              });
      // Both must be blocked before the read in progress ends: the read waiting for the one
      // connection, and close() (which has marked the index closed) waiting to take it back.
      // Released earlier, the waiting read could get the connection before close() began.
      awaitBlocked(waiter);
      awaitBlocked(closer);
      release.countDown();
      assertEquals(1, holding.get(30, TimeUnit.SECONDS), "a read in progress finishes");
      closing.get(30, TimeUnit.SECONDS);
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> waiting.get(30, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertThrows(IllegalStateException.class, () -> db.read(c -> 3));
    } finally {
      release.countDown();
      threads.shutdownNow();
      db.close();
    }
  }

  /** Waits until the thread {@code ref} names has started and is parked (waiting for a lock). */
  private static void awaitBlocked(AtomicReference<Thread> ref) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ref.get() == null || ref.get().getState() != Thread.State.WAITING) {
      assertTrue(System.nanoTime() < deadline, "the thread never blocked");
      Thread.sleep(1);
    }
  }

  @Test
  void aPoolOutsideItsRangeIsRefused() {
    Path file = tmp.resolve("index.db");
    assertThrows(IllegalArgumentException.class, () -> Database.open(file, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> Database.open(file, Database.MAX_READ_CONNECTIONS + 1));
  }

  private static int count(Database db) {
    return db.read(DatabaseConnectionsTest::count);
  }

  private static int count(Connection c) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the latch");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aReadOnTheWriterDoesNotWaitForAReadInProgress() throws Exception {
    try (Database db = Database.open(tmp.resolve("index.db"))) {
      db.transaction(
          c ->
              Database.update(c, "CREATE TABLE t(v INTEGER)")
                  + Database.update(c, "INSERT INTO t VALUES (7)"));
      CountDownLatch reading = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        // A web read holds the query-only connection (and its lock) until released.
        CompletableFuture<Integer> held =
            CompletableFuture.supplyAsync(
                () ->
                    db.read(
                        c -> {
                          reading.countDown();
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return 0;
                        }),
                threads);
        assertTrue(reading.await(30, TimeUnit.SECONDS));
        // The receiver's lookup answers while that read still holds its lock.
        CompletableFuture<Integer> lookup =
            CompletableFuture.supplyAsync(
                () ->
                    db.readOnWriter(
                        c -> {
                          try (ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t")) {
                            rs.next();
                            return rs.getInt(1);
                          }
                        }),
                threads);
        assertEquals(7, lookup.get(30, TimeUnit.SECONDS));
        assertTrue(!held.isDone(), "the held read ended before the lookup");
        release.countDown();
        assertEquals(0, held.get(30, TimeUnit.SECONDS));
      } finally {
        release.countDown();
        threads.shutdownNow();
      }
    }
  }
}
