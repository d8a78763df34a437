package io.cordwatch.publish;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds a verdict's results documents (the measurement report, the key object selection when there
 * are key slices, and, when asked for, a Secondary Capture image of each key slice) and writes them
 * to the outbox folder. The grading worker calls it after grading and before it commits the
 * verdict, and queues what it returns in the same transaction.
 */
public final class ResultDocuments {
  private final ResultFiles files;
  private final boolean secondaryCapture;

  /** SR and key-object documents only. */
  public ResultDocuments(ResultFiles files) {
    this(files, false);
  }

  /**
   * @param secondaryCapture whether key slices also go out as Secondary Capture images ({@code
   *     publish-secondary-capture})
   */
  public ResultDocuments(ResultFiles files, boolean secondaryCapture) {
    this.files = files;
    this.secondaryCapture = secondaryCapture;
  }

  /**
   * The documents of {@code report}, written (without Secondary Capture images: no slice files).
   *
   * @param sourceInstance a spooled instance of the graded series (patient and study come from it)
   * @throws PublishException when the source cannot be read or a document cannot be written
   */
  public List<PreparedDocument> prepare(SeriesReport report, Path sourceInstance) {
    return prepare(report, sourceInstance, sop -> null);
  }

  /**
   * The documents of {@code report}, written.
   *
   * @param sourceInstance a spooled instance of the graded series (patient and study come from it)
   * @param instanceFiles the stored file of each instance of the series by SOP Instance UID (null
   *     when unknown): the Secondary Capture images' pixels
   * @throws PublishException when the source cannot be read or a document cannot be written
   */
  public List<PreparedDocument> prepare(
      SeriesReport report, Path sourceInstance, Function<String, Path> instanceFiles) {
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
    if (secondaryCapture) {
      for (DataSet sc : SecondaryCapture.build(report, source, instanceFiles)) {
        String uid =
            com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(
                sc.attributes(), com.pixelmed.dicom.TagFromName.SOPInstanceUID);
        out.add(new PreparedDocument(DocumentKind.SC, uid, files.write(sc, report.aeTitle())));
      }
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
