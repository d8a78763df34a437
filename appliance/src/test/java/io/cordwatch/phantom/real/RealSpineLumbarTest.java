package io.cordwatch.phantom.real;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The lumbar slab's sac is found without a cord, as one continuous bright tube. */
class RealSpineLumbarTest {
  @Test
  void sacBoxesFollowOneTubeOfSacSize() throws IOException {
    RealSpine.Prepared p = RealSpine.prepare(RealSpineNiftiTest.dir(), RealSource.LUMBAR_T2);
    int found = 0;
    double[] last = null;
    int lastZ = -1;
    for (int z = 0; z < p.slices().size(); z++) {
      CanalFinder.Canal c = p.canals().get(z);
      if (c == null) {
        continue;
      }
      found++;
      AxialSlice s = p.slices().get(z);
      int[] b = c.box();
      double across = (b[2] - b[0] + 1) * s.spacingX();
      double deep = (b[3] - b[1] + 1) * s.spacingY();
      assertTrue(across >= 8 && across <= 28 && deep >= 8 && deep <= 28, z + ": " + across);
      for (boolean cord : c.cord()) {
        assertFalse(cord, "no cord is claimed below the conus");
      }
      double[] centre = {(b[0] + b[2]) * s.spacingX() / 2, (b[1] + b[3]) * s.spacingY() / 2};
      if (last != null) {
        double jump = Math.hypot(centre[0] - last[0], centre[1] - last[1]);
        assertTrue(jump <= 4 * (z - lastZ), "box jumps " + jump + " mm at slice " + z);
      }
      last = centre;
      lastZ = z;
    }
    // 135 of 201 when written (slices 0-140 but six, checked by eye); the lowest 60, where the sac
    // reaches the slab's edge, are left without a box by the rule.
    assertTrue(found >= 120, "lumbar sac boxes: " + found);
  }
}
