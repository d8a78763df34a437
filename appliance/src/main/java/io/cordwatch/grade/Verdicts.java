package io.cordwatch.grade;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a series verdict from its slices, in slice-position order.
 *
 * <p>A <b>segment</b> is a maximal run of adjacent slices that were all graded with a class other
 * than the first (the first class is "no disease", grade 0). A slice that was not graded (no ROI,
 * unreadable) ends a run just as a grade-0 slice does: nothing is known about it, and joining two
 * lesions across it would claim a continuity nobody saw. The segment's grade is its worst slice's
 * grade (classes are ordered from mild to severe); that slice is its key image, ties going to the
 * higher probability of that grade and then to the earlier slice. The study grade is the worst
 * segment's grade, grade 0 when slices were graded and none had disease, and null when nothing
 * could be graded: "no answer" must never read as "no disease".
 */
public final class Verdicts {
  private Verdicts() {}

  /**
   * @param slices in slice-position order
   * @param classes class names, mild to severe; the first is "no disease"
   * @param highGrade the classes that make a study high grade
   */
  public static Verdict of(
      List<SliceResult> slices,
      List<String> classes,
      List<String> highGrade,
      Verdict.Model model,
      Verdict.Timings timings) {
    List<Verdict.Segment> segments = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= slices.size(); i++) {
      boolean diseased = i < slices.size() && diseased(slices.get(i), classes);
      if (diseased && start < 0) {
        start = i;
      } else if (!diseased && start >= 0) {
        segments.add(segment(slices, start, i - 1, classes));
        start = -1;
      }
    }
    int graded = 0;
    int noRoi = 0;
    int unreadable = 0;
    int uncertain = 0;
    for (SliceResult s : slices) {
      switch (s.status()) {
        case SliceResult.GRADED -> {
          graded++;
          if (Boolean.TRUE.equals(s.uncertain())) {
            uncertain++;
          }
        }
        case SliceResult.NO_ROI -> noRoi++;
        default -> unreadable++;
      }
    }
    String grade = null;
    if (graded > 0) {
      int worst = 0;
      for (Verdict.Segment seg : segments) {
        worst = Math.max(worst, classes.indexOf(seg.maxGrade()));
      }
      grade = classes.get(worst);
    }
    String group = grade == null ? null : (highGrade.contains(grade) ? "high" : "low");
    return new Verdict(
        grade,
        group,
        segments,
        segments.stream().map(Verdict.Segment::keyImage).toList(),
        new Verdict.Counts(slices.size(), graded, noRoi, unreadable, uncertain),
        model,
        timings);
  }

  private static boolean diseased(SliceResult s, List<String> classes) {
    return s.isGraded() && classes.indexOf(s.grade()) > 0;
  }

  private static Verdict.Segment segment(
      List<SliceResult> slices, int from, int to, List<String> classes) {
    int worst = from;
    for (int i = from + 1; i <= to; i++) {
      SliceResult s = slices.get(i);
      SliceResult w = slices.get(worst);
      int cmp = Integer.compare(classes.indexOf(s.grade()), classes.indexOf(w.grade()));
      if (cmp > 0 || (cmp == 0 && probability(s) > probability(w))) {
        worst = i;
      }
    }
    SliceResult w = slices.get(worst);
    return new Verdict.Segment(
        from,
        to,
        to - from + 1,
        w.grade(),
        new Verdict.KeyImage(w.sopInstanceUid(), w.frame(), w.grade(), probability(w)));
  }

  private static double probability(SliceResult s) {
    Double p = s.probabilities() == null ? null : s.probabilities().get(s.grade());
    return p == null ? 0 : p;
  }
}
