package io.cordwatch.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cordwatch.grade.bilsky.Grade;
import org.junit.jupiter.api.Test;

/** Over 50 studies, each style's grade mix is within a few points of its targets (BILSKY.md). */
class StyleStatisticsTest {
  @Test
  void internalStyleIsAboutEightPercentHighGrade() {
    check(StudyPlan.Style.INTERNAL, 0.78, 0.08);
  }

  @Test
  void externalStyleIsAboutTwentyTwoPercentHighGrade() {
    check(StudyPlan.Style.EXTERNAL, 0.62, 0.22);
  }

  private static void check(StudyPlan.Style style, double zero, double high) {
    int[] counts = new int[Grade.values().length];
    int total = 0;
    for (int s = 0; s < 50; s++) {
      StudyPlan plan = StudyPlan.plan(2026, s, style, 48);
      for (int i = 0; i < plan.slices().size(); i++) {
        counts[BilskyGrader.grade(plan.model(i)).grade().ordinal()]++;
        total++;
      }
    }
    int highCount = counts[3] + counts[4] + counts[5];
    assertEquals(zero, counts[0] / (double) total, 0.03, "grade 0 share");
    assertEquals(high, highCount / (double) total, 0.03, "high-grade share");
    double[] targets = style.targets();
    for (Grade g : Grade.values()) {
      assertEquals(targets[g.ordinal()], counts[g.ordinal()] / (double) total, 0.02, g.label());
    }
  }
}
