package io.cordwatch.publish;

import io.cordwatch.grade.SliceResult;
import io.cordwatch.grade.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One stored series verdict and what the results documents about it need.
 *
 * @param studyUid the graded study
 * @param seriesUid the graded series
 * @param seriesNumber its Series Number, or null when it has none
 * @param verdict the verdict as stored
 * @param slices every slice, in the order the verdict's segments index
 * @param sopClasses the SOP Class UID of each graded instance, by SOP Instance UID
 * @param model the model that graded
 * @param aeTitle our AE title (station name of the documents)
 * @param gradedAt when the verdict was committed: content date and time, and part of the UIDs, so
 *     the same verdict always gives the same documents
 */
public record SeriesReport(
    String studyUid,
    String seriesUid,
    Integer seriesNumber,
    Verdict verdict,
    List<SliceResult> slices,
    Map<String, String> sopClasses,
    ModelIdentity model,
    String aeTitle,
    Instant gradedAt) {
  public SeriesReport {
    slices = List.copyOf(slices);
    sopClasses = Map.copyOf(sopClasses);
  }

  /** The SOP Class UID of an instance of the series; MR Image Storage when unknown. */
  String sopClassOf(String sopInstanceUid) {
    return sopClasses.getOrDefault(sopInstanceUid, io.cordwatch.dicom.Uids.MR_IMAGE_STORAGE);
  }
}
