package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.VerdictLimits;
import io.cordwatch.roi.CanalBox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class VerdictsTest {
  private static final List<String> CLASSES = Bundle.DEFAULT_CLASSES;
  private static final List<String> HIGH = Bundle.DEFAULT_HIGH_GRADE;
  private static final Verdict.Model MODEL = new Verdict.Model("m", "onnx", "test", false);
  private static final Verdict.Timings TIMES = new Verdict.Timings(1, 2, 3, 0, 6);

  /**
   * Slices from a compact spec: a grade name (optionally {@code @p} for its probability, and a
   * trailing {@code ?} for an uncertain slice), "-" for no ROI, "x" for unreadable.
   */
  private static List<SliceResult> slices(String... spec) {
    List<SliceResult> out = new ArrayList<>();
    for (int i = 0; i < spec.length; i++) {
      String sop = "1.2.3." + (i + 1);
      String[] g = spec[i].split("@");
      out.add(
          switch (g[0]) {
            case "-" -> SliceResult.noRoi(sop, 1, "no canal box", (double) i);
            case "x" -> SliceResult.unreadable(sop, 1, "truncated");
            default -> {
              boolean uncertain = spec[i].endsWith("?");
              g = spec[i].replace("?", "").split("@");
              double p = g.length > 1 ? Double.parseDouble(g[1]) : 0.9;
              Map<String, Double> probs = new LinkedHashMap<>();
              for (String c : CLASSES) {
                probs.put(c, c.equals(g[0]) ? p : (1 - p) / (CLASSES.size() - 1));
              }
              yield SliceResult.graded(
                  sop,
                  1,
                  g[0],
                  probs,
                  new CanalBox(1, 1, 5, 5),
                  null,
                  0.5,
                  uncertain,
                  (double) i,
                  null,
                  null);
            }
          });
    }
    return out;
  }

  private static Verdict verdict(String... spec) {
    return Verdicts.of(slices(spec), CLASSES, HIGH, MODEL, TIMES);
  }

  @Test
  void contiguousDiseasedSlicesFormSegmentsWithTheirWorstGradeAndKeyImage() {
    Verdict v = verdict("0", "1a", "2", "1b", "0", "0", "1c", "1c@0.95", "0");

    assertEquals(2, v.segments().size());
    Verdict.Segment first = v.segments().get(0);
    assertEquals(1, first.firstSlice());
    assertEquals(3, first.lastSlice());
    assertEquals(3, first.sliceCount());
    assertEquals("2", first.maxGrade());
    assertEquals("1.2.3.3", first.keyImage().sopInstanceUid());
    Verdict.Segment second = v.segments().get(1);
    assertEquals("1c", second.maxGrade());
    assertEquals("1.2.3.8", second.keyImage().sopInstanceUid(), "tie goes to higher probability");
    assertEquals(
        List.of("1.2.3.3", "1.2.3.8"),
        v.keyImages().stream().map(Verdict.KeyImage::sopInstanceUid).toList());
    assertEquals("2", v.grade());
    assertEquals("high", v.group());
    assertTrue(v.high());
  }

  @Test
  void studyIsLowGradeWhenTheWorstSegmentIsOneB() {
    Verdict v = verdict("1a", "1b", "0", "1a");
    assertEquals("1b", v.grade());
    assertEquals("low", v.group());
    assertEquals(2, v.segments().size());
  }

  @Test
  void allGradeZeroGivesGradeZeroWithoutSegments() {
    Verdict v = verdict("0", "0", "0");
    assertEquals("0", v.grade());
    assertEquals("low", v.group());
    assertTrue(v.segments().isEmpty());
    assertTrue(v.keyImages().isEmpty());
  }

  @Test
  void ungradedSlicesBreakSegmentsAndAreCounted() {
    Verdict v = verdict("3", "-", "3", "x");
    assertEquals(2, v.segments().size(), "no ROI between two lesions does not join them");
    assertEquals(new Verdict.Counts(4, 2, 1, 1, 0, 2, 0, 0, 0, 0, 1, 0), v.counts());
    assertEquals("3", v.grade());
  }

  @Test
  void nothingGradedIsNoGradeNotGradeZeroAndMustBeReadManually() {
    Verdict v = verdict("-", "x", "-");
    assertNull(v.grade());
    assertEquals("indeterminate", v.group());
    assertEquals(Verdict.REASON_NOTHING_GRADED, v.indeterminateReason());
    assertTrue(v.indeterminateMessage().contains("read manually"), v.indeterminateMessage());
    assertEquals(new Verdict.Counts(3, 0, 2, 1, 0), v.counts());
  }

  @Test
  void uncertainSlicesNeitherFormSegmentsNorSetTheGrade() {
    Verdict v = verdict("0", "3?", "1b", "1b", "0", "0", "0", "0");
    assertEquals("1b", v.grade(), "the uncertain grade-3 slice does not drive the grade");
    assertEquals(1, v.segments().size(), "an uncertain slice ends a run like no ROI does");
    assertEquals(2, v.segments().getFirst().firstSlice());
    assertEquals(List.of("1.2.3.3"), v.keyImages().stream().map(k -> k.sopInstanceUid()).toList());
    assertEquals(1, v.counts().uncertain());
    assertEquals(1, v.counts().uncertainHighCalls());
    assertEquals(0, v.counts().highCalls());
  }

  @Test
  void aHighCallThatRestsOnUncertainSlicesIsIndeterminate() {
    Verdict v = verdict("0", "2?", "0", "0", "0", "1a", "0", "0");
    assertEquals("indeterminate", v.group());
    assertEquals(Verdict.REASON_HIGH_ON_UNCERTAIN, v.indeterminateReason());
    assertEquals("1a", v.grade(), "the grade is still the worst confident grade");
    assertTrue(v.indeterminateMessage().contains("1 slice"), v.indeterminateMessage());
  }

  @Test
  void aConfidentHighSliceMakesTheSeriesHighWhateverElseIsUncertainOrMissing() {
    Verdict v = verdict("2", "0?", "0?", "-", "-", "-", "-", "-");
    assertEquals("high", v.group());
    assertNull(v.indeterminateReason());
    assertEquals("2", v.grade());
  }

  @Test
  void tooManyUncertainSlicesAreIndeterminateAboveTheLimit() {
    // 2 of 8 graded (25%) is at the default limit: still called.
    assertEquals("low", verdict("0", "0?", "0", "0?", "0", "0", "0", "0").group());
    Verdict v = verdict("0", "0?", "0", "0?", "0", "0?", "0", "0");
    assertEquals("indeterminate", v.group());
    assertEquals(Verdict.REASON_TOO_MANY_UNCERTAIN, v.indeterminateReason());
    assertEquals("0", v.grade());
    assertTrue(
        v.indeterminateMessage().startsWith("3 of 8 graded slices (38%) are uncertain"),
        v.indeterminateMessage());
  }

  @Test
  void tooManySlicesWithoutACanalBoxAreIndeterminateAboveTheLimit() {
    // Boxes missing at the ends (where the canal leaves the field of view), not inside the series.
    assertEquals("low", verdict("0", "0", "-", "-").group(), "half is at the limit");
    Verdict v = verdict("0", "0", "-", "-", "-");
    assertEquals("indeterminate", v.group());
    assertEquals(Verdict.REASON_TOO_MANY_NO_ROI, v.indeterminateReason());
  }

  @Test
  void theBundleLimitsReplaceTheDefaults() {
    VerdictLimits strict = new VerdictLimits(0.0, 0.1);
    Verdict v = Verdicts.of(slices("0", "0?", "0", "0", "0"), CLASSES, HIGH, strict, MODEL, TIMES);
    assertEquals(Verdict.REASON_TOO_MANY_UNCERTAIN, v.indeterminateReason());
    VerdictLimits lax = new VerdictLimits(1.0, 1.0);
    Verdict all = Verdicts.of(slices("0?", "0?"), CLASSES, HIGH, lax, MODEL, TIMES);
    assertEquals(Verdict.REASON_NOTHING_GRADED, all.indeterminateReason(), "no confident slice");
    assertNull(all.grade());
  }

  @Test
  void aThresholdCallsASliceHighThatTheNearestPrototypeCallsLow() {
    // Nearest prototype 1b, but P(high) = p(1c) + p(2) + p(3) = 0.30 + 0.05 + 0.05 = 0.40.
    float[] p = {0.05f, 0.10f, 0.45f, 0.30f, 0.05f, 0.05f};
    HighDecision nearest = new HighDecision(CLASSES, HIGH, OptionalDouble.empty());
    HighDecision threshold = new HighDecision(CLASSES, HIGH, OptionalDouble.of(0.23));
    assertEquals(0.40, threshold.pHigh(p), 1e-6);
    assertFalse(nearest.call(2, nearest.pHigh(p)));
    assertTrue(threshold.call(2, threshold.pHigh(p)));
    assertEquals("threshold 0.23", threshold.describe());
    assertEquals("nearest prototype", nearest.describe());
    assertEquals("P(high) = p(1c)+p(2)+p(3) >= 0.2300", threshold.formula());
    assertEquals("nearest prototype is a high grade", nearest.formula());

    Map<String, Double> probs = new LinkedHashMap<>();
    for (int c = 0; c < p.length; c++) {
      probs.put(CLASSES.get(c), (double) p[c]);
    }
    List<SliceResult> one =
        List.of(
            SliceResult.graded(
                "1.2.3.1",
                1,
                "1b",
                probs,
                new CanalBox(1, 1, 5, 5),
                null,
                0.5,
                false,
                0.0,
                0.40,
                true));
    Verdict v = Verdicts.of(one, CLASSES, HIGH, MODEL, TIMES);
    assertEquals("high", v.group(), "the series follows the slice's call");
    assertEquals("1b", v.grade(), "the grade stays the nearest prototype's");
  }

  /** A slice called high by the triage threshold with this P(high). */
  private static SliceResult calledHigh(int i, double pHigh) {
    return SliceResult.graded(
        "1.2.3." + (i + 1),
        1,
        "1c",
        Map.of("1c", pHigh),
        new CanalBox(1, 1, 5, 5),
        null,
        0.2,
        false,
        (double) i,
        pHigh,
        true);
  }

  @Test
  void highCallsBelowTheConfidentBandMakeTheSeriesIndeterminateNotHigh() {
    VerdictLimits band = new VerdictLimits(0.25, 0.5, 0.67);
    Verdict borderline =
        Verdicts.of(
            List.of(calledHigh(0, 0.30), calledHigh(1, 0.66)), CLASSES, HIGH, band, MODEL, TIMES);
    assertEquals("indeterminate", borderline.group());
    assertEquals(Verdict.REASON_HIGH_BORDERLINE, borderline.indeterminateReason());
    assertEquals(0, borderline.counts().highCalls());
    assertEquals(2, borderline.counts().borderlineHighCalls());
    assertTrue(
        borderline
            .indeterminateMessage()
            .startsWith("Possible high grade on 2 slices, below the" + " P(high) of 0.67"),
        borderline.indeterminateMessage());
    // One confident call is enough for "high"; without a band every call is confident.
    Verdict confident =
        Verdicts.of(
            List.of(calledHigh(0, 0.30), calledHigh(1, 0.67)), CLASSES, HIGH, band, MODEL, TIMES);
    assertEquals("high", confident.group());
    assertEquals(1, confident.counts().highCalls());
    assertEquals(1, confident.counts().borderlineHighCalls());
    assertEquals(
        "high",
        Verdicts.of(
                List.of(calledHigh(0, 0.30)), CLASSES, HIGH, VerdictLimits.DEFAULTS, MODEL, TIMES)
            .group());
  }

  /** A slice the triage threshold calls low, with this P(high). */
  private static SliceResult calledLow(int i, double pHigh, boolean uncertain) {
    return SliceResult.graded(
        "1.2.3." + (i + 1),
        1,
        "0",
        Map.of("0", 1 - pHigh, "1c", pHigh),
        new CanalBox(1, 1, 5, 5),
        null,
        uncertain ? 3.0 : 0.2,
        uncertain,
        (double) i,
        pHigh,
        false);
  }

  @Test
  void aConfidentSliceAtOrAboveTheRuleOutThresholdKeepsTheSeriesFromLow() {
    VerdictLimits ruleOut = new VerdictLimits(0.25, 0.5, 0.67, 0.12);
    Verdict possible =
        Verdicts.of(
            List.of(calledLow(0, 0.05, false), calledLow(1, 0.12, false), calledLow(2, 0.2, false)),
            CLASSES,
            HIGH,
            ruleOut,
            MODEL,
            TIMES);
    assertEquals("indeterminate", possible.group());
    assertEquals(Verdict.REASON_POSSIBLE_HIGH, possible.indeterminateReason());
    assertEquals(2, possible.counts().possibleHighSlices());
    assertEquals(0, possible.counts().highCalls());
    assertEquals("0", possible.grade(), "the grade stays the nearest prototype's");
    assertTrue(
        possible
            .indeterminateMessage()
            .equals(
                "No slice called high, but 2 slices have a P(high) of at least 0.120, the"
                    + " rule-out threshold: high grade is not ruled out, read manually."),
        possible.indeterminateMessage());

    // Below it the series is low; an uncertain slice above it does not count (it drives nothing).
    Verdict low =
        Verdicts.of(
            List.of(calledLow(0, 0.05, false), calledLow(1, 0.119, false), calledLow(2, 0.3, true)),
            CLASSES,
            HIGH,
            new VerdictLimits(1, 0.5, 0.67, 0.12),
            MODEL,
            TIMES);
    assertEquals("low", low.group());
    assertEquals(0, low.counts().possibleHighSlices());

    // A high call decides first: the rule-out threshold only ever turns low into indeterminate.
    Verdict high =
        Verdicts.of(
            List.of(calledLow(0, 0.2, false), calledHigh(1, 0.9)),
            CLASSES,
            HIGH,
            ruleOut,
            MODEL,
            TIMES);
    assertEquals("high", high.group());
    assertEquals(1, high.counts().possibleHighSlices());
    Verdict borderline =
        Verdicts.of(
            List.of(calledLow(0, 0.2, false), calledHigh(1, 0.5)),
            CLASSES,
            HIGH,
            ruleOut,
            MODEL,
            TIMES);
    assertEquals(Verdict.REASON_HIGH_BORDERLINE, borderline.indeterminateReason());

    // Without the key (0) nothing changes.
    assertEquals(
        "low",
        Verdicts.of(
                List.of(calledLow(0, 0.2, false)),
                CLASSES,
                HIGH,
                VerdictLimits.DEFAULTS,
                MODEL,
                TIMES)
            .group());
  }

  @Test
  void aSegmentAtTheLastSliceIsClosed() {
    Verdict v = verdict("0", "0", "1c");
    assertEquals(1, v.segments().size());
    assertEquals(2, v.segments().getFirst().lastSlice());
    assertEquals(MODEL, v.model());
    assertEquals(TIMES, v.timings());
  }

  @Test
  void aSeriesBelowTheConusIsIndeterminateEvenWithAHighCallWhichItsMessageCounts() {
    List<SliceResult> s = slices("0", "3@0.99", "2@0.95", "0");
    Verdict elsewhere = Verdicts.of(s, CLASSES, HIGH, VerdictLimits.DEFAULTS, null, MODEL, TIMES);
    assertEquals("high", elsewhere.group());
    Verdict lumbar = Verdicts.of(s, CLASSES, HIGH, VerdictLimits.DEFAULTS, "LSPINE", MODEL, TIMES);
    assertEquals("indeterminate", lumbar.group());
    assertEquals(Verdict.REASON_BELOW_CONUS, lumbar.indeterminateReason());
    assertTrue(
        lumbar.indeterminateMessage().startsWith("Body part LSPINE: lumbar or sacral spine"));
    assertTrue(
        lumbar
            .indeterminateMessage()
            .endsWith("2 slices were called high, 2 with confidence: read manually."),
        lumbar.indeterminateMessage());
    assertEquals("3", lumbar.grade(), "the grade and its key images stay for the reader");
    assertEquals(elsewhere.keyImages(), lumbar.keyImages());
    Verdict clear =
        Verdicts.of(
            slices("0", "0", "1a"), CLASSES, HIGH, VerdictLimits.DEFAULTS, "SACRUM", MODEL, TIMES);
    assertEquals(Verdict.REASON_BELOW_CONUS, clear.indeterminateReason());
    assertTrue(clear.indeterminateMessage().contains("no slice was called high"));
    Verdict none =
        Verdicts.of(
            slices("-", "x"), CLASSES, HIGH, VerdictLimits.DEFAULTS, "LSPINE", MODEL, TIMES);
    assertEquals(Verdict.REASON_NOTHING_GRADED, none.indeterminateReason(), "nothing graded first");
  }

  /** Slices from {@link #slices}, the {@code i}-th withdrawn by the canal segmenter. */
  private static List<SliceResult> withdrawing(int[] withdrawn, String... spec) {
    List<SliceResult> s = new ArrayList<>(slices(spec));
    for (int i : withdrawn) {
      s.set(i, s.get(i).withTissue(3.5, true));
    }
    return s;
  }

  @Test
  void aWithdrawnHighCallIsNeitherHighNorLowEvenWithoutARuleOutThreshold() {
    List<SliceResult> s = withdrawing(new int[] {1, 2}, "0", "3@0.99", "2@0.95", "0");
    assertEquals(Boolean.FALSE, s.get(1).highCall());
    assertEquals(3.5, s.get(1).tumourInBoxMm2());
    Verdict v = Verdicts.of(s, CLASSES, HIGH, VerdictLimits.DEFAULTS, null, MODEL, TIMES);
    assertEquals(0, VerdictLimits.DEFAULTS.ruleOutThreshold(), "no rule-out threshold");
    assertEquals(Verdict.INDETERMINATE, v.group());
    assertEquals(Verdict.REASON_HIGH_WITHDRAWN, v.indeterminateReason());
    assertEquals(2, v.counts().withdrawnHighCalls());
    assertEquals(0, v.counts().highCalls());
    assertTrue(
        v.indeterminateMessage().startsWith("High grade called on 2 slices, but the canal"),
        v.indeterminateMessage());
    assertEquals("3", v.grade(), "the grade and its key image stay for the reader");

    Verdict kept =
        Verdicts.of(
            withdrawing(new int[] {1}, "0", "3@0.99", "2@0.95", "0"),
            CLASSES,
            HIGH,
            VerdictLimits.DEFAULTS,
            null,
            MODEL,
            TIMES);
    assertEquals(Verdict.HIGH, kept.group(), "a call the segmenter kept still makes it high");
    assertEquals(1, kept.counts().withdrawnHighCalls());

    Verdict lumbar = Verdicts.of(s, CLASSES, HIGH, VerdictLimits.DEFAULTS, "LSPINE", MODEL, TIMES);
    assertTrue(
        lumbar
            .indeterminateMessage()
            .endsWith("2 slices were called high, 0 with confidence: read manually."),
        lumbar.indeterminateMessage());
  }

  @Test
  void aCanalLostBetweenBoxedSlicesKeepsASeriesFromLow() {
    Verdict gap = verdict("0", "1a", "-", "0", "0");
    assertEquals(Verdict.INDETERMINATE, gap.group());
    assertEquals(Verdict.REASON_CANAL_LOST, gap.indeterminateReason());
    assertEquals(1, gap.counts().canalLostSlices());
    assertEquals(
        "No slice called high, but the canal was not found on 1 slice between slices where it"
            + " was: a lesion filling the canal can hide it, read manually.",
        gap.indeterminateMessage());
    // Missing boxes at the ends of the series are where the canal leaves the field of view.
    Verdict ends = verdict("-", "-", "0", "1a", "0", "-");
    assertEquals(Verdict.LOW, ends.group());
    assertEquals(0, ends.counts().canalLostSlices());
    // An unreadable slice is not a lost canal; a high call still makes the series high.
    assertEquals(Verdict.LOW, verdict("0", "x", "0").group());
    assertEquals(Verdict.HIGH, verdict("0", "-", "2@0.95", "0").group());
  }
}
