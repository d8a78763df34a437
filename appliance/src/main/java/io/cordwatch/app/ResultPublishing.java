package io.cordwatch.app;

import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.publish.Destination;
import io.cordwatch.publish.ModelIdentity;
import io.cordwatch.publish.PreparedDocument;
import io.cordwatch.publish.PublishException;
import io.cordwatch.publish.ResultDocuments;
import io.cordwatch.publish.SeriesReport;
import io.cordwatch.receive.Spool;
import io.cordwatch.store.Index;
import io.cordwatch.store.OutboxRecords;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.SeriesRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What the grading worker does with a verdict for the outbox: builds its results documents (in
 * {@code publish}) from the graded series and returns one outbox item per document and configured
 * destination, which the worker commits with the verdict. A document that cannot be built does not
 * hold the verdict back: the verdict is committed without deliveries and the reason logged.
 */
final class ResultPublishing {
  private static final Logger LOG = Logger.getLogger(ResultPublishing.class.getName());

  private final Index index;
  private final Spool spool;
  private final ResultDocuments documents;
  private final List<Destination> destinations;
  private final List<String> webhooks;
  private final ModelIdentity model;
  private final String aeTitle;

  ResultPublishing(
      Index index,
      Spool spool,
      ResultDocuments documents,
      List<Destination> destinations,
      List<String> webhooks,
      ModelIdentity model,
      String aeTitle) {
    this.webhooks = List.copyOf(webhooks);
    this.index = index;
    this.spool = spool;
    this.documents = documents;
    this.destinations = List.copyOf(destinations);
    this.model = model;
    this.aeTitle = aeTitle;
  }

  /** The outbox items of a verdict about to be committed at {@code committedMs}. */
  List<OutboxRecords.Item> prepare(
      SeriesResult result, List<InstanceRow> instances, long committedMs) {
    if ((destinations.isEmpty() && webhooks.isEmpty()) || instances.isEmpty()) {
      return List.of();
    }
    Map<String, String> classes = new LinkedHashMap<>();
    Map<String, String> files = new LinkedHashMap<>();
    instances.forEach(
        i -> {
          classes.put(i.sopInstanceUid(), i.sopClassUid());
          files.put(i.sopInstanceUid(), i.path());
        });
    Integer seriesNumber =
        index.study(result.studyInstanceUid()).stream()
            .flatMap(s -> s.series().stream())
            .filter(s -> s.seriesUid().equals(result.seriesInstanceUid()))
            .map(SeriesRow::seriesNumber)
            .findFirst()
            .orElse(null);
    SeriesReport report =
        new SeriesReport(
            result.studyInstanceUid(),
            result.seriesInstanceUid(),
            seriesNumber,
            result.verdict(),
            result.slices(),
            classes,
            model,
            aeTitle,
            Instant.ofEpochMilli(committedMs));
    List<PreparedDocument> docs;
    PreparedDocument alert;
    try {
      docs =
          destinations.isEmpty()
              ? List.of()
              : documents.prepare(
                  report,
                  spool.resolve(instances.getFirst().path()),
                  sop -> files.containsKey(sop) ? spool.resolve(files.get(sop)) : null);
      alert = webhooks.isEmpty() ? null : documents.prepareAlert(report);
    } catch (PublishException e) {
      LOG.severe(
          "results of series "
              + Uids.tag(result.seriesInstanceUid())
              + " not queued for PACS ("
              + e.code()
              + "): "
              + e.getMessage()
              + "; the verdict is stored, grade the series again to resend");
      return List.of();
    }
    List<OutboxRecords.Item> items = new ArrayList<>();
    for (PreparedDocument d : docs) {
      for (Destination to : destinations) {
        items.add(
            new OutboxRecords.Item(
                d.kind().id(), d.sopInstanceUid(), d.sopClassUid(), d.path(), to.toString()));
      }
    }
    if (alert != null) {
      for (String url : webhooks) {
        items.add(
            new OutboxRecords.Item(
                alert.kind().id(), alert.sopInstanceUid(), null, alert.path(), url));
      }
    }
    return items;
  }
}
