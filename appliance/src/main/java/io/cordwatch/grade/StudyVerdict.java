package io.cordwatch.grade;

import java.util.List;

/**
 * A study's group from its graded series' verdicts: {@code high} when any series is high (a
 * positive finding anywhere stands); otherwise {@code indeterminate} when any series could not be
 * called (the study cannot be called low while part of it is unread); otherwise {@code low}. Null
 * when no series has a verdict yet.
 *
 * @param group high, low, indeterminate, or null
 * @param indeterminateReason the first indeterminate series' reason code when the group is
 *     indeterminate, else null
 * @param indeterminateMessage that series' sentence, else null
 */
public record StudyVerdict(String group, String indeterminateReason, String indeterminateMessage) {

  /**
   * One series' outcome as stored: its group and reason. A verdict stored before the indeterminate
   * group existed has a null group when nothing was graded; it counts as indeterminate.
   */
  public record SeriesOutcome(String group, String reason, String message) {}

  public static StudyVerdict of(List<SeriesOutcome> series) {
    if (series.isEmpty()) {
      return new StudyVerdict(null, null, null);
    }
    if (series.stream().anyMatch(s -> Verdict.HIGH.equals(s.group()))) {
      return new StudyVerdict(Verdict.HIGH, null, null);
    }
    for (SeriesOutcome s : series) {
      if (!Verdict.LOW.equals(s.group())) {
        return new StudyVerdict(
            Verdict.INDETERMINATE,
            s.reason() == null ? Verdict.REASON_NOTHING_GRADED : s.reason(),
            s.message() == null ? "No slice could be graded: read manually." : s.message());
      }
    }
    return new StudyVerdict(Verdict.LOW, null, null);
  }
}
