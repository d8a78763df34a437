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
  void aGradesPrototypeIsItsLocalMeanShrunkTowardTheParentByThePriorWeight() {
    List<EnrolledSlice> s = new ArrayList<>();
    // Four grade-1 slices with mean (14, 2); prior weight 4: half way from (10, 0).
    s.add(slice("a", 1, 13, 1));
    s.add(slice("a", 1, 15, 3));
    s.add(slice("b", 1, 14, 2));
    s.add(slice("b", 1, 14, 2));
    Shrinkage.Fit fit = Shrinkage.fit(PARENT, 5.0, s, 4, 1);
    assertArrayEquals(new float[] {12, 1}, fit.prototypes()[1], 1e-5f);
    // Grades with no slices keep the parent's prototype exactly.
    assertArrayEquals(PARENT[0], fit.prototypes()[0], 0f);
    assertArrayEquals(PARENT[2], fit.prototypes()[2], 0f);
    assertArrayEquals(new int[] {0, 4, 0}, fit.perGrade());
  }

  @Test
  void aGradeBelowTheMinimumKeepsTheParentsPrototype() {
    List<EnrolledSlice> s = List.of(slice("a", 2, 50, 50), slice("b", 2, 52, 50));
    Shrinkage.Fit fit = Shrinkage.fit(PARENT, 5.0, s, 1, 3);
    assertArrayEquals(PARENT[2], fit.prototypes()[2], 0f);
    assertEquals(2, fit.perGrade()[2]);
  }

  @Test
  void oodScaleIsTheLocal99thPercentileAveragedWithTheParentsByTheSameWeight() {
    List<EnrolledSlice> s = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      s.add(slice("s" + i, 0, 0, i < 99 ? 1 : 30)); // distances^2 about 1, one outlier
    }
    // w = 100: the new prototype is half way to the local mean (0, 1.29) -> (0, 0.645);
    // the 99th percentile of 100 distances is the 99th smallest, (1 - 0.645)^2.
    Shrinkage.Fit fit = Shrinkage.fit(PARENT, 3.0, s, 100, 1);
    double local = Math.pow(1 - fit.prototypes()[0][1], 2);
    assertEquals((100 * local + 100 * 3.0) / 200, fit.oodScale(), 1e-6);
  }

  @Test
  void refusesANonPositiveWeight() {
    assertThrows(IllegalArgumentException.class, () -> Shrinkage.fit(PARENT, 1, List.of(), 0, 1));
  }
}
