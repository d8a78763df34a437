package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PrototypeHeadTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  /** Three prototypes on a line in 2-D: (0,0), (2,0), (4,0). */
  private static final float[][] LINE = {{0, 0}, {2, 0}, {4, 0}};

  @Test
  void handMadeEmbeddingGivesPinnedDistancesProbabilitiesAndGrade() {
    PrototypeHead head = new PrototypeHead(LINE, 2, 1, INF);

    SliceGrade g = head.grade(new float[] {1.5f, 0});

    assertArrayEquals(new float[] {2.25f, 0.25f, 6.25f}, g.squaredDistances(), 0f);
    assertEquals(1, g.grade());
    // softmax(-d / 2) = exp(-(d - 0.25) / 2) / sum = (e^-1, 1, e^-3) / (1 + e^-1 + e^-3)
    double z = 1 + Math.exp(-1) + Math.exp(-3);
    assertArrayEquals(
        new float[] {(float) (Math.exp(-1) / z), (float) (1 / z), (float) (Math.exp(-3) / z)},
        g.probabilities(),
        1e-7f);
    assertEquals(0.25f, g.oodScore(), 0f);
    assertFalse(g.uncertain());
  }

  @Test
  void oodScoreIsNearestSquaredDistanceOverScaleAndAboveThresholdMarksUncertain() {
    PrototypeHead head = new PrototypeHead(LINE, 2, 4, 2.0);

    SliceGrade near = head.grade(new float[] {2, 2});
    SliceGrade far = head.grade(new float[] {2, 3});

    assertEquals(1.0f, near.oodScore(), 0f);
    assertFalse(near.uncertain());
    assertEquals(2.25f, far.oodScore(), 0f);
    assertTrue(far.uncertain());
    assertEquals(1, far.grade(), "an uncertain slice still reports its grade");
  }

  @Test
  void exactTieGoesToTheLowestClassIndexWithEqualProbabilities() {
    PrototypeHead head = new PrototypeHead(LINE, 2, 1, INF);

    SliceGrade g = head.grade(new float[] {1, 0});

    assertEquals(0, g.grade());
    assertEquals(g.probabilities()[0], g.probabilities()[1], 0f);
    assertEquals(PrototypeHead.reference(wide(LINE), 2, 1, INF, new double[] {1, 0}).grade(), 0);
  }

  @Test
  void hugeDistancesGiveNoNaN() {
    PrototypeHead head = new PrototypeHead(new float[][] {{0}, {1e19f}, {-1e19f}}, 2, 1, 1e6);

    SliceGrade g = head.grade(new float[] {3e38f});

    assertEquals(Float.POSITIVE_INFINITY, g.squaredDistances()[0]);
    for (float p : g.probabilities()) {
      assertFalse(Float.isNaN(p), java.util.Arrays.toString(g.probabilities()));
    }
    assertEquals(1f, sum(g.probabilities()), 1e-6f);
    assertTrue(g.uncertain());
  }

  @Test
  void infiniteDistanceToSomeClassesLeavesTheirProbabilityZero() {
    PrototypeHead head = new PrototypeHead(new float[][] {{0}, {-2e19f}}, 2, 1, INF);

    SliceGrade g = head.grade(new float[] {1e19f});

    assertEquals(1e38f, g.squaredDistances()[0], 1e32f);
    assertEquals(Float.POSITIVE_INFINITY, g.squaredDistances()[1]);
    assertEquals(0, g.grade());
    assertArrayEquals(new float[] {1, 0}, g.probabilities(), 0f);
  }

  @Test
  void tinyTemperatureIsOneHotOnTheNearestAndHugeTemperatureIsUniform() {
    float[] e = {1.5f, 0};

    SliceGrade cold = new PrototypeHead(LINE, 1e-30, 1, INF).grade(e);
    SliceGrade hot = new PrototypeHead(LINE, 1e30, 1, INF).grade(e);

    assertArrayEquals(new float[] {0, 1, 0}, cold.probabilities(), 0f);
    assertArrayEquals(new float[] {1 / 3f, 1 / 3f, 1 / 3f}, hot.probabilities(), 1e-7f);
    assertEquals(1, hot.grade(), "the grade is the nearest prototype whatever T");
  }

  @Test
  void brokenEmbeddingIsRefusedRatherThanGraded() {
    PrototypeHead head = new PrototypeHead(LINE, 2, 1, INF);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> head.grade(new float[] {Float.NaN, 0}));
    assertTrue(e.getMessage().contains("NaN at index 0"), e.getMessage());
  }

  /**
   * Float path against the double reference on ResNet50-sized random inputs. Tolerance: distances
   * within 1e-5 relative (eight float partial sums over D = 2048), probabilities within 1e-4
   * absolute, and the same grade unless the reference's two nearest distances are within 1e-5
   * relative of each other (a float cannot order them).
   */
  @Test
  void floatPathAgreesWithDoubleReferenceOnRandomInputs() {
    Random r = new Random(20260601);
    int k = 6;
    int d = 2048;
    double worstDist = 0;
    double worstProb = 0;
    for (double t : new double[] {0.5, 2, 50}) {
      for (int trial = 0; trial < 40; trial++) {
        float[][] protos = new float[k][d];
        for (float[] row : protos) {
          for (int j = 0; j < d; j++) {
            row[j] = r.nextFloat();
          }
        }
        float[] e = new float[d];
        int near = r.nextInt(k);
        for (int j = 0; j < d; j++) {
          e[j] = protos[near][j] + (float) (r.nextGaussian() * 0.2);
        }
        PrototypeHead head = new PrototypeHead(protos, t, 100, 500);
        SliceGrade g = head.grade(e);
        ReferenceGrade ref = PrototypeHead.reference(wide(protos), t, 100, 500, wide(e));

        for (int c = 0; c < k; c++) {
          double rel =
              Math.abs(g.squaredDistances()[c] - ref.squaredDistances()[c])
                  / ref.squaredDistances()[c];
          worstDist = Math.max(worstDist, rel);
          worstProb = Math.max(worstProb, Math.abs(g.probabilities()[c] - ref.probabilities()[c]));
        }
        assertEquals(ref.grade(), g.grade());
        assertEquals(ref.uncertain(), g.uncertain());
        assertEquals(ref.oodScore(), g.oodScore(), 1e-5 * ref.oodScore());
      }
    }
    System.out.printf(
        "prototype head float vs reference: distance rel %.3g, probability abs %.3g%n",
        worstDist, worstProb);
    assertTrue(worstDist <= 1e-5, "distance relative error " + worstDist);
    assertTrue(worstProb <= 1e-4, "probability absolute error " + worstProb);
  }

  private static float sum(float[] v) {
    float s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }

  private static double[] wide(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static double[][] wide(float[][] v) {
    double[][] out = new double[v.length][];
    for (int i = 0; i < v.length; i++) {
      out[i] = wide(v[i]);
    }
    return out;
  }
}
