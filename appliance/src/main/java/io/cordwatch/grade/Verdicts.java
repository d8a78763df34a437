package io.cordwatch.grade;

import io.cordwatch.infer.VerdictLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds a series verdict from its slices, in slice-position order.
 *
 * <p>Only <b>confident</b> slices (graded and not uncertain) drive the verdict. An uncertain slice
 * is out of the distribution the model was trained on: its grade is reported on the slice, since a
 * radiologist may want it, but it neither forms nor extends a segment, is never a key image and
 * never makes a series high. It is counted.
 *
 * <p>A <b>segment</b> is a maximal run of adjacent confident slices with a class other than the
 * first (the first class is "no disease", grade 0). A slice that was not graded (no ROI,
 * unreadable) or is uncertain ends a run just as a grade-0 slice does: nothing trustworthy is known
 * about it, and joining two lesions across it would claim a continuity nobody saw. The segment's
 * grade is its worst slice's grade (classes are ordered from mild to severe); that slice is its key
 * image, ties going to the higher probability of that grade and then to the earlier slice. The
 * series grade is the worst segment's grade, grade 0 when confident slices had no disease, and null
 * when no slice was graded with confidence: "no answer" must never read as "no disease".
 *
 * <p>The <b>group</b> is decided in this order, the first that applies:
 *
 * <ol>
 *   <li>nothing graded: {@code indeterminate}, {@value Verdict#REASON_NOTHING_GRADED};
 *   <li>the series' Body Part Examined names only the lumbar or sacral spine ({@link
 *       io.cordwatch.dicom.SpineRegion}): {@code indeterminate}, {@value
 *       Verdict#REASON_BELOW_CONUS}, whatever its slices were called. Below the conus there is no
 *       spinal cord for the Bilsky scale to grade and the models never saw that anatomy: a real
 *       normal lumbar sac was called high with confidence there. The message says how many slices
 *       were called high, so a reader still sees them; this is the one rule that outranks a high
 *       call;
 *   <li>a confident slice is called high (by the bundle's decision rule, {@link HighDecision}) with
 *       P(high) at or above the bundle's {@code confident_high_threshold} when it has one: {@code
 *       high}. Missing or uncertain slices elsewhere do not take back a positive finding; a triage
 *       tool must not hide it behind "read manually";
 *   <li>a confident slice would be called high in the confident band but for the series baseline
 *       discount ({@link BaselineDiscount}): {@code indeterminate}, {@value
 *       Verdict#REASON_BASELINE_RAISED} (every slice of the series scores above what validation
 *       series show, so the model is outside what it knows; the limits the series was judged by are
 *       the discounted ones, so the rules below read the raised band);
 *   <li>an uncertain slice is called high: {@code indeterminate}, {@value
 *       Verdict#REASON_HIGH_ON_UNCERTAIN} (the only evidence of high grade is where the model is
 *       out of its depth);
 *   <li>a confident slice is called high, but with P(high) below the bundle's {@code
 *       confident_high_threshold}: {@code indeterminate}, {@value Verdict#REASON_HIGH_BORDERLINE}
 *       (possible high grade, but in the band where the model's high calls were often wrong on
 *       validation: flagged for a reader, not called);
 *   <li>the bundle's canal segmenter withdrew a slice's high call (it saw less tumour in the canal
 *       box than {@code segmenter.veto_below_mm2}; calls in the confident band are never
 *       withdrawn): {@code indeterminate}, {@value Verdict#REASON_HIGH_WITHDRAWN}. A withdrawn call
 *       is neither a high call nor a plain low: the series goes to a reader, as a possible high
 *       does, whether or not the bundle has a rule-out threshold;
 *   <li>no slice is called high, but a confident slice has P(high) at or above the bundle's {@code
 *       rule_out_threshold} when it has one: {@code indeterminate}, {@value
 *       Verdict#REASON_POSSIBLE_HIGH} (below the triage threshold, but not low enough to rule high
 *       grade out; how the threshold is chosen is {@link RuleOut}'s);
 *   <li>no slice is called high, but a slice without a canal box lies between two slices with one
 *       (in slice order): {@code indeterminate}, {@value Verdict#REASON_CANAL_LOST}. The canal does
 *       not vanish inside a spine; where the localizer loses it, a lesion filling it may be why (on
 *       held-out phantoms, grade-3 slices the localizer could not box left a series low;
 *       docs/validation.md, "The rule for a canal lost inside a series");
 *   <li>more than {@code max_uncertain_fraction} of graded slices uncertain: {@value
 *       Verdict#REASON_TOO_MANY_UNCERTAIN};
 *   <li>more than {@code max_no_roi_fraction} of all slices without a canal box: {@value
 *       Verdict#REASON_TOO_MANY_NO_ROI};
 *   <li>no confident slice (all graded slices uncertain, limit 1): {@value
 *       Verdict#REASON_NOTHING_GRADED};
 *   <li>otherwise {@code low}.
 * </ol>
 */
public final class Verdicts {
  private Verdicts() {}

  /**
   * A verdict under the default limits, each slice's own {@code high_call} deciding (slices without
   * one are called by the nearest prototype).
   *
   * @param slices in slice-position order
   * @param classes class names, mild to severe; the first is "no disease"
   * @param highGrade the classes that make a slice high grade by nearest prototype
   */
  public static Verdict of(
      List<SliceResult> slices,
      List<String> classes,
      List<String> highGrade,
      Verdict.Model model,
      Verdict.Timings timings) {
    return of(slices, classes, highGrade, VerdictLimits.DEFAULTS, model, timings);
  }

  /**
   * A verdict for a series graded as any other (not known to lie below the conus).
   *
   * @param slices in slice-position order
   * @param classes class names, mild to severe; the first is "no disease"
   * @param highGrade the classes that make a slice high grade by nearest prototype, for slices
   *     without a {@code high_call}
   * @param limits when too little was seen with confidence
   */
  public static Verdict of(
      List<SliceResult> slices,
      List<String> classes,
      List<String> highGrade,
      VerdictLimits limits,
      Verdict.Model model,
      Verdict.Timings timings) {
    return of(slices, classes, highGrade, limits, null, model, timings);
  }

  /**
   * @param slices in slice-position order
   * @param classes class names, mild to severe; the first is "no disease"
   * @param highGrade the classes that make a slice high grade by nearest prototype, for slices
   *     without a {@code high_call}
   * @param limits when too little was seen with confidence
   * @param belowConus the series' Body Part Examined when it names only the lumbar or sacral spine
   *     ({@link io.cordwatch.dicom.SpineRegion#belowConus(java.util.Collection)}), else null
   */
  public static Verdict of(
      List<SliceResult> slices,
      List<String> classes,
      List<String> highGrade,
      VerdictLimits limits,
      String belowConus,
      Verdict.Model model,
      Verdict.Timings timings) {
    return of(
        slices, classes, highGrade, BaselineDiscount.none(limits), belowConus, model, timings);
  }

  /**
   * A verdict for a series whose slices were called under a series baseline discount.
   *
   * @param slices in slice-position order, their high calls made under the discount
   * @param classes class names, mild to severe; the first is "no disease"
   * @param highGrade the classes that make a slice high grade by nearest prototype, for slices
   *     without a {@code high_call}
   * @param discount the discount and the limits the series is judged by
   * @param belowConus as above
   */
  public static Verdict of(
      List<SliceResult> slices,
      List<String> classes,
      List<String> highGrade,
      BaselineDiscount discount,
      String belowConus,
      Verdict.Model model,
      Verdict.Timings timings) {
    VerdictLimits limits = discount.limits();
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
    int highCalls = 0;
    int uncertainHighCalls = 0;
    int borderlineHighCalls = 0;
    int possibleHigh = 0;
    int withdrawn = 0;
    for (SliceResult s : slices) {
      switch (s.status()) {
        case SliceResult.GRADED -> {
          graded++;
          boolean high = calledHigh(s, highGrade);
          if (s.withdrawn()) {
            withdrawn++;
            uncertain += Boolean.TRUE.equals(s.uncertain()) ? 1 : 0;
          } else if (Boolean.TRUE.equals(s.uncertain())) {
            uncertain++;
            uncertainHighCalls += high ? 1 : 0;
          } else if (high && limits.borderline(s.pHigh())) {
            borderlineHighCalls++;
          } else if (high) {
            highCalls++;
          } else if (limits.possibleHigh(s.pHigh())) {
            possibleHigh++;
          }
        }
        case SliceResult.NO_ROI -> noRoi++;
        default -> unreadable++;
      }
    }
    int confident = graded - uncertain;
    String grade = null;
    if (confident > 0) {
      int worst = 0;
      for (Verdict.Segment seg : segments) {
        worst = Math.max(worst, classes.indexOf(seg.maxGrade()));
      }
      grade = classes.get(worst);
    }
    Verdict.Counts counts =
        new Verdict.Counts(
            slices.size(),
            graded,
            noRoi,
            unreadable,
            uncertain,
            highCalls,
            uncertainHighCalls,
            borderlineHighCalls,
            possibleHigh,
            withdrawn,
            canalLost(slices),
            discount.takenBack());
    Indeterminate why = indeterminate(counts, discount, belowConus);
    String group = why != null ? Verdict.INDETERMINATE : highCalls > 0 ? Verdict.HIGH : Verdict.LOW;
    return new Verdict(
        grade,
        group,
        why == null ? null : why.code(),
        why == null ? null : why.message(),
        segments,
        segments.stream().map(Verdict.Segment::keyImage).toList(),
        counts,
        model,
        timings);
  }

  private record Indeterminate(String code, String message) {}

  /** Why the series cannot be called; null when it can (the order is the class comment's). */
  private static Indeterminate indeterminate(
      Verdict.Counts c, BaselineDiscount discount, String belowConus) {
    VerdictLimits limits = discount.limits();
    if (c.graded() == 0) {
      return new Indeterminate(
          Verdict.REASON_NOTHING_GRADED,
          "No slice could be graded ("
              + c.noRoi()
              + " without a canal box, "
              + c.unreadable()
              + " unreadable of "
              + c.slices()
              + "): read manually.");
    }
    if (belowConus != null) {
      int high =
          c.highCalls() + c.borderlineHighCalls() + c.uncertainHighCalls() + c.withdrawnHighCalls();
      return new Indeterminate(
          Verdict.REASON_BELOW_CONUS,
          "Body part "
              + belowConus
              + ": lumbar or sacral spine, below the conus, where there is no spinal cord to"
              + " grade and the model was not trained; "
              + (high == 0
                  ? "no slice was called high"
                  : high
                      + (high == 1 ? " slice was" : " slices were")
                      + " called high, "
                      + c.highCalls()
                      + " with confidence")
              + ": read manually.");
    }
    if (c.highCalls() > 0) {
      return null;
    }
    if (c.discountedHighCalls() > 0) {
      return new Indeterminate(
          Verdict.REASON_BASELINE_RAISED,
          String.format(
              Locale.ROOT,
              "High grade called with confidence on %d %s, but every slice of this series scores"
                  + " above what validation series show (by %.2f logits): anatomy or acquisition"
                  + " unlike the model's training data. With that taken off, no call is confident:"
                  + " read manually.",
              c.discountedHighCalls(),
              c.discountedHighCalls() == 1 ? "slice" : "slices",
              discount.logits()));
    }
    if (c.uncertainHighCalls() > 0) {
      return new Indeterminate(
          Verdict.REASON_HIGH_ON_UNCERTAIN,
          "High grade only on "
              + c.uncertainHighCalls()
              + (c.uncertainHighCalls() == 1 ? " slice" : " slices")
              + " the model is uncertain about (unlike its training data): read manually.");
    }
    if (c.borderlineHighCalls() > 0) {
      return new Indeterminate(
          Verdict.REASON_HIGH_BORDERLINE,
          String.format(
              Locale.ROOT,
              "Possible high grade on %d %s, below the P(high) of %.2f at which the model's high"
                  + " calls were reliable on validation: read manually.",
              c.borderlineHighCalls(),
              c.borderlineHighCalls() == 1 ? "slice" : "slices",
              limits.confidentHighThreshold()));
    }
    if (c.withdrawnHighCalls() > 0) {
      return new Indeterminate(
          Verdict.REASON_HIGH_WITHDRAWN,
          String.format(
              Locale.ROOT,
              "High grade called on %d %s, but the canal segmenter saw too little tumour in the"
                  + " canal to keep %s: the %s withdrawn, not dismissed; read manually.",
              c.withdrawnHighCalls(),
              c.withdrawnHighCalls() == 1 ? "slice" : "slices",
              c.withdrawnHighCalls() == 1 ? "it" : "them",
              c.withdrawnHighCalls() == 1 ? "call is" : "calls are"));
    }
    if (c.possibleHighSlices() > 0) {
      return new Indeterminate(
          Verdict.REASON_POSSIBLE_HIGH,
          String.format(
              Locale.ROOT,
              "No slice called high, but %d %s P(high) of at least %.3f, the rule-out"
                  + " threshold: high grade is not ruled out, read manually.",
              c.possibleHighSlices(),
              c.possibleHighSlices() == 1 ? "slice has a" : "slices have a",
              limits.ruleOutThreshold()));
    }
    if (c.canalLostSlices() > 0) {
      return new Indeterminate(
          Verdict.REASON_CANAL_LOST,
          String.format(
              Locale.ROOT,
              "No slice called high, but the canal was not found on %d %s between slices where it"
                  + " was: a lesion filling the canal can hide it, read manually.",
              c.canalLostSlices(),
              c.canalLostSlices() == 1 ? "slice" : "slices"));
    }
    double uncertainShare = (double) c.uncertain() / c.graded();
    if (uncertainShare > limits.maxUncertainFraction()) {
      return new Indeterminate(
          Verdict.REASON_TOO_MANY_UNCERTAIN,
          String.format(
              Locale.ROOT,
              "%d of %d graded slices (%.0f%%) are uncertain, above the %.0f%% limit: read"
                  + " manually.",
              c.uncertain(),
              c.graded(),
              100 * uncertainShare,
              100 * limits.maxUncertainFraction()));
    }
    double noRoiShare = (double) c.noRoi() / c.slices();
    if (noRoiShare > limits.maxNoRoiFraction()) {
      return new Indeterminate(
          Verdict.REASON_TOO_MANY_NO_ROI,
          String.format(
              Locale.ROOT,
              "%d of %d slices (%.0f%%) have no canal box, above the %.0f%% limit: read manually.",
              c.noRoi(),
              c.slices(),
              100 * noRoiShare,
              100 * limits.maxNoRoiFraction()));
    }
    if (c.uncertain() == c.graded()) {
      return new Indeterminate(
          Verdict.REASON_NOTHING_GRADED, "Every graded slice is uncertain: read manually.");
    }
    return null;
  }

  /** Slices without a canal box between the first and the last slice that has one. */
  private static int canalLost(List<SliceResult> slices) {
    int first = -1;
    int last = -1;
    for (int i = 0; i < slices.size(); i++) {
      if (slices.get(i).isGraded()) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    int lost = 0;
    for (int i = first + 1; i < last; i++) {
      lost += SliceResult.NO_ROI.equals(slices.get(i).status()) ? 1 : 0;
    }
    return lost;
  }

  /** The slice's own call, or the nearest prototype's for results without one. */
  private static boolean calledHigh(SliceResult s, List<String> highGrade) {
    return s.highCall() != null ? s.highCall() : highGrade.contains(s.grade());
  }

  private static boolean diseased(SliceResult s, List<String> classes) {
    return s.isConfident() && classes.indexOf(s.grade()) > 0;
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
