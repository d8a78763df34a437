package io.cordwatch.publish;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a verdict's results documents (the measurement report, and the key object selection when
 * there are key slices) and writes them to the outbox folder. The grading worker calls it after
 * grading and before it commits the verdict, and queues what it returns in the same transaction.
 */
public final class ResultDocuments {
  private final ResultFiles files;

  public ResultDocuments(ResultFiles files) {
    this.files = files;
  }

  /**
   * The documents of {@code report}, written.
   *
   * @param sourceInstance a spooled instance of the graded series (patient and study come from it)
   * @throws PublishException when the source cannot be read or a document cannot be written
   */
  public List<PreparedDocument> prepare(SeriesReport report, Path sourceInstance) {
    SourceStudy source = SourceStudy.read(sourceInstance);
    if (!report.studyUid().equals(source.studyUid())) {
      throw new PublishException(
          PublishException.Code.SOURCE_UNREADABLE,
          "the spooled instance belongs to another study than the verdict",
          null);
    }
    List<PreparedDocument> out = new ArrayList<>(2);
    out.add(write(DocumentKind.SR, MeasurementReport.build(report, source), report));
    DataSet kos = KeyObjectSelection.build(report, source);
    if (kos != null) {
      out.add(write(DocumentKind.KOS, kos, report));
    }
    return List.copyOf(out);
  }

  /**
   * The webhook alert about {@code report}, written, when its verdict is high grade or
   * indeterminate; null otherwise.
   */
  public PreparedDocument prepareAlert(SeriesReport report) {
    if (!AlertPayload.alerts(report.verdict())) {
      return null;
    }
    String id = AlertPayload.eventId(report);
    String path = files.write(id + ".json", AlertPayload.body(report));
    return new PreparedDocument(DocumentKind.ALERT, id, path);
  }

  private PreparedDocument write(DocumentKind kind, DataSet d, SeriesReport report) {
    String path = files.write(d, report.aeTitle());
    return new PreparedDocument(kind, ResultUids.document(kind, report), path);
  }
}
