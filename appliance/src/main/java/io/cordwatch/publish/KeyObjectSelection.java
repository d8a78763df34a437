package io.cordwatch.publish;

import java.util.List;

/**
 * The key images of a verdict as a Key Object Selection Document (TID 2010, "Of Interest"): a
 * viewer shows them first. The description says the grade and group in words and, for a model not
 * for clinical use, says so.
 */
final class KeyObjectSelection {
  private KeyObjectSelection() {}

  /** The document, or null when the verdict has no key slice (nothing was graded). */
  static DataSet build(SeriesReport r, SourceStudy source) {
    List<Documents.Ref> keys = KeySlices.of(r);
    if (keys.isEmpty()) {
      return null;
    }
    DataSet d = Documents.base(DocumentKind.KOS, r, source);
    Documents.evidence(d, r, keys);
    Content root = Content.root(d, Codes.OF_INTEREST, "2010");
    root.code(Content.HAS_CONCEPT_MOD, Codes.LANGUAGE, Codes.ENGLISH);
    Documents.deviceObserver(root, r);
    root.text(Content.CONTAINS, Codes.KEY_OBJECT_DESCRIPTION, description(r));
    for (Documents.Ref k : keys) {
      root.image(Content.CONTAINS, null, k.sopClassUid(), k.sopInstanceUid(), k.frame());
    }
    return d;
  }

  private static String description(SeriesReport r) {
    var v = r.verdict();
    String what =
        v.grade() == null
            ? "no confident grade"
            : "Bilsky grade " + v.grade() + " (" + v.group() + ")";
    return "CordWatch key images: "
        + what
        + (v.keyImages().isEmpty() ? "; no disease found, slice closest to high grade" : "")
        + (r.model().clinicalUse() ? "" : ". NOT FOR CLINICAL USE");
  }
}
