package io.cordwatch.publish;

import io.cordwatch.dicom.Uids;

/**
 * The UIDs of results documents, derived from what they describe rather than drawn at random: the
 * same verdict of the same model always gives the same SOP Instance UIDs, so sending a document
 * again (after a crash, or a retry that had in fact arrived) stores the same instance at the PACS
 * again instead of a second copy. A verdict is named by its series, the model digest and the time
 * it was committed; a series graded again is a new verdict and gets new documents.
 */
final class ResultUids {
  private ResultUids() {}

  static String document(DocumentKind kind, SeriesReport r) {
    return Uids.named(
        "cordwatch/"
            + kind.id()
            + "/"
            + r.seriesUid()
            + "/"
            + r.model().sha256()
            + "/"
            + r.gradedAt().toEpochMilli());
  }

  /**
   * The Secondary Capture image of key slice {@code sop} (frame {@code frame}) of a verdict: one
   * per slice, as stable as the verdict's other documents.
   */
  static String keyImage(SeriesReport r, String sop, int frame) {
    return Uids.named("cordwatch/sc/" + document(DocumentKind.SC, r) + "/" + sop + "/" + frame);
  }

  /** One series per study, model and kind of document holds every document of that kind. */
  static String series(DocumentKind kind, SeriesReport r) {
    return Uids.named(
        "cordwatch/" + kind.id() + "-series/" + r.studyUid() + "/" + r.model().sha256());
  }

  /** The Tracking Unique Identifier of measurement group {@code n} of a verdict. */
  static String tracking(SeriesReport r, int n) {
    return Uids.named("cordwatch/tracking/" + document(DocumentKind.SR, r) + "/" + n);
  }
}
