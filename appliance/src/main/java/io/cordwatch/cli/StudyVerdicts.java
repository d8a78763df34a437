package io.cordwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.grade.Verdict;
import io.cordwatch.stats.ClopperPearson;
import io.cordwatch.stats.Interval;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the appliance's own verdicts fall against the reference, study by study: the figure a triage
 * box is judged by (issue 12's "study-level sensitivity"), which the slice and any-slice study
 * figures of {@code cordwatch evaluate} do not give, since a series with a high call can still be
 * {@code indeterminate} and one without can be kept from {@code low} by the rule-out threshold.
 *
 * <p>A study is <b>high-grade</b> when any of its slices is labelled 1c, 2 or 3, low-grade when it
 * has labelled slices and none is; studies without a labelled slice are left out. Its
 * <b>verdict</b> is the appliance's for the study: {@code high} when any series is, else {@code
 * indeterminate} when any series is, else {@code low}; {@code none} when no series got a verdict
 * (no axial T2 series, or grading failed). "Not called low" (high or indeterminate: flagged, or
 * sent to a reader) is the share of high-grade studies with a verdict that a triage box must not
 * lose; its interval is exact (Clopper-Pearson).
 *
 * @param highGrade the high-grade studies' verdicts
 * @param lowGrade the low-grade studies' verdicts
 * @param missed the high-grade studies called low, in document order
 */
record StudyVerdicts(Tally highGrade, Tally lowGrade, List<Missed> missed) {

  /** Studies by verdict. */
  record Tally(int high, int indeterminate, int low, int none) {
    int withVerdict() {
      return high + indeterminate + low;
    }

    /** The share not called low among those with a verdict; undefined when none has one. */
    Interval notCalledLow() {
      return withVerdict() == 0
          ? Interval.UNDEFINED
          : ClopperPearson.interval(high + indeterminate, withVerdict());
    }

    Tally plus(String group) {
      return switch (group) {
        case Verdict.HIGH -> new Tally(high + 1, indeterminate, low, none);
        case Verdict.INDETERMINATE -> new Tally(high, indeterminate + 1, low, none);
        case Verdict.LOW -> new Tally(high, indeterminate, low + 1, none);
        default -> new Tally(high, indeterminate, low, none + 1);
      };
    }
  }

  /**
   * A high-grade study the appliance called low.
   *
   * @param worstReference its worst labelled grade
   * @param largestPHigh the largest P(high) of its graded slices; NaN when none has one
   */
  record Missed(String studyInstanceUid, String worstReference, double largestPHigh) {}

  private static final Tally NONE = new Tally(0, 0, 0, 0);

  /**
   * The verdicts of the studies of a grade document ({@link Evaluation.Predictions#studies})
   * against the reference slices.
   */
  static StudyVerdicts of(List<Evaluation.Slice> reference, List<JsonNode> studies) {
    Map<Evaluation.Key, Integer> grades = new HashMap<>();
    for (Evaluation.Slice s : reference) {
      grades.put(s.key(), s.grade());
    }
    Tally high = NONE;
    Tally low = NONE;
    List<Missed> missed = new ArrayList<>();
    for (JsonNode st : studies) {
      int worst = -1;
      double largest = Double.NaN;
      boolean anyHigh = false;
      boolean anyIndeterminate = false;
      boolean anyLow = false;
      for (JsonNode se : st.path("series")) {
        String group = se.path("verdict").path("group").asText("");
        anyHigh |= Verdict.HIGH.equals(group);
        anyIndeterminate |= Verdict.INDETERMINATE.equals(group);
        anyLow |= Verdict.LOW.equals(group);
        for (JsonNode sl : se.path("slices")) {
          Integer g = grades.get(Evaluation.Key.of(sl));
          if (g != null) {
            worst = Math.max(worst, g);
          }
          JsonNode p = sl.path("p_high");
          if (p.isNumber() && !(p.asDouble() <= largest)) {
            largest = p.asDouble();
          }
        }
      }
      if (worst < 0) {
        continue; // no labelled slice: nothing to judge the study by
      }
      String group =
          anyHigh
              ? Verdict.HIGH
              : anyIndeterminate ? Verdict.INDETERMINATE : anyLow ? Verdict.LOW : "none";
      if (worst >= Evaluation.FIRST_HIGH) {
        high = high.plus(group);
        if (Verdict.LOW.equals(group)) {
          missed.add(
              new Missed(
                  st.path("study_instance_uid").asText("?"),
                  Evaluation.GRADES.get(worst),
                  largest));
        }
      } else {
        low = low.plus(group);
      }
    }
    return new StudyVerdicts(high, low, List.copyOf(missed));
  }

  /** The text lines {@code cordwatch evaluate} prints. */
  List<String> text() {
    List<String> out = new ArrayList<>();
    out.add(
        "study verdicts (the appliance's: high when a series is high, else indeterminate when one"
            + " is, else low; none: no series got a verdict):");
    out.add(
        String.format(
            Locale.ROOT,
            "  high-grade studies: %s; not called low %s [%d/%d]",
            counts(highGrade),
            StatsJson.text(highGrade.notCalledLow(), "no high-grade study with a verdict"),
            highGrade.high() + highGrade.indeterminate(),
            highGrade.withVerdict()));
    out.add(String.format(Locale.ROOT, "  low-grade studies:  %s", counts(lowGrade)));
    for (Missed m : missed) {
      out.add(
          String.format(
              Locale.ROOT,
              "  high-grade study called low: %s, worst reference %s, largest P(high) %s",
              m.studyInstanceUid(),
              m.worstReference(),
              Double.isNaN(m.largestPHigh())
                  ? "none (no graded slice has one)"
                  : String.format(Locale.ROOT, "%.3f", m.largestPHigh())));
    }
    return out;
  }

  /** The {@code study_verdicts} part of {@code cordwatch evaluate --json}. */
  Map<String, Object> document() {
    Map<String, Object> d = new LinkedHashMap<>();
    Map<String, Object> h = tally(highGrade);
    h.put("not_called_low", StatsJson.interval(highGrade.notCalledLow()));
    d.put("high_grade", h);
    d.put("low_grade", tally(lowGrade));
    List<Map<String, Object>> list = new ArrayList<>();
    for (Missed m : missed) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("study_instance_uid", m.studyInstanceUid());
      x.put("worst_reference", m.worstReference());
      x.put("largest_p_high", Double.isNaN(m.largestPHigh()) ? null : m.largestPHigh());
      list.add(x);
    }
    d.put("high_grade_called_low", list);
    return d;
  }

  private static String counts(Tally t) {
    return String.format(
        Locale.ROOT,
        "%d high, %d indeterminate, %d low, %d none (of %d)",
        t.high(),
        t.indeterminate(),
        t.low(),
        t.none(),
        t.withVerdict() + t.none());
  }

  private static Map<String, Object> tally(Tally t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("high", t.high());
    m.put("indeterminate", t.indeterminate());
    m.put("low", t.low());
    m.put("none", t.none());
    return m;
  }
}
