package io.cordwatch.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.adapt.CrossValidatedOperatingPoint.Scored;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The site threshold chosen on other studies and applied to held-out ones, against the in-sample
 * figures of {@link OperatingPoint}, on four studies of one high-grade and one low-grade slice each
 * (P(high) of the high slice, then the low one): S1 0.9 / 0.2, S2 0.6 / 0.5, S3 0.3 / 0.1, S4 0.8 /
 * 0.4. Target sensitivity 1: every threshold is the lowest high-grade P(high) it is chosen on.
 */
class CrossValidatedOperatingPointTest {
  private static final List<Scored> SLICES =
      List.of(
          new Scored("S1", 0.9, true),
          new Scored("S1", 0.2, false),
          new Scored("S2", 0.6, true),
          new Scored("S2", 0.5, false),
          new Scored("S3", 0.3, true),
          new Scored("S3", 0.1, false),
          new Scored("S4", 0.8, true),
          new Scored("S4", 0.4, false));

  @Test
  void inSampleTheTargetIsMetByConstructionButHeldOutItIsNot() {
    // In sample: threshold 0.3 (S3's high slice); all 4 high slices found, low slices below 0.3
    // are 0.2 and 0.1: specificity 2/4.
    OperatingPoint in =
        OperatingPoint.forSensitivity(
            new double[] {0.9, 0.6, 0.3, 0.8}, new double[] {0.2, 0.5, 0.1, 0.4}, 1.0);
    assertEquals(0.3, in.threshold());
    assertEquals(1.0, in.sensitivity().value());
    assertEquals(0.5, in.specificity().value());

    // Two folds, {S1, S2} and {S3, S4}. Fold 1 held out: chosen on S3, S4 -> 0.3; S1, S2's high
    // slices 0.9, 0.6 found, low 0.2 rejected, 0.5 not. Fold 2 held out: chosen on S1, S2 -> 0.6;
    // S3's high 0.3 missed, S4's 0.8 found; low 0.1, 0.4 both rejected. Pooled: 3/4 and 3/4.
    CrossValidatedOperatingPoint cv =
        CrossValidatedOperatingPoint.of(
            SLICES, 1.0, 2, 0, Map.of("S1", 0, "S2", 0, "S3", 1, "S4", 1));
    assertNull(cv.notEstimated());
    assertEquals(List.of(0.3, 0.6), cv.thresholds());
    assertEquals(3, cv.found());
    assertEquals(4, cv.positives());
    assertEquals(3, cv.rejected());
    assertEquals(4, cv.negatives());
    assertEquals(0.75, cv.sensitivity().value());
    assertEquals(0.75, cv.specificity().value());
    // Exact interval of 3/4: the lower end solves I_x(3, 2) = 4x^3 - 3x^4 = 0.025, the upper
    // end I_x(4, 1) = x^4 = 0.975.
    double lo = cv.sensitivity().lower();
    assertEquals(0.025, 4 * Math.pow(lo, 3) - 3 * Math.pow(lo, 4), 1e-9);
    assertEquals(Math.pow(0.975, 0.25), cv.sensitivity().upper(), 1e-9);
    assertTrue(lo > 0.19 && lo < 0.20, "lower end " + lo);
  }

  @Test
  void leaveOneStudyOutGivesTheSameFiguresWhateverTheSeed() {
    // Four folds of four studies: each fold is one study, so the shuffle does not matter.
    // S1 out: chosen on 0.6, 0.3, 0.8 -> 0.3; 0.9 found, 0.2 rejected. S2 out: -> 0.3; 0.6 found,
    // 0.5 not rejected. S3 out: chosen on 0.9, 0.6, 0.8 -> 0.6; 0.3 missed, 0.1 rejected. S4 out:
    // -> 0.3; 0.8 found, 0.4 not rejected. Pooled: sensitivity 3/4, specificity 2/4.
    for (long seed : new long[] {1, 7, 42}) {
      CrossValidatedOperatingPoint cv = CrossValidatedOperatingPoint.of(SLICES, 1.0, 4, seed);
      assertNull(cv.notEstimated());
      assertEquals(4, cv.studies());
      assertEquals(3, cv.found(), "seed " + seed);
      assertEquals(4, cv.positives());
      assertEquals(2, cv.rejected(), "seed " + seed);
      assertEquals(4, cv.negatives());
      List<Double> sorted = new ArrayList<>(cv.thresholds());
      sorted.sort(null);
      assertEquals(List.of(0.3, 0.3, 0.3, 0.6), sorted);
    }
  }

  @Test
  void tooFewStudiesForTheFoldsGiveNoFigures() {
    CrossValidatedOperatingPoint cv = CrossValidatedOperatingPoint.of(SLICES, 0.95, 5, 1);
    assertTrue(
        cv.notEstimated().startsWith("4 studies, fewer than the 5 folds"), cv.notEstimated());
    assertNull(cv.sensitivity());
    assertNull(cv.specificity());
    assertTrue(cv.thresholds().isEmpty());
    assertThrows(AdaptException.class, () -> CrossValidatedOperatingPoint.of(SLICES, 0.95, 1, 1));
  }

  @Test
  void aFoldWhoseOtherStudiesHoldNoHighSliceGivesNoFigures() {
    // Only S1 has a high-grade slice: holding S1's fold out leaves nothing to choose from.
    List<Scored> one =
        List.of(
            new Scored("S1", 0.9, true),
            new Scored("S2", 0.5, false),
            new Scored("S3", 0.1, false));
    CrossValidatedOperatingPoint cv =
        CrossValidatedOperatingPoint.of(one, 1.0, 3, 0, Map.of("S1", 0, "S2", 1, "S3", 2));
    assertTrue(cv.notEstimated().contains("outside fold 1 of 3"), cv.notEstimated());
    assertNull(cv.sensitivity());
  }
}
