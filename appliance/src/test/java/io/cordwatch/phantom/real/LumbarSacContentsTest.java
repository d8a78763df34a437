package io.cordwatch.phantom.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lumbar sac's box holds the roots that settle at its back, not only the CSF in front of them,
 * and not the bright fat beside the sac or the vertebra in front of it.
 */
class LumbarSacContentsTest {
  private static final int W = 80;
  private static final int H = 200;

  /**
   * A drawn slice at 0.5 mm: the body in rows 20-170, a vertebral body with bright marrow touching
   * the dura (rows 20-107), a sac of rows 110-139 and columns 25-54 whose front half is CSF (1000)
   * and back half roots (600) with CSF between them, a dark dura ring, bright fat (950) beside the
   * sac and a fat triangle behind it.
   */
  private static AxialSlice drawn() {
    float[] p = new float[W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        float v = y >= 20 && y <= 170 ? 150 : 5;
        if (y >= 20 && y < 108) {
          v = 700;
        }
        boolean inSac = x >= 25 && x <= 54 && y >= 110 && y <= 139;
        boolean ring = x >= 23 && x <= 56 && y >= 108 && y <= 141 && !inSac;
        if (inSac) {
          v = y < 132 ? 1000 : ((x + y) % 3 == 0 ? 1000 : 600);
        } else if (ring) {
          v = 60;
        } else if ((x < 23 || x > 56) && y >= 112 && y <= 130) {
          v = 950;
        } else if (y >= 146 && y <= 160 && Math.abs(x - 40) <= (y - 146)) {
          v = 950;
        }
        p[y * W + x] = v;
      }
    }
    return new AxialSlice(
        W,
        H,
        p,
        0.5,
        0.5,
        new double[] {0, 0, 0},
        new double[] {1, 0, 0},
        new double[] {0, 1, 0},
        0);
  }

  @Test
  void sacBoxReachesTheRootsBehindTheCsf() {
    AxialSlice s = drawn();
    List<LumbarCanalFinder.Candidate> all = LumbarCanalFinder.candidates(s);
    LumbarCanalFinder.Candidate csf =
        all.stream()
            .filter(c -> c.mask()[117 * W + 40])
            .findFirst()
            .orElseThrow(() -> new AssertionError("the CSF in front of the roots is a candidate"));
    assertTrue(csf.bbox()[3] < 137, "the drawn CSF alone stops before the roots");
    boolean[] sac = LumbarCanalFinder.withContents(s, csf, 1000);
    int[] b = LumbarCanalFinder.bbox(sac, W, H);
    // The candidate is closed by a millimetre (2 pixels here): its box is the sac's and that.
    assertEquals(csf.bbox()[0], b[0], "left edge: the sac, not the fat beside it");
    assertEquals(csf.bbox()[2], b[2], "right edge");
    assertEquals(csf.bbox()[1], b[1], "nothing in front of the CSF (the vertebra) joins");
    assertTrue(b[3] >= 139 && b[3] <= 141, "back edge: the roots, not beyond the dura: " + b[3]);
    for (int y = 146; y <= 160; y++) {
      assertFalse(sac[y * W + 40], "the fat behind the dura stays out, row " + y);
    }
  }
}
