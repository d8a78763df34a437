package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest writes that arrive while another commits are committed together, each in a savepoint of
 * its own: one sync for the group, and a write that fails is rolled back alone.
 */
class GroupedTransactionTest {
  @TempDir Path tmp;

  @Test
  void writesThatWaitedCommitAsOneGroup() throws Exception {
    try (Database db = Database.open(tmp.resolve("index.db"))) {
      List<Throwable> failures = race(db, List.of(w(2), w(3), w(4)));
      assertEquals(List.of(), failures.stream().filter(f -> f != null).toList());
      assertEquals(List.of(1, 2, 3, 4), values(db));
      // The first write alone, then the three that waited behind it: two syncs for four writes.
      assertEquals(2, db.groupCommits());
    }
  }

  @Test
  void aFailingWriteIsRolledBackAloneAndTheOthersOfItsGroupCommit() throws Exception {
    try (Database db = Database.open(tmp.resolve("index.db"))) {
      Database.Work<Integer> failing =
          c -> {
            insert(c, 30);
            return insert(c, 1); // the first write's value again: the unique key refuses it
          };
      List<Throwable> failures = race(db, List.of(w(2), failing, w(4)));
      assertNull(failures.get(0));
      assertInstanceOf(StoreException.class, failures.get(1));
      assertNull(failures.get(2));
      assertEquals(List.of(1, 2, 4), values(db), "30 went with the failed write's savepoint");
      assertEquals(2, db.groupCommits());
    }
  }

  private static Database.Work<Integer> w(int v) {
    return c -> insert(c, v);
  }

  private static int insert(Connection c, int v) throws SQLException {
    return Database.update(c, "INSERT INTO t VALUES (?)", v);
  }

  /**
   * A first grouped write (value 1) holds the writer inside its work until every later write has
   * queued behind it (its thread blocked on the monitor); then it is let go. Returns what each
   * later write threw, null for none.
   */
  private static List<Throwable> race(Database db, List<Database.Work<Integer>> later)
      throws Exception {
    db.transaction(c -> Database.update(c, "CREATE TABLE t(v INTEGER UNIQUE)"));
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread first =
        Thread.ofPlatform()
            .start(
                () ->
                    db.groupedTransaction(
                        c -> {
                          insert(c, 1);
                          inside.countDown();
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return 1;
                        }));
    assertTrue(inside.await(30, TimeUnit.SECONDS));
    List<AtomicReference<Throwable>> thrown = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (Database.Work<Integer> work : later) {
      AtomicReference<Throwable> t = new AtomicReference<>();
      thrown.add(t);
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      db.groupedTransaction(work);
                    } catch (RuntimeException e) {
                      t.set(e);
                    }
                  }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!threads.stream().allMatch(t -> t.getState() == Thread.State.BLOCKED)) {
      assertTrue(System.nanoTime() < deadline, "the later writes never queued");
      Thread.sleep(5);
    }
    release.countDown();
    first.join(30_000);
    for (Thread t : threads) {
      t.join(30_000);
    }
    return thrown.stream().map(AtomicReference::get).toList();
  }

  private static List<Integer> values(Database db) {
    return db.read(c -> Database.list(c, "SELECT v FROM t ORDER BY v", rs -> rs.getInt(1)));
  }
}
