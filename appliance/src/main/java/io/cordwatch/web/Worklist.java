package io.cordwatch.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.StudyVerdict;
import io.cordwatch.grade.Verdict;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.store.Records.WorklistRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * The clinicians' worklist: the newest studies ordered by urgency, as the page at {@code /studies}
 * shows them and {@code GET /api/v1/worklist} serves them to the page's script.
 *
 * <p>Urgency: high grade first, then indeterminate (read manually; a study whose grading failed
 * belongs here too), then low, then studies still arriving or waiting for grading, then those with
 * no series to grade; within each, the newest first. The order is the model's, not the review's: a
 * confirmed high-grade study stays among the high ones, with its review state beside it.
 */
final class Worklist {
  /** How many of the newest studies the worklist considers. */
  static final int SIZE = 200;

  /** Review states, as the wire and the page name them. */
  static final String UNREVIEWED = "unreviewed";

  static final String CONFIRMED = "confirmed";
  static final String CORRECTED = "corrected";

  /**
   * One study on the worklist.
   *
   * @param tag the short hash staff and the log use for the study
   * @param studyDateTime Study Date and Time as the scanner recorded them ({@code 2026-03-02
   *     10:15:00}, the scanner's local time, no zone), null when the images carry none
   * @param lastReceivedText {@code lastReceived} as the pages write times (the appliance's zone)
   * @param group high, indeterminate, low; null while nothing is graded
   * @param grade the worst confident Bilsky grade; null when none
   * @param reviewState unreviewed, confirmed or corrected (the latest study decision)
   * @param reviewedGrade the grade the latest study decision gave; null when unreviewed
   * @param reviewedSlices slices with a decision
   * @param slicesGraded slices graded over all series
   * @param highCalls confident high calls over all series
   * @param clinicalUse null while nothing is graded; false when any grading model is not cleared
   * @param resultText the result in words, as the page writes it
   * @param reviewText the review state in words, as the page writes it
   * @param href the study's page
   */
  record Entry(
      String studyInstanceUid,
      String tag,
      String studyDateTime,
      String state,
      String firstReceived,
      String lastReceived,
      String lastReceivedText,
      int instanceCount,
      int seriesCount,
      String group,
      String grade,
      String reviewState,
      String reviewedGrade,
      String reviewedBy,
      String reviewedAt,
      int reviewedSlices,
      int slicesGraded,
      int highCalls,
      String model,
      Boolean clinicalUse,
      String resultText,
      String reviewText,
      String href) {}

  /** The list as {@code GET /api/v1/worklist} sends it. */
  record View(String generatedAt, String generatedAtText, List<Entry> studies) {}

  private Worklist() {}

  static View read(WebContext ctx) {
    List<Entry> entries = new ArrayList<>();
    for (WorklistRow w : ctx.index().worklist(SIZE)) {
      entries.add(entry(w, ms -> Pages.time(ctx, Instant.ofEpochMilli(ms))));
    }
    entries.sort(URGENCY);
    Instant now = ctx.clock().instant();
    return new View(now.toString(), Pages.time(ctx, now), List.copyOf(entries));
  }

  static final Comparator<Entry> URGENCY =
      Comparator.comparingInt(Worklist::rank)
          .thenComparing(Entry::lastReceived, Comparator.reverseOrder())
          .thenComparing(Entry::studyInstanceUid);

  /** 0 high, 1 indeterminate or failed, 2 low, 3 not graded yet, 4 nothing to grade. */
  static int rank(Entry e) {
    if (Verdict.HIGH.equals(e.group())) {
      return 0;
    }
    if (Verdict.INDETERMINATE.equals(e.group()) || Index.STUDY_FAILED.equals(e.state())) {
      return 1;
    }
    if (Verdict.LOW.equals(e.group())) {
      return 2;
    }
    return Index.STUDY_NOT_ELIGIBLE.equals(e.state()) ? 4 : 3;
  }

  static Entry entry(WorklistRow w, LongFunction<String> time) {
    List<JsonNode> verdicts = w.verdicts().stream().map(VerdictJson::tree).toList();
    StudyVerdict v =
        StudyVerdict.of(
            verdicts.stream()
                .map(
                    j ->
                        new StudyVerdict.SeriesOutcome(
                            StudyResults.group(j),
                            StudyResults.text(j, "indeterminate_reason"),
                            StudyResults.text(j, "indeterminate_message")))
                .toList());
    int graded = 0;
    int high = 0;
    Set<String> models = new LinkedHashSet<>();
    boolean clinical = true;
    for (JsonNode j : verdicts) {
      graded += j.path("counts").path("graded").asInt(0);
      high += j.path("counts").path("high_calls").asInt(0);
      String m = StudyResults.text(j.path("model"), "name");
      if (m != null) {
        models.add(m);
      }
      clinical &= j.path("model").path("clinical_use").asBoolean(false);
    }
    ReviewRow r = w.studyReview();
    var s = w.study();
    String grade =
        StudyResults.worst(verdicts.stream().map(j -> StudyResults.text(j, "grade")).toList());
    return new Entry(
        s.studyUid(),
        Uids.tag(s.studyUid()),
        studyDateTime(w.firstFactsJson()),
        s.state(),
        Views.iso(s.firstReceivedMs()),
        Views.iso(s.lastReceivedMs()),
        time.apply(s.lastReceivedMs()),
        s.instanceCount(),
        s.seriesCount(),
        v.group(),
        grade,
        reviewState(r),
        r == null ? null : r.grade(),
        r == null ? null : r.userName(),
        r == null ? null : Views.iso(r.atMs()),
        w.reviewedSlices(),
        graded,
        high,
        models.isEmpty() ? null : String.join(" + ", models),
        verdicts.isEmpty() ? null : clinical,
        resultText(v.group(), grade, s.state()),
        reviewText(r),
        "/studies/" + s.studyUid());
  }

  /**
   * Study Date and Time from an instance's facts JSON as {@code YYYY-MM-DD HH:MM:SS} (or as much of
   * it as was recorded); null when there is no well-formed Study Date.
   */
  static String studyDateTime(String factsJson) {
    if (factsJson == null) {
      return null;
    }
    JsonNode facts;
    try {
      facts = VerdictJson.tree(factsJson);
    } catch (IllegalStateException e) {
      return null;
    }
    String date = StudyResults.text(facts, "studyDate");
    if (date == null || !date.strip().matches("\\d{8}")) {
      return null;
    }
    date = date.strip();
    String out = date.substring(0, 4) + "-" + date.substring(4, 6) + "-" + date.substring(6, 8);
    String time = StudyResults.text(facts, "studyTime");
    if (time != null && time.strip().matches("\\d{2}(\\d{2}(\\d{2}(\\.\\d*)?)?)?")) {
      String t = time.strip();
      out += " " + t.substring(0, 2);
      if (t.length() >= 4) {
        out += ":" + t.substring(2, 4);
      }
      if (t.length() >= 6) {
        out += ":" + t.substring(4, 6);
      }
    }
    return out;
  }

  /** A study's result in words: the group and grade once graded, else where it stands. */
  static String resultText(String group, String grade, String state) {
    String bilsky = grade == null ? "" : " \u00b7 Bilsky " + grade;
    if (Verdict.HIGH.equals(group)) {
      return "HIGH GRADE" + bilsky;
    }
    if (Verdict.INDETERMINATE.equals(group)) {
      return "INDETERMINATE: read manually";
    }
    if (Verdict.LOW.equals(group)) {
      return "low grade" + bilsky;
    }
    return switch (state) {
      case "receiving" -> "receiving images";
      case "queued" -> "waiting for grading";
      case "failed" -> "grading failed: read manually";
      case "not_eligible" -> "not graded: no axial T2 thoracic series";
      default -> "not graded yet";
    };
  }

  /** The latest study decision in words. */
  static String reviewText(ReviewRow r) {
    if (r == null) {
      return UNREVIEWED;
    }
    return ReviewRow.CONFIRM.equals(r.decision())
        ? "confirmed (Bilsky " + r.grade() + ") by " + r.userName()
        : "corrected to Bilsky " + r.grade() + " by " + r.userName();
  }

  static String reviewState(ReviewRow r) {
    if (r == null) {
      return UNREVIEWED;
    }
    return ReviewRow.CONFIRM.equals(r.decision()) ? CONFIRMED : CORRECTED;
  }
}
