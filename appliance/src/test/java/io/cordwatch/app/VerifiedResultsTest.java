package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.publish.GradedPhantom;
import io.cordwatch.publish.PreparedDocument;
import io.cordwatch.publish.ResultDocuments;
import io.cordwatch.publish.ResultFiles;
import io.cordwatch.store.Index;
import io.cordwatch.store.OutboxRecords;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.testing.AuditRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clinician's decision on a study's grade queues a VERIFIED SR per series to every destination
 * the series' results SR went to, naming the newest SR as its predecessor; over a real index, real
 * result files and the real SR writer.
 */
class VerifiedResultsTest {
  @TempDir Path tmp;

  @Test
  void aStudyDecisionQueuesAVerifiedSrToTheSameDestinationsAndASliceDecisionNothing()
      throws Exception {
    GradedPhantom g = GradedPhantom.make(tmp, 5);
    Path data = tmp.resolve("data");
    ResultFiles files = new ResultFiles(data);
    List<PreparedDocument> docs =
        new ResultDocuments(files).prepare(g.report(), g.seriesFiles().getFirst());
    String study = g.report().studyUid();
    String series = g.report().seriesUid();
    AtomicInteger woke = new AtomicInteger();
    try (Index index = Index.open(data.resolve("index.db"))) {
      List<OutboxRecords.Item> items = new ArrayList<>();
      for (PreparedDocument d : docs) {
        for (String to : List.of("PACS@10.0.0.1:104", "ARCHIVE@10.0.0.2:11112")) {
          items.add(
              new OutboxRecords.Item(
                  d.kind().id(), d.sopInstanceUid(), d.sopClassUid(), d.path(), to));
        }
      }
      index.queueResults(study, series, items, "the verdict's documents", 1);
      VerifiedResults verified =
          new VerifiedResults(
              index,
              files,
              "CORDWATCH",
              Clock.fixed(Instant.parse("2026-12-05T09:00:00Z"), ZoneOffset.UTC),
              woke::incrementAndGet);

      verified.reviewed(review(11, study, 1, "1.2.3.4"));
      assertEquals(4, index.outboxOfStudy(study).size(), "a slice decision sends nothing");

      verified.reviewed(review(12, study, null, null));
      List<OutboxRecords.Row> rows = index.outboxOfStudy(study);
      List<OutboxRecords.Row> added = rows.subList(4, rows.size());
      assertEquals(2, added.size(), rows.toString());
      String firstVerified = added.getFirst().objectUid();
      assertNotEquals(docs.getFirst().sopInstanceUid(), firstVerified);
      assertEquals(
          Set.of("PACS@10.0.0.1:104", "ARCHIVE@10.0.0.2:11112"),
          added.stream().map(OutboxRecords.Row::destination).collect(Collectors.toSet()));
      for (OutboxRecords.Row r : added) {
        assertEquals("sr", r.kind());
        assertEquals(series, r.seriesUid());
        assertEquals(firstVerified, r.objectUid());
        assertTrue(Files.isRegularFile(files.resolve(r.path())));
      }
      assertEquals(1, woke.get());

      // The same review again changes nothing; a second decision verifies the verified one.
      verified.reviewed(review(12, study, null, null));
      assertEquals(6, index.outboxOfStudy(study).size());
      verified.reviewed(review(13, study, null, null));
      rows = index.outboxOfStudy(study);
      assertEquals(8, rows.size());
      String dump =
          new String(Files.readAllBytes(files.resolve(rows.getLast().path())), "ISO-8859-1");
      assertTrue(dump.contains(firstVerified), "the newest SR is the predecessor");
      List<String> audited =
          audit(data, "results_verified").stream().filter(a -> a.contains("after review")).toList();
      assertEquals(3, audited.size(), audited.toString());
      assertTrue(
          audited.getFirst().contains("after review 12 (correct) by user ann"), audited.toString());
    }
  }

  private static ReviewRow review(long id, String study, Integer frame, String sop) {
    return new ReviewRow(
        id,
        study,
        null,
        sop,
        frame,
        ReviewRow.CORRECT,
        "1b",
        "3",
        "torch-tiny-test",
        null,
        "ann",
        1_000);
  }

  private static List<String> audit(Path data, String event) throws Exception {
    return AuditRows.of(data.resolve("index.db"), event);
  }
}
