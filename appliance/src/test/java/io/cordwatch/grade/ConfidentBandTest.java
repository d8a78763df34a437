package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfidentBandTest {
  private static ConfidentBand.Rated r(double p, boolean high) {
    return new ConfidentBand.Rated(p, high);
  }

  /** Calls from the top: 0.95 H, 0.90 H, 0.80 L, 0.70 H, 0.60 L, 0.50 L, 0.40 H, 0.10 L. */
  private static final List<ConfidentBand.Rated> EIGHT =
      List.of(
          r(0.95, true),
          r(0.90, true),
          r(0.80, false),
          r(0.70, true),
          r(0.60, false),
          r(0.50, false),
          r(0.40, true),
          r(0.10, false));

  @Test
  void theSmallestThresholdReachingThePrecisionIsChosen() {
    // Precision at 0.70 is 3/4 = 0.75, at 0.60 is 3/5, at 0.40 is 4/7; at 0.90 it is 1.
    List<ConfidentBand.Rated> v = EIGHT;
    ConfidentBand.Choice c = ConfidentBand.choose(v, 0.3, 0.75).orElseThrow();
    assertEquals(0.70, c.threshold(), 1e-12);
    assertEquals(0.75, c.precision(), 1e-12);
    assertEquals(0.75, c.sensitivity(), 1e-12);
    assertEquals(4, c.calls());
    assertEquals(3, c.bandSlices(), "0.60, 0.50 and 0.40 lie between the triage threshold and it");
    assertEquals(0.90, ConfidentBand.choose(v, 0.3, 0.9).orElseThrow().threshold(), 1e-12);
  }

  @Test
  void tiesAreCalledTogetherAndNothingBelowTheTriageThresholdIsChosen() {
    List<ConfidentBand.Rated> v = List.of(r(0.8, true), r(0.8, false), r(0.2, true));
    // At 0.8 both tied slices are calls: precision 0.5, never 1.0 for "one of them".
    assertTrue(ConfidentBand.choose(v, 0.5, 0.6).isEmpty());
    assertEquals(0.8, ConfidentBand.choose(v, 0.5, 0.5).orElseThrow().threshold(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> ConfidentBand.choose(v, 0.5, 1.0));
  }

  @Test
  void realNormalsRaiseTheBandUntilAtMostTheAllowedFalseAlarmsRemain() {
    List<ConfidentBand.Rated> v = EIGHT;
    double[] normals = {0.92, 0.70, 0.35, 0.05};
    // Precision 0.75 alone gives 0.70; the normal at 0.70 would be a confident call there (at or
    // above), and the one at 0.92 above 0.90, so with none allowed only 0.95 is left.
    ConfidentBand.Choice none = ConfidentBand.choose(v, 0.3, 0.75, normals, 0).orElseThrow();
    assertEquals(0.95, none.threshold(), 1e-12);
    assertEquals(new ConfidentBand.NormalCalls(4, 0, 3), none.normals());
    // One allowed: 0.90 (only 0.92 above it); 0.80 would also pass the normals but its precision
    // is 2/3.
    ConfidentBand.Choice one = ConfidentBand.choose(v, 0.3, 0.75, normals, 1).orElseThrow();
    assertEquals(0.90, one.threshold(), 1e-12);
    assertEquals(new ConfidentBand.NormalCalls(4, 1, 2), one.normals());
    // A normal above every validation slice leaves nothing.
    assertTrue(ConfidentBand.choose(v, 0.3, 0.75, new double[] {0.99}, 0).isEmpty());
    assertThrows(
        IllegalArgumentException.class, () -> ConfidentBand.choose(v, 0.3, 0.75, normals, -1));
  }
}
