package io.cordwatch.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShrinkageTest {
  private static final float[][] PARENT = {{0, 0}, {10, 0}, {0, 10}};

  private static EnrolledSlice slice(String study, int label, float x, float y) {
    return new EnrolledSlice(study, study + "." + x + "." + y, 1, label, new float[] {x, y});
  }

  @Test
  void prototypesMoveByTheSharedOffsetAndEachGradeByItsShrunkResidual() {
    List<EnrolledSlice> s = new ArrayList<>();
    // Four grade-1 slices with mean (14, 2), parent (10, 0), prior weight 4:
    // offset = 4 / (4 + 4) * (4, 2) = (2, 1); residual = (14, 2) - (12, 1) = (2, 1), kept half.
    s.add(slice("a", 1, 13, 1));
    s.add(slice("a", 1, 15, 3));
    s.add(slice("b", 1, 14, 2));
    s.add(slice("b", 1, 14, 2));
    Shrinkage.Fit fit = Shrinkage.fit(PARENT, 5.0, s, 4, 1);
    assertArrayEquals(new float[] {13, 1.5f}, fit.prototypes()[1], 1e-5f);
    // Grades with no slices move with the site's offset only.
    assertArrayEquals(new float[] {2, 1}, fit.prototypes()[0], 1e-5f);
    assertArrayEquals(new float[] {2, 11}, fit.prototypes()[2], 1e-5f);
    assertArrayEquals(new int[] {0, 4, 0}, fit.perGrade());
  }

  @Test
  void aSiteWideShiftMovesTheRareGradesWithTheCommonOne() {
    List<EnrolledSlice> s = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      s.add(slice("s" + i, 0, 5, 5)); // grade 0, moved by (5, 5)
    }
    s.add(slice("r", 2, 5, 15)); // one grade-2 slice, moved the same way
    Shrinkage.Fit fit = Shrinkage.fit(PARENT, 5.0, s, 10, 3);
    float[] rare = fit.prototypes()[2];
    // 201 / 211 of the shift, although grade 2 has a single slice (below the minimum).
    assertEquals(5 * 201.0 / 211, rare[0], 1e-4);
    assertEquals(10 + 5 * 201.0 / 211, rare[1], 1e-4);
  }

  @Test
  void aGradeBelowTheMinimumKeepsNoResidualOfItsOwn() {
    List<EnrolledSlice> s = List.of(slice("a", 2, 50, 50), slice("b", 2, 52, 50));
    Shrinkage.Fit fit = Shrinkage.fit(PARENT, 5.0, s, 1, 3);
    // offset = 2 / 3 * mean((50, 40), (52, 40)) = (34, 26.67); no residual below 3 slices.
    assertArrayEquals(new float[] {34, 10 + 80f / 3}, fit.prototypes()[2], 1e-4f);
    assertEquals(2, fit.perGrade()[2]);
  }

  @Test
  void oodScaleIsTheLocal99thPercentileAveragedWithTheParentsByTheSameWeight() {
    List<EnrolledSlice> s = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      s.add(slice("s" + i, 0, 0, i < 99 ? 1 : 30)); // distances^2 about 1, one outlier
    }
    // The 99th percentile of 100 distances is the 99th smallest: a slice at (0, 1).
    Shrinkage.Fit fit = Shrinkage.fit(PARENT, 3.0, s, 100, 1);
    double local = Math.pow(1 - fit.prototypes()[0][1], 2);
    assertEquals((100 * local + 100 * 3.0) / 200, fit.oodScale(), 1e-6);
  }

  @Test
  void refusesANonPositiveWeight() {
    assertThrows(IllegalArgumentException.class, () -> Shrinkage.fit(PARENT, 1, List.of(), 0, 1));
  }
}
