package io.cordwatch.publish;

import io.cordwatch.grade.SliceResult;
import io.cordwatch.grade.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The slices a reader should look at first: the verdict's key images (the worst slice of each run
 * of diseased slices); when there is none (no disease anywhere), the confident slice with the
 * highest P(high), so a low verdict still points at the slice that came closest. Empty only when no
 * slice was graded.
 */
final class KeySlices {
  private KeySlices() {}

  static List<Documents.Ref> of(SeriesReport r) {
    Set<Documents.Ref> out = new LinkedHashSet<>();
    for (Verdict.KeyImage k : r.verdict().keyImages()) {
      out.add(Documents.ref(r, k.sopInstanceUid(), k.frame()));
    }
    if (out.isEmpty()) {
      r.slices().stream()
          .filter(SliceResult::isConfident)
          .max(Comparator.comparingDouble(s -> s.pHigh() == null ? 0 : s.pHigh()))
          .ifPresent(s -> out.add(Documents.ref(r, s.sopInstanceUid(), s.frame())));
    }
    return List.copyOf(out);
  }

  /** Every graded slice, once each, in slice order: the SR's image library. */
  static List<Documents.Ref> graded(SeriesReport r) {
    Set<Documents.Ref> out = new LinkedHashSet<>();
    for (SliceResult s : r.slices()) {
      if (s.isGraded()) {
        out.add(Documents.ref(r, s.sopInstanceUid(), s.frame()));
      }
    }
    return new ArrayList<>(out);
  }
}
