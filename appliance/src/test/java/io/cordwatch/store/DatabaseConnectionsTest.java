package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads have a connection of their own: they neither wait for writes nor hold them up. */
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
  void theReadConnectionCannotWrite() throws Exception {
    try (Database db = Database.open(tmp.resolve("index.db"))) {
      db.transaction(c -> Database.update(c, "CREATE TABLE t(v INTEGER)"));
      assertThrows(
          StoreException.class, () -> db.read(c -> Database.update(c, "INSERT INTO t VALUES (1)")));
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
