package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.app.Appliance;
import io.cordwatch.cli.Main;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.store.Backup;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch backup} and {@code restore} on a real appliance: a backup taken while instances
 * arrive and the index is written is a consistent snapshot with every file it names; a restored
 * data directory serves its studies; and what must be refused is, with the reason named.
 */
class BackupRestoreTest {
  @TempDir Path tmp;

  @Test
  void backupTakenWhileInstancesArriveIsConsistentAndHasEveryFileItNames() throws Exception {
    Path data = tmp.resolve("data");
    List<List<Path>> studies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      studies.add(
          SyntheticStudy.write(
              tmp.resolve("study" + i), new SyntheticStudy.Spec(12, false, false, 64, 100 + i)));
    }
    Path out = tmp.resolve("backup");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger auditWrites = new AtomicInteger();
    Backup.Summary summary;
    int finalCount;
    // Own threads: the common pool may have one thread on a small machine.
    try (Appliance appliance = RunningAppliance.start(data);
        ExecutorService threads = Executors.newFixedThreadPool(2)) {
      CompletableFuture<Integer> sender =
          CompletableFuture.supplyAsync(
              () -> {
                int ok = 0;
                for (List<Path> files : studies) {
                  try {
                    ok += Peers.successes(Peers.storescu(appliance.dicomPort(), "STORESCU", files));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
                return ok;
              },
              threads);
      // Writes through the Index API for as long as the backup runs, so the snapshot surely
      // overlaps a writer.
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                while (!stop.get()) {
                  appliance.index().audit(System.currentTimeMillis(), "test_write", "backup test");
                  auditWrites.incrementAndGet();
                }
              },
              threads);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while ((appliance.index().allInstances().size() < 6 || auditWrites.get() == 0)
          && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      List<String> lines = new ArrayList<>();
      try {
        summary = Backup.create(data, out, "test", Clock.systemUTC(), lines::add);
      } finally {
        stop.set(true);
      }
      writer.get(60, TimeUnit.SECONDS);
      assertEquals(48, sender.get(300, TimeUnit.SECONDS));
      finalCount = appliance.index().allInstances().size();
      lines.forEach(System.out::println);
      assertTrue(lines.getLast().startsWith("backup: done: "), lines.toString());
      assertTrue(auditWrites.get() > 0);
    }
    assertEquals(48, finalCount);
    assertTrue(summary.instances() >= 6, "snapshot taken after 6 instances: " + summary);
    assertEquals(List.of(), summary.missing());

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out.resolve("index.db"))) {
      ResultSet ok = c.createStatement().executeQuery("PRAGMA integrity_check");
      assertTrue(ok.next());
      assertEquals("ok", ok.getString(1));
      ResultSet rows = c.createStatement().executeQuery("SELECT path, size_bytes FROM instances");
      int n = 0;
      while (rows.next()) {
        Path f = out.resolve(rows.getString(1));
        assertTrue(Files.isRegularFile(f), "backup lacks " + f);
        assertEquals(rows.getLong(2), Files.size(f));
        n++;
      }
      assertEquals(summary.instances(), n);
    }
    // Files written after the snapshot are not in it: exactly the rows' files are.
    try (Stream<Path> s = Files.walk(out.resolve("spool/instances"))) {
      assertEquals(summary.instances(), s.filter(Files::isRegularFile).count());
    }
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(
          List.of("index.db", "manifest.json", "spool"),
          s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no -wal, -shm or .part beside the copy");
    }
    assertEquals("rwx------", mode(out));
    assertEquals("rw-------", mode(out.resolve("index.db")));
    assertEquals("rw-------", mode(out.resolve(Backup.MANIFEST)));
    var manifest = new ObjectMapper().readTree(out.resolve(Backup.MANIFEST).toFile());
    assertEquals(summary.indexSha256(), manifest.path("index").path("sha256").asText());
    assertEquals(summary.instances(), manifest.path("instances").path("files").asInt());
    assertEquals("test", manifest.path("cordwatch_version").asText());
    // The schema version the snapshot holds (not a number written here: schema steps are added).
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out.resolve("index.db"));
        ResultSet v = c.createStatement().executeQuery("SELECT max(version) FROM schema_version")) {
      assertTrue(v.next());
      assertEquals(v.getInt(1), manifest.path("schema_version").asInt());
      assertTrue(v.getInt(1) >= 10);
    }
  }

  @Test
  void restoredDataDirectoryServesTheStudiesItHeld() throws Exception {
    Path data = tmp.resolve("data");
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(5, true, false, 64, 7));
    Path out = tmp.resolve("backup");
    List<StudyRow> before;
    try (Appliance appliance = RunningAppliance.start(data)) {
      assertEquals(
          files.size(), Peers.successes(Peers.storescu(appliance.dicomPort(), "STORESCU", files)));
      // A results document waiting for the PACS (the publish stage writes these).
      Files.createDirectories(data.resolve("outbox"));
      Files.writeString(data.resolve("outbox/2.25.7.dcm"), "document");
      assertEquals(0, Main.run("backup", "--data-dir", data.toString(), "--out", out.toString()));
      before = appliance.index().studies(null, 100);
    }
    Path restored = tmp.resolve("restored");
    assertEquals(
        0, Main.run("restore", "--from", out.toString(), "--data-dir", restored.toString()));
    assertEquals("rwx------", mode(restored));
    assertEquals("document", Files.readString(restored.resolve("outbox/2.25.7.dcm")));
    try (Appliance appliance = RunningAppliance.start(restored)) {
      List<StudyRow> after = appliance.index().studies(null, 100);
      assertEquals(1, after.size());
      assertEquals(before.getFirst().studyUid(), after.getFirst().studyUid());
      assertEquals(files.size(), after.getFirst().instanceCount());
      assertEquals(before.getFirst().seriesCount(), after.getFirst().seriesCount());
      assertFalse(
          Files.exists(restored.resolve("quarantine/orphans"))
              && !isEmpty(restored.resolve("quarantine/orphans")),
          "reconciliation found orphans");
      for (var row : appliance.index().allInstances()) {
        assertTrue(Files.isRegularFile(restored.resolve(row.path())));
      }
    }
  }

  @Test
  void rowWhoseFileIsGoneIsReportedAndDroppedByTheRestoredAppliance() throws Exception {
    Path data = tmp.resolve("data");
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(3, false, false, 64, 21));
    String gone;
    try (Appliance appliance = RunningAppliance.start(data)) {
      assertEquals(3, Peers.successes(Peers.storescu(appliance.dicomPort(), "STORESCU", files)));
      gone = appliance.index().allInstances().get(1).path();
      Files.delete(data.resolve(gone));
      Path out = tmp.resolve("backup");
      List<String> lines = new ArrayList<>();
      Backup.Summary summary = Backup.create(data, out, "test", Clock.systemUTC(), lines::add);
      assertEquals(List.of(gone), summary.missing());
      assertEquals(2, summary.instances());
      assertTrue(
          lines.contains("backup: " + gone + " vanished after the snapshot; listed as missing"),
          lines.toString());
    }
    Path restored = tmp.resolve("restored");
    List<String> lines = new ArrayList<>();
    Backup.restore(tmp.resolve("backup"), restored, lines::add);
    assertTrue(lines.stream().anyMatch(l -> l.contains("1 instance row(s) whose file vanished")));
    try (Appliance appliance = RunningAppliance.start(restored)) {
      assertEquals(2, appliance.index().allInstances().size());
    }
  }

  @Test
  void backupAndRestoreRefuseWhatWouldLoseOrCorruptData() throws Exception {
    Path data = tmp.resolve("data");
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(3, false, false, 64, 13));
    try (Appliance appliance = RunningAppliance.start(data)) {
      assertEquals(3, Peers.successes(Peers.storescu(appliance.dicomPort(), "STORESCU", files)));
    }
    Path busy = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(busy.resolve("notes.txt"), "keep me");
    assertEquals(2, Main.run("backup", "--data-dir", data.toString(), "--out", busy.toString()));
    StoreException notEmpty =
        assertThrows(
            StoreException.class,
            () -> Backup.create(data, busy, "test", Clock.systemUTC(), l -> {}));
    assertTrue(notEmpty.getMessage().contains("not empty (notes.txt)"), notEmpty.getMessage());
    assertEquals("keep me", Files.readString(busy.resolve("notes.txt")));

    Path inside = data.resolve("quarantine/backup");
    assertEquals(2, Main.run("backup", "--data-dir", data.toString(), "--out", inside.toString()));
    StoreException nested =
        assertThrows(
            StoreException.class,
            () -> Backup.create(data, inside, "test", Clock.systemUTC(), l -> {}));
    assertTrue(nested.getMessage().contains("must not be inside one another"), nested.getMessage());
    assertFalse(Files.exists(inside));

    Path out = tmp.resolve("backup");
    Backup.create(data, out, "test", Clock.systemUTC(), l -> {});

    // into a data directory that holds something
    assertEquals(2, Main.run("restore", "--from", out.toString(), "--data-dir", data.toString()));
    StoreException occupied =
        assertThrows(StoreException.class, () -> Backup.restore(out, data, l -> {}));
    assertTrue(occupied.getMessage().contains("index.db"), occupied.getMessage());

    // a tampered index copy
    Path target = tmp.resolve("target");
    byte[] original = Files.readAllBytes(out.resolve("index.db"));
    Files.write(out.resolve("index.db"), new byte[] {1}, StandardOpenOption.APPEND);
    StoreException tampered =
        assertThrows(StoreException.class, () -> Backup.restore(out, target, l -> {}));
    assertTrue(tampered.getMessage().contains("index.db sha256 mismatch"), tampered.getMessage());
    assertEquals(2, Main.run("restore", "--from", out.toString(), "--data-dir", target.toString()));
    assertFalse(Files.exists(target), "nothing written when a check fails");
    Files.write(out.resolve("index.db"), original);

    // a file the index references is gone
    Path one;
    try (Stream<Path> s = Files.walk(out.resolve("spool/instances"))) {
      one = s.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    byte[] oneBytes = Files.readAllBytes(one);
    Files.delete(one);
    StoreException absent =
        assertThrows(StoreException.class, () -> Backup.restore(out, target, l -> {}));
    assertTrue(
        absent.getMessage().contains(out.relativize(one) + " is absent"), absent.getMessage());
    Files.write(one, oneBytes);

    // a schema newer than this code
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(out.resolve(Backup.MANIFEST).toFile());
    manifest.put("schema_version", 99);
    json.writeValue(out.resolve(Backup.MANIFEST).toFile(), manifest);
    StoreException newer =
        assertThrows(StoreException.class, () -> Backup.restore(out, target, l -> {}));
    assertTrue(newer.getMessage().contains("schema version 99"), newer.getMessage());
    assertFalse(Files.exists(target));
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static boolean isEmpty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
