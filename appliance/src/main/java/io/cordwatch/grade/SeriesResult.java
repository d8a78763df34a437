package io.cordwatch.grade;

import java.util.List;

/**
 * A graded series: the verdict and every slice, in slice-position order (the order the verdict's
 * segment indices refer to), unreadable files last.
 */
public record SeriesResult(
    String studyInstanceUid, String seriesInstanceUid, Verdict verdict, List<SliceResult> slices) {
  public SeriesResult {
    slices = List.copyOf(slices);
  }
}
