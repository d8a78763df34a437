package io.cordwatch.publish;

import io.cordwatch.grade.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The verdict as a Comprehensive 3D SR holding a TID 1500 Imaging Measurement Report, after the IHE
 * AI Results profile: language, a device observer whose UID changes with the model, the procedure
 * reported, an image library of every graded slice, and measurement groups (TID 1501): one for the
 * series' verdict and one per run of diseased slices. Each group carries its tracking identifiers,
 * the algorithm (TID 4019: name, version, parameters), the finding, the Bilsky grade as a coded
 * value inferred from the key slices, and the high/low group; an indeterminate verdict says why in
 * a comment. The document is UNVERIFIED: no person has read it yet.
 */
final class MeasurementReport {
  private MeasurementReport() {}

  static DataSet build(SeriesReport r, SourceStudy source) {
    DataSet d = Documents.base(DocumentKind.SR, r, source);
    d.put(com.pixelmed.dicom.TagFromName.CompletionFlag, "COMPLETE")
        .put(com.pixelmed.dicom.TagFromName.VerificationFlag, "UNVERIFIED")
        .emptySequence(com.pixelmed.dicom.TagFromName.PerformedProcedureCodeSequence);
    List<Documents.Ref> library = KeySlices.graded(r);
    List<Documents.Ref> keys = KeySlices.of(r);
    List<Documents.Ref> evidence = new ArrayList<>(library);
    evidence.addAll(keys);
    if (!evidence.isEmpty()) {
      Documents.evidence(d, r, evidence);
    }

    Content root = Content.root(d, Codes.MEASUREMENT_REPORT, "1500");
    root.code(Content.HAS_CONCEPT_MOD, Codes.LANGUAGE, Codes.ENGLISH);
    Documents.deviceObserver(root, r);
    root.code(Content.HAS_CONCEPT_MOD, Codes.PROCEDURE_REPORTED, Codes.PROCEDURE);
    if (!library.isEmpty()) {
      Content group =
          root.container(Content.CONTAINS, Codes.IMAGE_LIBRARY)
              .container(Content.CONTAINS, Codes.IMAGE_LIBRARY_GROUP);
      for (Documents.Ref ref : library) {
        group.image(Content.CONTAINS, null, ref.sopClassUid(), ref.sopInstanceUid(), ref.frame());
      }
    }
    Content measurements = root.container(Content.CONTAINS, Codes.IMAGING_MEASUREMENTS);
    Verdict v = r.verdict();
    Content series = group(measurements, r, 0, seriesLabel(r));
    if (v.grade() != null) {
      Content grade = series.code(Content.CONTAINS, Codes.BILSKY_GRADE, Codes.grade(v.grade()));
      for (Documents.Ref k : keys) {
        grade.image(Content.INFERRED_FROM, null, k.sopClassUid(), k.sopInstanceUid(), k.frame());
      }
    }
    series.code(Content.CONTAINS, Codes.BILSKY_GROUP, Codes.group(v.group()));
    if (v.indeterminate()) {
      series.text(
          Content.CONTAINS,
          Codes.COMMENT,
          "Indeterminate (" + v.indeterminateReason() + "): " + v.indeterminateMessage());
    }
    series.text(Content.CONTAINS, Codes.COMMENT, counts(v.counts()));
    if (!r.model().clinicalUse()) {
      series.text(
          Content.CONTAINS,
          Codes.COMMENT,
          "NOT FOR CLINICAL USE: the model's provenance says it is not for clinical use.");
    }
    for (int i = 0; i < v.segments().size(); i++) {
      Verdict.Segment s = v.segments().get(i);
      Content g =
          group(
              measurements,
              r,
              i + 1,
              "segment "
                  + (i + 1)
                  + ": slices "
                  + (s.firstSlice() + 1)
                  + "-"
                  + (s.lastSlice() + 1));
      Content grade = g.code(Content.CONTAINS, Codes.BILSKY_GRADE, Codes.grade(s.maxGrade()));
      Verdict.KeyImage k = s.keyImage();
      if (k != null) {
        Documents.Ref ref = Documents.ref(r, k.sopInstanceUid(), k.frame());
        grade.image(
            Content.INFERRED_FROM, null, ref.sopClassUid(), ref.sopInstanceUid(), ref.frame());
      }
    }
    return d;
  }

  /** A measurement group with its tracking identifiers, algorithm and finding. */
  private static Content group(Content parent, SeriesReport r, int n, String label) {
    Content g = parent.container(Content.CONTAINS, Codes.MEASUREMENT_GROUP);
    g.text(Content.HAS_OBS_CONTEXT, Codes.TRACKING_IDENTIFIER, label);
    g.uid(Content.HAS_OBS_CONTEXT, Codes.TRACKING_UID, ResultUids.tracking(r, n));
    g.text(Content.HAS_CONCEPT_MOD, Codes.ALGORITHM_NAME, r.model().name());
    g.text(Content.HAS_CONCEPT_MOD, Codes.ALGORITHM_VERSION, r.model().version());
    for (String p : r.model().parameters()) {
      g.text(Content.HAS_CONCEPT_MOD, Codes.ALGORITHM_PARAMETERS, p);
    }
    g.code(Content.CONTAINS, Codes.FINDING, Codes.MESCC);
    return g;
  }

  private static String seriesLabel(SeriesReport r) {
    return r.seriesNumber() == null ? "series verdict" : "series " + r.seriesNumber() + " verdict";
  }

  private static String counts(Verdict.Counts c) {
    return c.slices()
        + " slices: "
        + c.graded()
        + " graded, "
        + c.uncertain()
        + " uncertain, "
        + c.noRoi()
        + " without a canal box, "
        + c.unreadable()
        + " unreadable";
  }
}
