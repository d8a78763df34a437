package io.cordwatch.app;

import io.cordwatch.dicom.Uids;
import io.cordwatch.publish.DocumentKind;
import io.cordwatch.publish.PreparedDocument;
import io.cordwatch.publish.PublishException;
import io.cordwatch.publish.ResultFiles;
import io.cordwatch.publish.VerifiedReport;
import io.cordwatch.store.Index;
import io.cordwatch.store.OutboxRecords;
import io.cordwatch.store.OutboxState;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * What a clinician's decision on a study's grade sends to the PACS: for each series whose results
 * SR was queued, a new VERIFIED SR naming the latest one as its predecessor
 * (publish.VerifiedReport), queued to the same destinations with an audit row. A slice-level
 * decision sends nothing (the SR reports the study's series verdicts). A document that cannot be
 * made is logged and the review stays recorded: the decision is the clinician's record, its copy in
 * the PACS is a delivery.
 */
final class VerifiedResults {
  private static final Logger LOG = Logger.getLogger(VerifiedResults.class.getName());

  private final Index index;
  private final ResultFiles files;
  private final String aeTitle;
  private final Clock clock;
  private final Runnable wake;

  VerifiedResults(Index index, ResultFiles files, String aeTitle, Clock clock, Runnable wake) {
    this.index = index;
    this.files = files;
    this.aeTitle = aeTitle;
    this.clock = clock;
    this.wake = wake;
  }

  /** Called once the review is stored; never throws. */
  void reviewed(ReviewRow r) {
    if (!r.studyLevel()) {
      return;
    }
    try {
      int queued = 0;
      for (Latest l : latestReports(r.studyUid(), r.id()).values()) {
        PreparedDocument d =
            VerifiedReport.write(
                files,
                files.resolve(l.row().path()),
                l.uid(),
                new VerifiedReport.Verifier(
                    r.userName(),
                    aeTitle,
                    Instant.ofEpochMilli(r.atMs()),
                    ReviewRow.CORRECT.equals(r.decision()),
                    r.grade(),
                    r.modelGrade()),
                aeTitle);
        List<OutboxRecords.Item> items = new ArrayList<>();
        for (String to : l.destinations()) {
          items.add(
              new OutboxRecords.Item(
                  d.kind().id(), d.sopInstanceUid(), d.sopClassUid(), d.path(), to));
        }
        index.queueResults(
            r.studyUid(),
            l.row().seriesUid(),
            items,
            "verified SR for series "
                + Uids.tag(l.row().seriesUid())
                + " after review "
                + r.id()
                + " ("
                + r.decision()
                + ") by user "
                + r.userName(),
            clock.millis());
        queued++;
      }
      if (queued > 0) {
        wake.run();
      }
    } catch (PublishException | StoreException e) {
      LOG.severe(
          "review "
              + r.id()
              + " of study "
              + Uids.tag(r.studyUid())
              + " is recorded, but its verified SR was not queued: "
              + e.getMessage());
    }
  }

  /** A series' SR to verify, where it was queued, and the verified SR's UID for this review. */
  private record Latest(OutboxRecords.Row row, Set<String> destinations, String uid) {}

  /**
   * Per series, the newest SR in the outbox (the model's, or an earlier verification) that a newer
   * verdict has not superseded, with every destination it was queued for. The verified SR's UID
   * comes from the series' first (the model's) SR and the review, so the same review made twice
   * gives the same instance, and its own document is never its predecessor.
   */
  private Map<String, Latest> latestReports(String studyUid, long reviewId) {
    Map<String, List<OutboxRecords.Row>> bySeries = new LinkedHashMap<>();
    for (OutboxRecords.Row row : index.outboxOfStudy(studyUid)) {
      if (row.kind().equals(DocumentKind.SR.id())
          && !row.state().equals(OutboxState.SUPERSEDED.sql())) {
        bySeries.computeIfAbsent(row.seriesUid(), k -> new ArrayList<>()).add(row);
      }
    }
    Map<String, Latest> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<OutboxRecords.Row>> e : bySeries.entrySet()) {
      List<OutboxRecords.Row> rows = e.getValue();
      OutboxRecords.Row model =
          rows.stream().min(Comparator.comparingLong(OutboxRecords.Row::id)).orElseThrow();
      String uid = VerifiedReport.uid(model.objectUid(), reviewId);
      OutboxRecords.Row newest =
          rows.stream()
              .filter(r -> !r.objectUid().equals(uid))
              .max(Comparator.comparingLong(OutboxRecords.Row::id))
              .orElseThrow();
      Set<String> destinations = new LinkedHashSet<>();
      for (OutboxRecords.Row r : rows) {
        if (r.objectUid().equals(newest.objectUid())) {
          destinations.add(r.destination());
        }
      }
      out.put(e.getKey(), new Latest(newest, destinations, uid));
    }
    return out;
  }
}
