package io.cordwatch.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.dicom.Uids;
import io.cordwatch.retention.StoredStudies.Left;
import io.cordwatch.retention.StoredStudies.Study;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.store.RetentionHold;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.telemetry.VolumeFigures;
import io.cordwatch.telemetry.VolumeUsage;
import io.cordwatch.testing.AuditRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention over a real index and real files: what goes, what never goes, and crash recovery. */
class RetentionTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final VolumeUsage ROOMY = p -> new VolumeFigures(100, 900, 1000, 900);

  @TempDir Path data;
  private Index index;
  private StoredStudies studies;
  private final Meters meters = new Meters();

  @BeforeEach
  void open() {
    index = Index.open(data.resolve("index.db"));
    studies = new StoredStudies(data, index);
  }

  @AfterEach
  void close() {
    index.close();
  }

  private static Instant daysAgo(int days) {
    return NOW.minus(Duration.ofDays(days));
  }

  private Retention retention(
      Duration maxAge, double high, double low, RetentionHold hold, VolumeUsage volume) {
    return new Retention(
        data,
        index,
        new RetentionConfig(maxAge, high, low, Duration.ZERO, Duration.ZERO),
        hold,
        volume,
        meters,
        CLOCK);
  }

  private boolean stored(Study s) {
    return index.study(s.uid()).isPresent();
  }

  private static boolean filesPresent(Study s) {
    return s.files().stream().allMatch(Files::exists);
  }

  private static boolean filesGone(Study s) {
    return s.files().stream().noneMatch(Files::exists);
  }

  @Test
  void settledStudiesOlderThanMaxAgeGoAndArrivingOrQueuedOnesStayHoweverOld() throws Exception {
    Study graded = studies.add(daysAgo(40), 3, 100, Left.GRADED);
    Study notEligible = studies.add(daysAgo(35), 2, 100, Left.NOT_ELIGIBLE);
    Study young = studies.add(daysAgo(5), 2, 100, Left.GRADED);
    Study arriving = studies.add(daysAgo(50), 2, 100, Left.ARRIVING);
    Study queued = studies.add(daysAgo(45), 2, 100, Left.QUEUED);

    Retention.Outcome o =
        retention(Duration.ofDays(30), 0, 0, RetentionHold.NONE, ROOMY).run().orElseThrow();

    assertEquals(2, o.studiesRemoved());
    assertEquals(500, o.studyBytes());
    for (Study gone : List.of(graded, notEligible)) {
      assertFalse(stored(gone), "an old settled study is removed");
      assertTrue(filesGone(gone), "its files are deleted");
      assertTrue(index.studyPaths(gone.uid()).isEmpty());
    }
    for (Study kept : List.of(young, arriving, queued)) {
      assertTrue(stored(kept), "a young, arriving or queued study stays");
      assertTrue(filesPresent(kept));
    }
    assertEquals(2, meters.studiesRemoved("age"));
    assertTrue(
        meters.scrape().contains("cordwatch_retention_studies_removed_total{reason=\"age\"} 2.0"));
    assertTrue(
        Files.list(data.resolve("retention")).noneMatch(p -> p.toString().endsWith(".removal")));
  }

  @Test
  void theAuditRowNamesTheStudyByItsHashAndCountsWithoutTheUid() throws Exception {
    Study old = studies.add(daysAgo(40), 3, 100, Left.GRADED);

    retention(Duration.ofDays(30), 0, 0, RetentionHold.NONE, ROOMY).run();

    List<String> rows = audit("study_removed");
    assertEquals(
        List.of(
            "study "
                + Uids.tag(old.uid())
                + " by retention (age): 1 series, 3 instances, 300 bytes"),
        rows);
    assertFalse(rows.getFirst().contains(old.uid()));
  }

  @Test
  void aHeldStudyStaysAndIsCountedAsHeld() throws Exception {
    Study held = studies.add(daysAgo(40), 1, 100, Left.GRADED);
    Study free = studies.add(daysAgo(41), 1, 100, Left.GRADED);
    RetentionHold undelivered =
        uid -> uid.equals(held.uid()) ? Optional.of("1 result not delivered") : Optional.empty();
    Retention r = retention(Duration.ofDays(30), 0, 0, undelivered, ROOMY);

    RetentionPlan plan = r.plan();
    assertEquals(1, plan.held());
    assertEquals(
        List.of(free.uid()),
        plan.removals().stream().map(RetentionPlan.Removal::studyUid).toList());
    r.run();

    assertTrue(stored(held) && filesPresent(held));
    assertFalse(stored(free));
  }

  @Test
  void theStoreKeepsStudiesWithUndeliveredResultsOrReviewsWhateverHoldIsGiven() throws Exception {
    Study undelivered = studies.add(daysAgo(40), 1, 100, Left.GRADED);
    Study reviewed = studies.add(daysAgo(41), 1, 100, Left.GRADED);
    Study free = studies.add(daysAgo(42), 1, 100, Left.GRADED);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("index.db"));
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO outbox(kind, study_uid, series_uid, object_uid, path, destination, state,"
              + " created_ms, updated_ms, next_attempt_ms) VALUES ('sr', '"
              + undelivered.uid()
              + "', 'x', '2.25.1', 'outbox/a.dcm', 'PACS@h:104', 'pending', 1, 1, 1)");
    }
    index.recordReview(
        new ReviewRow(
            0, reviewed.uid(), null, null, null, ReviewRow.CONFIRM, "2", "2", "m", null, "ann", 5));

    assertEquals(
        Optional.of("1 results not delivered"), index.resultsHold().heldBecause(undelivered.uid()));
    assertTrue(
        index.resultsHold().heldBecause(reviewed.uid()).orElseThrow().startsWith("reviewed"));
    assertEquals(Optional.empty(), index.resultsHold().heldBecause(free.uid()));

    // Even a caller that passes no hold cannot remove them: removeStudy asks the store again.
    retention(Duration.ofDays(30), 0, 0, RetentionHold.NONE, ROOMY).run();
    assertTrue(stored(undelivered) && filesPresent(undelivered), "undelivered results keep it");
    assertTrue(stored(reviewed) && filesPresent(reviewed), "reviews keep it");
    assertFalse(stored(free));
  }

  @Test
  void deliveredResultsDocumentsGoWithTheirStudyAndOthersStay() throws Exception {
    Study old = studies.add(daysAgo(40), 1, 100, Left.GRADED);
    Study young = studies.add(daysAgo(2), 1, 100, Left.GRADED);
    Path outbox = Files.createDirectories(data.resolve("outbox"));
    Path sent = Files.writeString(outbox.resolve("2.25.11.dcm"), "sr of the old study");
    Path givenUp = Files.writeString(outbox.resolve("2.25.12.dcm"), "ko of the old study");
    Path youngSr = Files.writeString(outbox.resolve("2.25.21.dcm"), "sr of the young study");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("index.db"));
        Statement s = c.createStatement()) {
      // The SR went to two destinations (two rows, one file); the key objects were given up.
      for (String row :
          List.of(
              "'sr', '%s', 'x', '2.25.11', 'outbox/2.25.11.dcm', 'PACS@h:104', 'sent'"
                  .formatted(old.uid()),
              "'sr', '%s', 'x', '2.25.11', 'outbox/2.25.11.dcm', 'ARCH@h:104', 'sent'"
                  .formatted(old.uid()),
              "'ko', '%s', 'x', '2.25.12', 'outbox/2.25.12.dcm', 'PACS@h:104', 'failed'"
                  .formatted(old.uid()),
              "'sr', '%s', 'y', '2.25.21', 'outbox/2.25.21.dcm', 'PACS@h:104', 'sent'"
                  .formatted(young.uid()))) {
        s.execute(
            "INSERT INTO outbox(kind, study_uid, series_uid, object_uid, path, destination, state,"
                + " created_ms, updated_ms, next_attempt_ms) VALUES ("
                + row
                + ", 1, 1, 1)");
      }
    }
    assertEquals(
        Set.of("outbox/2.25.11.dcm", "outbox/2.25.12.dcm"),
        index.studyPaths(old.uid()).stream()
            .filter(p -> p.startsWith("outbox/"))
            .collect(java.util.stream.Collectors.toSet()));

    retention(Duration.ofDays(30), 0, 0, RetentionHold.NONE, ROOMY).run();

    assertFalse(stored(old));
    assertFalse(Files.exists(sent), "a delivered results document goes with its study");
    assertFalse(Files.exists(givenUp), "so does one whose delivery was given up");
    assertTrue(Files.exists(youngSr), "another study's document stays");
    assertEquals(1, index.outboxCounts().sent(), "only the young study's row is left");
    assertTrue(
        audit("study_removed").getFirst().endsWith(", 3 results outbox rows"),
        audit("study_removed").toString());
  }

  @Test
  void aHoldThatAppearsAfterThePlanStillKeepsTheStudy() throws Exception {
    Study s = studies.add(daysAgo(40), 1, 100, Left.GRADED);
    boolean[] delivered = {true};
    Retention r =
        retention(
            Duration.ofDays(30),
            0,
            0,
            uid -> delivered[0] ? Optional.empty() : Optional.of("queued for delivery"),
            ROOMY);
    RetentionPlan plan = r.plan();
    assertEquals(1, plan.removals().size());

    delivered[0] = false;
    Retention.Outcome o = r.apply(plan).orElseThrow();

    assertEquals(0, o.studiesRemoved());
    assertEquals(1, o.declined());
    assertTrue(stored(s) && filesPresent(s));
  }

  @Test
  void aStudyThatReceivesAgainAfterThePlanIsKept() throws Exception {
    Study s = studies.add(daysAgo(40), 1, 100, Left.GRADED);
    Retention r = retention(Duration.ofDays(30), 0, 0, RetentionHold.NONE, ROOMY);
    RetentionPlan plan = r.plan();

    // Another instance of the same study arrives (its series receives again).
    Path more = studies.addInstance(s, NOW);
    Retention.Outcome o = r.apply(plan).orElseThrow();

    assertEquals(1, o.declined());
    assertTrue(stored(s) && filesPresent(s) && Files.exists(more));
  }

  @Test
  void aboveTheHighWaterMarkTheLeastRecentlyReceivedGoUntilTheLowWaterMark() throws Exception {
    Study oldest = studies.add(daysAgo(4), 1, 100, Left.GRADED);
    Study second = studies.add(daysAgo(3), 1, 100, Left.NOT_ELIGIBLE);
    Study third = studies.add(daysAgo(2), 1, 100, Left.GRADED);
    Study newest = studies.add(daysAgo(1), 1, 100, Left.GRADED);
    Study arriving = studies.add(daysAgo(9), 1, 100, Left.ARRIVING);
    // 95 % used: 150 bytes must go to reach 80 %; two studies of 100 bytes do it.
    VolumeUsage full = p -> new VolumeFigures(950, 50, 0, 0);

    Retention.Outcome o =
        retention(Duration.ZERO, 90, 80, RetentionHold.NONE, full).run().orElseThrow();

    assertEquals(2, o.studiesRemoved());
    assertFalse(stored(oldest) || stored(second));
    assertTrue(filesGone(oldest) && filesGone(second));
    for (Study kept : List.of(third, newest, arriving)) {
      assertTrue(stored(kept) && filesPresent(kept));
    }
    assertEquals(2, meters.studiesRemoved("disk"));
    assertTrue(
        meters.scrape().contains("cordwatch_retention_removed_bytes_total 200.0"), meters.scrape());
  }

  @Test
  void belowTheHighWaterMarkNothingGoes() throws Exception {
    Study s = studies.add(daysAgo(400), 1, 100, Left.GRADED);
    VolumeUsage justBelow = p -> new VolumeFigures(899, 101, 1000, 101);

    RetentionPlan plan = retention(Duration.ZERO, 90, 80, RetentionHold.NONE, justBelow).plan();

    assertTrue(plan.removals().isEmpty(), plan.disk());
    assertTrue(plan.disk().contains("below the high water mark of 90 %"), plan.disk());
    assertTrue(stored(s));
  }

  @Test
  void inodesAboveTheHighWaterMarkCountAsAFullDisk() throws Exception {
    Study oldest = studies.add(daysAgo(3), 10, 10, Left.GRADED);
    Study second = studies.add(daysAgo(2), 10, 10, Left.GRADED);
    Study newest = studies.add(daysAgo(1), 10, 10, Left.GRADED);
    // Bytes 10 % used, inodes 95 %: 15 files must go to reach 80 %; two studies of 10 do it.
    VolumeUsage outOfInodes = p -> new VolumeFigures(100, 900, 100, 5);

    RetentionPlan plan = retention(Duration.ZERO, 90, 80, RetentionHold.NONE, outOfInodes).plan();
    assertTrue(plan.disk().contains("inodes 95.0 %"), plan.disk());
    retention(Duration.ZERO, 90, 80, RetentionHold.NONE, outOfInodes).apply(plan);

    assertFalse(stored(oldest) || stored(second));
    assertTrue(stored(newest));
  }

  @Test
  void whenNothingMoreMayGoThePlanSaysTheVolumeStaysFull() throws Exception {
    studies.add(daysAgo(3), 1, 100, Left.GRADED);
    studies.add(daysAgo(9), 1, 100, Left.ARRIVING);
    VolumeUsage full = p -> new VolumeFigures(990, 10, 0, 0);

    RetentionPlan plan = retention(Duration.ZERO, 90, 80, RetentionHold.NONE, full).plan();

    assertEquals(1, plan.removals().size());
    assertTrue(plan.diskStaysFull());
    assertTrue(plan.disk().contains("stays above the low water mark of 80 %"), plan.disk());
  }

  @Test
  void anUnreadableVolumeSkipsTheDiskRuleAndRemovesNothingForIt() throws Exception {
    Study s = studies.add(daysAgo(3), 1, 100, Left.GRADED);
    VolumeUsage broken =
        p -> {
          throw new java.io.IOException("no such file system");
        };

    RetentionPlan plan = retention(Duration.ZERO, 90, 80, RetentionHold.NONE, broken).plan();

    assertTrue(plan.removals().isEmpty());
    assertTrue(plan.disk().contains("disk rule was skipped"), plan.disk());
    assertTrue(stored(s));
  }

  @Test
  void aCrashBetweenTheRowsAndTheFilesIsFinishedByTheNextRun() throws Exception {
    Study committed = studies.add(daysAgo(40), 2, 100, Left.GRADED);
    Study neverCommitted = studies.add(daysAgo(40), 2, 100, Left.GRADED);
    RemovalJournal journal = new RemovalJournal(data);
    // Removal 1 got as far as its commit; removal 2 only wrote its journal entry.
    Set<String> paths = index.studyPaths(committed.uid());
    journal.write(paths);
    assertTrue(
        index
            .removeStudy(committed.uid(), paths, RetentionHold.NONE, "t", "age", NOW.toEpochMilli())
            .isPresent());
    journal.write(index.studyPaths(neverCommitted.uid()));
    Files.writeString(data.resolve("retention/half-written.part"), "spool/instances/");
    assertTrue(filesPresent(committed), "the crash left the files");

    int deleted = retention(Duration.ZERO, 0, 0, RetentionHold.NONE, ROOMY).recover();

    assertEquals(2, deleted);
    assertTrue(filesGone(committed));
    assertTrue(stored(neverCommitted) && filesPresent(neverCommitted), "rows still name them");
    assertTrue(journal.entries().isEmpty());
    assertTrue(journal.partials().isEmpty());
  }

  @Test
  void expiredQuarantinedFilesAreDeletedAndYoungerOnesKept() throws Exception {
    Path superseded = Files.createDirectories(data.resolve("quarantine/superseded"));
    Path orphans = Files.createDirectories(data.resolve("quarantine/orphans"));
    Path old1 = Files.write(superseded.resolve("a.dcm"), new byte[70]);
    Path old2 = Files.write(orphans.resolve("b.dcm"), new byte[30]);
    Path young = Files.write(orphans.resolve("c.dcm"), new byte[10]);
    Files.setLastModifiedTime(old1, FileTime.from(daysAgo(31)));
    Files.setLastModifiedTime(old2, FileTime.from(daysAgo(60)));
    Files.setLastModifiedTime(young, FileTime.from(daysAgo(29)));
    Retention r =
        new Retention(
            data,
            index,
            new RetentionConfig(Duration.ZERO, 0, 0, Duration.ofDays(30), Duration.ZERO),
            RetentionHold.NONE,
            ROOMY,
            meters,
            CLOCK);

    Retention.Outcome o = r.run().orElseThrow();

    assertEquals(2, o.quarantineRemoved());
    assertEquals(100, o.quarantineBytes());
    assertFalse(Files.exists(old1) || Files.exists(old2));
    assertTrue(Files.exists(young));
    String scrape = meters.scrape();
    assertTrue(scrape.contains("cordwatch_retention_quarantine_expired_total 2.0"), scrape);
    assertTrue(scrape.contains("cordwatch_retention_quarantine_removed_bytes_total 100.0"), scrape);
  }

  @Test
  void oneRunAtATimeOverADataDirectory() throws Exception {
    Study s = studies.add(daysAgo(40), 1, 100, Left.GRADED);
    Retention r = retention(Duration.ofDays(30), 0, 0, RetentionHold.NONE, ROOMY);
    try (RemovalJournal.Lock held = new RemovalJournal(data).lock()) {
      assertTrue(held != null);
      assertTrue(r.run().isEmpty(), "a second run is skipped while one holds the lock");
    }
    assertTrue(stored(s));
    assertEquals(1, r.run().orElseThrow().studiesRemoved());
  }

  private List<String> audit(String event) throws Exception {
    return AuditRows.of(data.resolve("index.db"), event);
  }
}
