package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.SeriesBaseline;
import io.cordwatch.infer.VerdictLimits;
import io.cordwatch.roi.CanalBox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The series baseline discount: what it takes off, what it calls, and that it never says low. */
class BaselineDiscountTest {
  private static final OptionalDouble TRIAGE = OptionalDouble.of(0.3);
  private static final double BAND = 0.98;
  private static final double RULE_OUT = 0.1;
  private static final SeriesBaseline BASELINE = new SeriesBaseline(0.1, 20, -4);
  private static final VerdictLimits LIMITS =
      new VerdictLimits(0.25, 0.5, BAND, RULE_OUT).withSeriesBaseline(BASELINE);
  private static final Verdict.Model MODEL = new Verdict.Model("m", "onnx", "test", false);
  private static final Verdict.Timings TIMES = new Verdict.Timings(1, 2, 3, 0, 6);

  /** A graded series: {@code n} slices at P(high) {@code rest}, then the given lesion slices. */
  private static List<SliceResult> series(int n, double rest, double... lesion) {
    List<SliceResult> out = new ArrayList<>();
    for (int i = 0; i < n + lesion.length; i++) {
      double p = i < n ? rest : lesion[i - n];
      out.add(
          SliceResult.graded(
              "1.2.3." + (i + 1),
              1,
              p >= 0.5 ? "2" : "0",
              Map.of("0", 1 - p, "2", p),
              new CanalBox(1, 1, 9, 9),
              "localizer",
              0.5,
              false,
              (double) i,
              p,
              p >= TRIAGE.getAsDouble()));
    }
    return out;
  }

  private static Verdict verdict(List<SliceResult> slices, BaselineDiscount d) {
    return Verdicts.of(
        slices, Bundle.DEFAULT_CLASSES, Bundle.DEFAULT_HIGH_GRADE, d, null, MODEL, TIMES);
  }

  @Test
  void aSeriesWhoseEverySliceScoresHighLosesItsConfidentCallButIsNeverLow() {
    // Every slice at P(high) 0.5 (logit 0): the normal level lies 4 logits above the reference.
    List<SliceResult> s = series(23, 0.5, 0.995);
    BaselineDiscount d = BaselineDiscount.apply(s, TRIAGE, LIMITS);
    assertEquals(4.0, d.logits(), 1e-9);
    double raisedBand = 1 / (1 + Math.exp(-(Math.log(BAND / (1 - BAND)) + 4)));
    assertEquals(raisedBand, d.limits().confidentHighThreshold(), 1e-12);
    assertEquals(RULE_OUT, d.limits().ruleOutThreshold(), 0, "the rule-out is never raised");
    assertEquals(1, d.takenBack());
    // 0.5 is no longer a high call (the raised triage threshold is 0.959); 0.995 still is.
    assertEquals(false, s.get(0).highCall());
    assertEquals(true, s.get(23).highCall());
    assertEquals(0.5, s.get(0).pHigh(), 0, "the slice keeps the P(high) the model gave");

    Verdict v = verdict(s, d);
    assertEquals(Verdict.INDETERMINATE, v.group());
    assertEquals(Verdict.REASON_BASELINE_RAISED, v.indeterminateReason());
    assertEquals(1, v.counts().discountedHighCalls());
    assertTrue(v.indeterminateMessage().contains("by 4.00 logits"), v.indeterminateMessage());
  }

  @Test
  void aNormalSeriesWithALesionIsNotDiscounted() {
    List<SliceResult> s = series(24, 0.001, 0.995, 0.999);
    BaselineDiscount d = BaselineDiscount.apply(s, TRIAGE, LIMITS);
    assertEquals(0, d.logits());
    assertEquals(LIMITS, d.limits());
    assertTrue(d.inForce(), "the baseline was applied; no discount was due");
    Verdict v = verdict(s, d);
    assertEquals(Verdict.HIGH, v.group());
    assertEquals(0, v.counts().discountedHighCalls());
  }

  @Test
  void aStrongCallSurvivesTheDiscount() {
    // Level 0.5 (4 logits above), but one slice so sure that it stays above the raised band.
    List<SliceResult> s = series(23, 0.5, 0.99999);
    BaselineDiscount d = BaselineDiscount.apply(s, TRIAGE, LIMITS);
    assertEquals(0, d.takenBack());
    assertEquals(Verdict.HIGH, verdict(s, d).group());
  }

  @Test
  void withoutConfidentCallsADiscountedSeriesIsPossibleHighNotLow() {
    List<SliceResult> s = series(30, 0.5);
    BaselineDiscount d = BaselineDiscount.apply(s, TRIAGE, LIMITS);
    assertTrue(d.logits() > 0);
    Verdict v = verdict(s, d);
    assertEquals(Verdict.INDETERMINATE, v.group());
    assertEquals(Verdict.REASON_POSSIBLE_HIGH, v.indeterminateReason());
    assertNotEquals(Verdict.LOW, v.group());
  }

  @Test
  void aShortSeriesIsNeverDiscounted() {
    List<SliceResult> s = series(18, 0.5, 0.995);
    BaselineDiscount d = BaselineDiscount.apply(s, TRIAGE, LIMITS);
    assertEquals(0, d.logits(), "19 graded slices, 20 needed");
    assertEquals(Verdict.HIGH, verdict(s, d).group());
  }

  @Test
  void noBaselineOrNoThresholdMeansNoDiscount() {
    VerdictLimits plain = new VerdictLimits(0.25, 0.5, BAND, RULE_OUT);
    List<SliceResult> s = series(23, 0.5, 0.995);
    assertEquals(BaselineDiscount.none(plain), BaselineDiscount.apply(s, TRIAGE, plain));
    assertEquals(
        BaselineDiscount.none(LIMITS), BaselineDiscount.apply(s, OptionalDouble.empty(), LIMITS));
    assertEquals(true, s.get(0).highCall(), "the calls are left as made");
  }

  @Test
  void theModelSaysWhatTheSeriesWasJudgedBy() {
    List<SliceResult> s = series(23, 0.5, 0.995);
    BaselineDiscount d = BaselineDiscount.apply(s, TRIAGE, LIMITS);
    Verdict.Model m =
        new Verdict.Model("m", "onnx", "test", false, "threshold 0.3", LIMITS).discounted(d);
    assertEquals(4.0, m.baselineDiscount(), 1e-9);
    assertEquals(d.limits(), m.limits());
    assertTrue(m.decision().startsWith("threshold 0.3, raised to 0.9"), m.decision());
    // In force but none due: the verdict says 0; no baseline in force: it says nothing.
    assertEquals(
        0.0,
        new Verdict.Model("m", "onnx", "test", false, "threshold 0.3", LIMITS)
            .discounted(BaselineDiscount.apply(series(24, 0.001, 0.995), TRIAGE, LIMITS))
            .baselineDiscount());
    assertEquals(
        null,
        new Verdict.Model("m", "onnx", "test", false, "threshold 0.3", LIMITS)
            .discounted(BaselineDiscount.none(LIMITS))
            .baselineDiscount());
  }

  @Test
  void theReferenceIsAnUpperQuantileOfValidationLevels() {
    List<double[]> val = new ArrayList<>();
    for (int k = 0; k < 11; k++) {
      double p = 1 / (1 + Math.exp(-(-10 + k))); // levels -10 ... 0
      double[] slices = new double[20];
      java.util.Arrays.fill(slices, p);
      val.add(slices);
    }
    val.add(new double[] {0.9, 0.9}); // too short to have a level
    SeriesBaseline b = BaselineDiscount.choose(val, 0.1, 20, 0.9);
    assertEquals(-1.0, b.referenceLogit(), 1e-6);
    assertEquals(0.1, b.quantile());
    assertEquals(20, b.minSlices());
    IllegalArgumentException few =
        assertThrows(
            IllegalArgumentException.class,
            () -> BaselineDiscount.choose(val.subList(0, 5), 0.1, 20, 0.9));
    assertTrue(few.getMessage().contains("a reference needs 10"), few.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BaselineDiscount.choose(val, 0.1, 20, 0.3));
  }
}
