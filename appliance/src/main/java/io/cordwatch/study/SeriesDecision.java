package io.cordwatch.study;

import java.util.List;

/**
 * Whether a series will be graded, and why, in words a radiographer can check against the scanner
 * protocol. The summary is one line for lists and logs; the reasons explain every check in order.
 *
 * @param selected whether the series is graded
 * @param summary one line, starting with {@code selected:} or {@code skipped:}
 * @param reasons one short line per check made
 */
public record SeriesDecision(boolean selected, String summary, List<String> reasons) {
  public SeriesDecision {
    reasons = List.copyOf(reasons);
  }
}
