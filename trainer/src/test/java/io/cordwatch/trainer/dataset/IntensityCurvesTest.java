package io.cordwatch.trainer.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IntensityCurvesTest {

  private static float[] ramp() {
    float[] p = new float[101];
    for (int i = 0; i < p.length; i++) {
      p[i] = i / 100f;
    }
    return p;
  }

  @Test
  void noneDrawsNothingConsumesNoRandomnessAndChangesNothing() {
    Random a = new Random(3);
    assertSame(IntensityCurves.Curve.NONE, IntensityCurves.none().draw(a));
    assertEquals(new Random(3).nextLong(), a.nextLong());
    float[] p = ramp();
    IntensityCurves.Curve.NONE.apply(p);
    assertArrayEquals(ramp(), p, 0f);
  }

  @Test
  void curvePassesThroughItsControlPointsAndInterpolatesBetweenThem() {
    IntensityCurves.Curve c = new IntensityCurves.Curve(new float[] {0.1f, 0.9f, 0.3f});
    float[] p = {0f, 0.25f, 0.5f, 0.75f, 1f, -0.2f, 1.4f};
    c.apply(p);
    assertArrayEquals(new float[] {0.1f, 0.5f, 0.9f, 0.6f, 0.3f, 0.1f, 0.3f}, p, 1e-6f);
  }

  @Test
  void drawsRepeatPerSeedAndMonotoneOnesKeepTheOrderOfGreyLevels() {
    IntensityCurves curves = IntensityCurves.standard();
    int identity = 0;
    int monotone = 0;
    int swapped = 0;
    for (int k = 0; k < 400; k++) {
      // java.util.Random's first draw is nearly the same for neighbouring seeds: spread them.
      long seed = k * 0x9E3779B97F4A7C15L;
      IntensityCurves.Curve c = curves.draw(new Random(seed));
      assertEquals(c, curves.draw(new Random(seed)));
      float[] v = c.values();
      if (v.length == 0) {
        identity++;
        continue;
      }
      assertEquals(5, v.length);
      float min = 1;
      float max = 0;
      boolean sorted = true;
      for (int i = 0; i < v.length; i++) {
        assertTrue(v[i] >= 0 && v[i] <= 1, "value in the unit range: " + v[i]);
        min = Math.min(min, v[i]);
        max = Math.max(max, v[i]);
        sorted &= i == 0 || v[i] >= v[i - 1];
      }
      assertTrue(max - min >= 0.5f, "the crop never collapses to one grey level: " + c);
      if (sorted) {
        monotone++;
        float[] p = ramp();
        c.apply(p);
        for (int i = 1; i < p.length; i++) {
          assertTrue(p[i] >= p[i - 1], "a monotone curve keeps the order at " + i);
        }
      } else {
        swapped++;
      }
    }
    // Half of the samples unchanged; of the curves about three quarters monotone.
    assertTrue(identity > 160 && identity < 240, "identity " + identity);
    assertTrue(swapped > 20 && swapped < monotone, swapped + " non-monotone, " + monotone);
  }

  @Test
  void augmentationAppliesTheCurveAndRunsWithoutItDrawTheSameAsBefore() {
    Augmentation plain = Augmentation.standard();
    Augmentation curved = plain.withCurves(IntensityCurves.standard());
    Augmentation.Draw a = plain.draw(new Random(11));
    Augmentation.Draw b = curved.draw(new Random(11));
    assertEquals(a.crop(), b.crop());
    assertEquals(a.plane().noiseSeed(), b.plane().noiseSeed());
    assertSame(IntensityCurves.Curve.NONE, a.plane().curve());
    assertThrows(IllegalArgumentException.class, () -> new IntensityCurves(1.5, 0, 5));
    assertThrows(IllegalArgumentException.class, () -> new IntensityCurves(0.5, 0.2, 2));
  }
}
