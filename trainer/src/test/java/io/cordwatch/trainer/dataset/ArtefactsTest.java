package io.cordwatch.trainer.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArtefactsTest {

  private static final int N = 32;

  /** Dark left half, bright right half: one vertical edge at column N/2. */
  private static float[] step() {
    float[] p = new float[N * N];
    for (int y = 0; y < N; y++) {
      for (int x = N / 2; x < N; x++) {
        p[y * N + x] = 0.7f;
      }
    }
    for (int i = 0; i < p.length; i++) {
      p[i] += 0.15f;
    }
    return p;
  }

  private static Artefacts.Draw only(
      double kept, double blur, double ghost, boolean rowsArePhase, double bias, double noise) {
    return new Artefacts.Draw(kept, blur, ghost, 0.25, rowsArePhase, bias, 0, noise, 0, 9);
  }

  @Test
  void noneDrawsNothingAndConsumesNoRandomness() {
    Random a = new Random(5);
    assertSame(Artefacts.Draw.NONE, Artefacts.none().draw(a));
    assertEquals(new Random(5).nextLong(), a.nextLong());
    float[] p = step();
    Artefacts.Draw.NONE.apply(p, N);
    assertArrayEquals(step(), p, 0f);
  }

  @Test
  void kSpaceTruncationRingsBesideAnEdgeAndKeepsFlatAreasFlat() {
    float[] p = step();
    only(0.35, 0, 0, true, 0, 0).apply(p, N);
    int row = 10 * N;
    // Gibbs: overshoot on the bright side, undershoot on the dark side, near the edge.
    float max = 0;
    float min = 1;
    for (int x = 0; x < N; x++) {
      max = Math.max(max, p[row + x]);
      min = Math.min(min, p[row + x]);
    }
    assertTrue(max > 0.86f, "overshoot " + max);
    assertTrue(min < 0.14f, "undershoot " + min);
    // Mirrored borders: the crop's own edges do not ring, and every row is alike (no vertical
    // edge).
    assertEquals(0.15f, p[row], 0.01f);
    assertEquals(0.85f, p[row + N - 1], 0.01f);
    assertArrayEquals(
        Arrays.copyOfRange(p, row, row + N), Arrays.copyOfRange(p, 20 * N, 21 * N), 1e-6f);
  }

  @Test
  void blurActsAlongThePhaseAxisOnly() {
    float[] across = step();
    only(1, 2, 0, false, 0, 0).apply(across, N); // phase along the rows: the edge is smeared
    float[] along = step();
    only(1, 2, 0, true, 0, 0).apply(along, N); // phase down the columns: the edge is untouched
    assertArrayEquals(step(), along, 1e-6f);
    float mid = across[5 * N + N / 2];
    assertTrue(mid > 0.2f && mid < 0.8f, "blurred edge " + mid);
  }

  @Test
  void ghostsAddShiftedCopiesAndBiasTiltsTheImage() {
    float[] ghosted = step();
    only(1, 0, 0.1, false, 0, 0).apply(ghosted, N);
    // A shifted copy of the bright half lands on the dark half (a quarter crop away).
    assertTrue(ghosted[3 * N + N / 2 - 2] > 0.15f + 0.02f);
    float[] flat = new float[N * N];
    Arrays.fill(flat, 0.5f);
    only(1, 0, 0, true, 1, 0).apply(flat, N); // gradient along x (angle 0)
    assertTrue(flat[N - 1] > flat[0] * 2, flat[0] + " .. " + flat[N - 1]);
  }

  @Test
  void drawsRepeatForTheSameSeedAndStayInRange() {
    Artefacts a = Artefacts.standard();
    for (int seed = 0; seed < 50; seed++) {
      Artefacts.Draw d = a.draw(new Random(seed));
      assertEquals(d, a.draw(new Random(seed)));
      assertTrue(d.kSpaceKept() >= 0.3 && d.kSpaceKept() <= 1);
      assertTrue(d.blurSd() >= 0 && d.blurSd() <= 3);
      assertTrue(d.ghost() >= 0 && d.ghost() <= 0.15);
      float[] p = step();
      d.apply(p, N);
      for (float v : p) {
        assertTrue(v >= 0 && v <= 1, "clipped to the unit range: " + v);
      }
      float[] q = step();
      d.apply(q, N);
      assertArrayEquals(p, q, 0f);
    }
    assertThrows(IllegalArgumentException.class, () -> new Artefacts(2, 1, 0, 0, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Artefacts(0.5, 0.05, 0, 0, 0, 0, 0));
  }
}
