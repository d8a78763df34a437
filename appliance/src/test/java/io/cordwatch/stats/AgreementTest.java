package io.cordwatch.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgreementTest {
  private static final List<String> BILSKY = List.of("0", "1a", "1b", "1c", "2", "3");

  /**
   * Gwet, Handbook of Inter-Rater Reliability, 4th ed. (2014): 100 pregnant women classified by two
   * abstractors as ectopic, abnormal intrauterine (AIU) or normal intrauterine (NIU) pregnancy;
   * shipped as {@code cont3x3abstractors} with Gwet's R package irrCAC, whose published results are
   * AC1 = 0.849, 95% CI (0.764, 0.935); Cohen's kappa 0.796; linearly weighted kappa 0.843.
   *
   * <pre>
   *             Ectopic  AIU  NIU
   *   Ectopic      13     0    0
   *   AIU           0    20    7
   *   NIU           0     4   56
   * </pre>
   */
  private static final ConfusionMatrix ABSTRACTORS =
      ConfusionMatrix.of(
          List.of("ectopic", "AIU", "NIU"), new long[][] {{13, 0, 0}, {0, 20, 7}, {0, 4, 56}});

  /**
   * 223 psychiatric patients by clinical and research diagnosis (schizophrenia, bipolar,
   * depression, other), irrCAC's {@code cont4x4diagnosis}; published: AC1 = 0.456, SE 0.043, 95% CI
   * (0.371, 0.542); Cohen's kappa 0.432, SE 0.046; linearly weighted kappa 0.407.
   */
  private static final ConfusionMatrix DIAGNOSIS =
      ConfusionMatrix.of(
          List.of("schizophrenia", "bipolar", "depression", "other"),
          new long[][] {{40, 4, 4, 17}, {6, 25, 2, 13}, {4, 1, 21, 12}, {15, 5, 9, 45}});

  /**
   * Agresti, Categorical Data Analysis (2nd ed., 2002), Table 10.5: 91 couples, "sex is fun for me
   * and my partner" by husband (rows) and wife (never or occasionally / fairly often / very often /
   * almost always). Published with the Fleiss-Cohen-Everitt asymptotic SE (R vcd::Kappa on the
   * {@code SexualFun} data): kappa 0.1293, ASE 0.06860; equal-spacing (linear) weighted kappa
   * 0.2374, ASE 0.07832.
   */
  private static final ConfusionMatrix SEXUAL_FUN =
      ConfusionMatrix.of(
          List.of("never", "fairly", "very", "always"),
          new long[][] {{7, 7, 2, 3}, {2, 8, 3, 7}, {1, 5, 4, 9}, {2, 8, 9, 14}});

  @Test
  void ac1MatchesGwetsPublishedAbstractorsExample() {
    Interval ac1 = Agreement.gwetAc1(ABSTRACTORS);
    assertEquals(0.849, ac1.value(), 0.0005);
    assertEquals(0.764, ac1.lower(), 0.0005);
    assertEquals(0.935, ac1.upper(), 0.0005);
  }

  @Test
  void ac1AndItsStandardErrorMatchThePublishedDiagnosisExample() {
    Interval ac1 = Agreement.gwetAc1(DIAGNOSIS);
    assertEquals(0.456, ac1.value(), 0.0005);
    assertEquals(0.043, ac1.standardError(), 0.0005);
    assertEquals(0.371, ac1.lower(), 0.0005);
    assertEquals(0.542, ac1.upper(), 0.0005);
  }

  @Test
  void kappaValuesMatchThePublishedExamples() {
    assertEquals(0.796, Agreement.cohenKappa(ABSTRACTORS).value(), 0.0005);
    assertEquals(0.843, Agreement.linearWeightedKappa(ABSTRACTORS).value(), 0.0005);
    assertEquals(0.432, Agreement.cohenKappa(DIAGNOSIS).value(), 0.0005);
    assertEquals(0.046, Agreement.cohenKappa(DIAGNOSIS).standardError(), 0.0005);
    assertEquals(0.407, Agreement.linearWeightedKappa(DIAGNOSIS).value(), 0.0005);
  }

  @Test
  void kappaStandardErrorsAreFleissCohenEverittAsPublishedForAgrestisTable() {
    Interval k = Agreement.cohenKappa(SEXUAL_FUN);
    assertEquals(0.1293, k.value(), 0.00005);
    assertEquals(0.06860, k.standardError(), 0.000005);
    Interval kw = Agreement.linearWeightedKappa(SEXUAL_FUN);
    assertEquals(0.2374, kw.value(), 0.00005);
    assertEquals(0.07832, kw.standardError(), 0.000005);
    assertEquals(kw.value() - 1.96 * kw.standardError(), kw.lower(), 0.0005);
  }

  @Test
  void perfectAgreementGivesOneWithZeroWidthIntervals() {
    ConfusionMatrix m =
        ConfusionMatrix.of(List.of("a", "b", "c"), new long[][] {{5, 0, 0}, {0, 3, 0}, {0, 0, 2}});
    for (Interval i :
        List.of(Agreement.gwetAc1(m), Agreement.cohenKappa(m), Agreement.linearWeightedKappa(m))) {
      assertEquals(1, i.value(), 1e-12);
      assertEquals(0, i.standardError(), 1e-7);
      assertEquals(1, i.upper(), 1e-12);
      assertEquals(1, i.lower(), 1e-6);
    }
  }

  @Test
  void oneCategoryUsedByBothRatersIsPerfectAc1ButUndefinedKappa() {
    // All 40 slices grade 0 for both: the paradox AC1 was built for. Kappa is 0/0 here.
    long[][] t = new long[6][6];
    t[0][0] = 40;
    ConfusionMatrix m = ConfusionMatrix.of(BILSKY, t);
    Interval ac1 = Agreement.gwetAc1(m);
    assertEquals(1, ac1.value(), 1e-12);
    assertEquals(0, ac1.standardError(), 1e-12);
    assertFalse(Agreement.cohenKappa(m).defined());
    assertFalse(Agreement.linearWeightedKappa(m).defined());
  }

  @Test
  void highAgreementOnADominantCategoryKeepsAc1HighWhereKappaCollapses() {
    // 95 of 100 agree, nearly all in one category: kappa is low, AC1 stays near p_a (Gwet 2008).
    ConfusionMatrix m = ConfusionMatrix.of(List.of("high", "low"), new long[][] {{1, 3}, {2, 94}});
    assertTrue(Agreement.gwetAc1(m).value() > 0.94, () -> "" + Agreement.gwetAc1(m));
    assertTrue(Agreement.cohenKappa(m).value() < 0.3, () -> "" + Agreement.cohenKappa(m));
  }

  @Test
  void emptyCellsAndUnusedCategoriesAreAllowedAndCountInQ() {
    long[][] t = new long[6][6];
    t[0][0] = 30;
    t[3][3] = 5;
    t[3][4] = 1;
    t[4][4] = 4;
    Interval six = Agreement.gwetAc1(ConfusionMatrix.of(BILSKY, t));
    Interval three =
        Agreement.gwetAc1(
            ConfusionMatrix.of(
                List.of("0", "1c", "2"), new long[][] {{30, 0, 0}, {0, 5, 1}, {0, 0, 4}}));
    assertTrue(six.defined() && three.defined());
    // Chance agreement falls with more categories on offer, so AC1 rises.
    assertTrue(six.value() > three.value(), six + " vs " + three);
  }

  @Test
  void noSubjectsIsAClearError() {
    ConfusionMatrix empty = ConfusionMatrix.empty(BILSKY);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Agreement.gwetAc1(empty));
    assertTrue(e.getMessage().contains("n = 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Agreement.cohenKappa(empty));
    assertThrows(IllegalArgumentException.class, () -> Dichotomous.of(0, 0, 0, 0));
  }

  @Test
  void malformedTablesAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> ConfusionMatrix.of(List.of("a"), new long[][] {{1}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> ConfusionMatrix.of(List.of("a", "b"), new long[][] {{1, 2}, {3}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> ConfusionMatrix.of(List.of("a", "b"), new long[][] {{1, -2}, {3, 4}}));
  }

  @Test
  void dichotomizingBilskyCallsOneCAndAboveHigh() {
    long[][] t = new long[6][6];
    t[0][0] = 10; // TN
    t[2][3] = 2; // 1b read as 1c: FP
    t[3][2] = 1; // 1c read as 1b: FN
    t[5][4] = 3; // 3 read as 2: still TP
    ConfusionMatrix two = ConfusionMatrix.of(BILSKY, t).dichotomize(3);
    assertEquals(List.of("high", "low"), two.labels());
    Dichotomous d = Dichotomous.of(two);
    assertEquals(3, d.truePositives());
    assertEquals(1, d.falseNegatives());
    assertEquals(2, d.falsePositives());
    assertEquals(10, d.trueNegatives());
  }

  @Test
  void landisKochBandsFollowThePaperWithInclusiveUpperLimits() {
    assertEquals(LandisKoch.POOR, LandisKoch.of(-0.01));
    assertEquals(LandisKoch.SLIGHT, LandisKoch.of(0));
    assertEquals(LandisKoch.SLIGHT, LandisKoch.of(0.20));
    assertEquals(LandisKoch.FAIR, LandisKoch.of(0.205));
    assertEquals(LandisKoch.MODERATE, LandisKoch.of(0.6));
    assertEquals(LandisKoch.SUBSTANTIAL, LandisKoch.of(0.8));
    assertEquals(LandisKoch.ALMOST_PERFECT, LandisKoch.of(0.81));
    assertEquals("almost perfect", LandisKoch.of(1).label());
    assertThrows(IllegalArgumentException.class, () -> LandisKoch.of(Double.NaN));
  }
}
