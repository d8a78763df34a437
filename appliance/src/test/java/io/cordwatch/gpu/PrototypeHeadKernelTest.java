package io.cordwatch.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cordwatch.gpu.KernelReference.HeadCase;
import io.cordwatch.grade.ReferenceGrade;
import io.cordwatch.grade.SliceGrade;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * cw_prototype_head_run (host build) against {@link io.cordwatch.grade.PrototypeHead}: the double
 * reference within 1e-5 relative on distances and ood and 1e-4 absolute on probabilities (the
 * tolerances docs/model-bundle.md gives the float path), the same grade wherever the nearest
 * prototype is clear of the runner-up by more than that; and the Java float path's distances bit
 * for bit, since the host build sums in the same eight lanes.
 */
class PrototypeHeadKernelTest {

  static List<HeadCase> cases() {
    SplittableRandom r = new SplittableRandom(515);
    return List.of(
        KernelReference.headCase("one class", r, 3, 1, 2048, 2),
        KernelReference.headCase("width 1", r, 4, 6, 1, 2),
        KernelReference.headCase("D = 31, not a multiple of 32 or 8", r, 5, 6, 31, 2),
        KernelReference.headCase("D = 33", r, 5, 7, 33, 0.5),
        KernelReference.headCase("D = 2047", r, 4, 6, 2047, 2),
        KernelReference.headCase("production shape", r, 64, 6, 2048, 2),
        KernelReference.headCase("many classes", r, 3, 1024, 16, 1),
        KernelReference.headCase("cold temperature", r, 8, 6, 256, 1e-3),
        KernelReference.headCase("hot temperature", r, 8, 6, 256, 1e6),
        KernelReference.headCase("no rows", r, 0, 6, 2048, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostBuildMatchesTheReference(HeadCase c) {
    HostRun.Head got = HostRun.head(c);
    int k = c.k();
    double worstD = 0;
    double worstP = 0;
    double worstO = 0;
    for (int i = 0; i < c.n(); i++) {
      ReferenceGrade ref = c.reference(i);
      assertEquals(-1, got.bad()[i], "row " + i + " is finite");
      for (int j = 0; j < k; j++) {
        double rd = ref.squaredDistances()[j];
        double dd = Math.abs(got.distances()[i * k + j] - rd) / Math.max(rd, Double.MIN_NORMAL);
        double dp = Math.abs(got.probabilities()[i * k + j] - ref.probabilities()[j]);
        if (!(dd <= KernelReference.HEAD_RELATIVE) || !(dp <= KernelReference.HEAD_PROBABILITY)) {
          fail(
              c
                  + " row "
                  + i
                  + " class "
                  + j
                  + ": distance error "
                  + dd
                  + ", probability error "
                  + dp);
        }
        worstD = Math.max(worstD, dd);
        worstP = Math.max(worstP, dp);
      }
      double dO = Math.abs(got.ood()[i] - ref.oodScore()) / ref.oodScore();
      assertTrue(dO <= KernelReference.HEAD_RELATIVE, c + " row " + i + " ood error " + dO);
      worstO = Math.max(worstO, dO);
      if (KernelReference.clearlyNearest(ref)) {
        assertEquals(ref.grade(), got.grades()[i], c + " row " + i);
      }
    }
    System.out.printf(
        "prototype head %s: max relative distance error %.3g, max probability error %.3g,"
            + " max relative ood error %.3g%n",
        c, worstD, worstP, worstO);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void distancesEqualTheJavaFloatPathBitForBit(HeadCase c) {
    HostRun.Head got = HostRun.head(c);
    for (int i = 0; i < c.n(); i++) {
      SliceGrade f = c.floatPath(i);
      float[] row = java.util.Arrays.copyOfRange(got.distances(), i * c.k(), (i + 1) * c.k());
      assertArrayEquals(f.squaredDistances(), row, 0f, c + " row " + i);
      assertEquals(f.grade(), got.grades()[i], c + " row " + i);
    }
  }

  @Test
  void nonFiniteRowsAreFlaggedAndTheOthersStillGraded() {
    HeadCase c = KernelReference.headCase("faults", new SplittableRandom(3), 5, 6, 100, 2);
    c.embeddings()[1][17] = Float.NaN;
    c.embeddings()[3][99] = Float.POSITIVE_INFINITY;
    c.embeddings()[3][40] = Float.NEGATIVE_INFINITY;
    HostRun.Head got = HostRun.head(c);
    assertArrayEquals(new int[] {-1, 17, -1, 40, -1}, got.bad());
    for (int i : new int[] {1, 3}) {
      assertEquals(-1, got.grades()[i]);
      assertTrue(Float.isNaN(got.ood()[i]));
      for (int j = 0; j < 6; j++) {
        assertTrue(Float.isNaN(got.probabilities()[i * 6 + j]));
      }
    }
    for (int i : new int[] {0, 2, 4}) {
      assertEquals(c.floatPath(i).grade(), got.grades()[i]);
    }
    KernelException e =
        assertThrows(KernelException.class, () -> KernelLibrary.checkRows(got.bad()));
    assertEquals(KernelException.Code.NON_FINITE, e.code());
    assertTrue(e.getMessage().startsWith("embedding row 1 holds a non-finite value at index 17"));
  }

  @Test
  void overflowingDistancesGiveAUniformDistributionNotNaN() {
    float[][] p = {{0, 0}, {1, 1}, {2, 2}};
    float[][] e = {{3e38f, -3e38f}};
    HeadCase c = new HeadCase("overflow", e, p, 2, 1);
    HostRun.Head got = HostRun.head(c);
    SliceGrade java = c.floatPath(0);
    assertEquals(java.grade(), got.grades()[0]);
    assertArrayEquals(java.probabilities(), got.probabilities(), 0f);
    assertEquals(1 / 3f, got.probabilities()[0], 1e-7);
    assertEquals(Float.POSITIVE_INFINITY, got.ood()[0]);
  }

  @Test
  void tiesGoToTheLowestClass() {
    float[][] p = {{1, 0}, {0, 1}, {1, 0}};
    float[][] e = {{0.5f, 0.5f}, {1, 0}};
    HostRun.Head got = HostRun.head(new HeadCase("ties", e, p, 1, 1));
    assertEquals(0, got.grades()[0]);
    assertEquals(0, got.grades()[1]);
    assertEquals(1 / 3f, got.probabilities()[0], 1e-7);
  }
}
