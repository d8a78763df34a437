package io.cordwatch.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Study-clustered bootstrap intervals: right point estimates, honest widths, reproducible. */
class ClusteredBootstrapTest {

  @Test
  void pointEstimatesAreThoseOfThePooledTable() {
    List<ClusteredBootstrap.Cluster> c =
        List.of(
            new ClusteredBootstrap.Cluster(5, 1, 2, 40),
            new ClusteredBootstrap.Cluster(3, 0, 0, 45),
            new ClusteredBootstrap.Cluster(0, 2, 1, 30));
    ClusteredBootstrap.Result r = ClusteredBootstrap.of(c, 500, 1);
    Dichotomous d = Dichotomous.of(8, 3, 3, 115);
    assertEquals(d.ac1().value(), r.ac1().value(), 1e-12);
    assertEquals(8.0 / 11, r.sensitivity().value(), 1e-12);
    assertEquals(115.0 / 118, r.specificity().value(), 1e-12);
    assertTrue(r.ac1().lower() <= r.ac1().value() && r.ac1().value() <= r.ac1().upper());
  }

  @Test
  void clusteredIntervalIsWiderThanTheSliceIntervalWhenStudiesDifferWholesale() {
    // Ten studies of 40 slices: half agree on every slice, half disagree on every high slice.
    List<ClusteredBootstrap.Cluster> c = new ArrayList<>();
    long tp = 0;
    long fn = 0;
    for (int i = 0; i < 10; i++) {
      boolean good = i % 2 == 0;
      c.add(new ClusteredBootstrap.Cluster(good ? 10 : 0, good ? 0 : 10, 0, 30));
      tp += good ? 10 : 0;
      fn += good ? 0 : 10;
    }
    ClusteredBootstrap.Result r = ClusteredBootstrap.of(c, 2000, 7);
    Dichotomous slices = Dichotomous.of(tp, fn, 0, 300);
    double clustered = r.sensitivity().upper() - r.sensitivity().lower();
    double perSlice = slices.sensitivity().upper() - slices.sensitivity().lower();
    assertTrue(clustered > 1.5 * perSlice, clustered + " vs " + perSlice);
  }

  @Test
  void oneClusterGivesNoSpreadAndAMissingClassIsUndefined() {
    ClusteredBootstrap.Result r =
        ClusteredBootstrap.of(List.of(new ClusteredBootstrap.Cluster(0, 0, 1, 9)), 200, 3);
    assertFalse(r.sensitivity().defined());
    assertEquals(0.9, r.specificity().lower(), 1e-12);
    assertEquals(0.9, r.specificity().upper(), 1e-12);
  }

  @Test
  void sameSeedSameIntervalAndBadInputRefused() {
    List<ClusteredBootstrap.Cluster> c =
        List.of(
            new ClusteredBootstrap.Cluster(2, 1, 0, 10),
            new ClusteredBootstrap.Cluster(1, 0, 1, 9));
    assertEquals(ClusteredBootstrap.of(c, 300, 5), ClusteredBootstrap.of(c, 300, 5));
    assertThrows(IllegalArgumentException.class, () -> ClusteredBootstrap.of(List.of(), 300, 5));
    assertThrows(IllegalArgumentException.class, () -> ClusteredBootstrap.of(c, 10, 5));
  }

  @Test
  void quantileInterpolatesBetweenOrderStatistics() {
    double[] v = {1, 2, 3, 4, 5};
    assertEquals(1, ClusteredBootstrap.quantile(v, 0), 0);
    assertEquals(3, ClusteredBootstrap.quantile(v, 0.5), 0);
    assertEquals(4.6, ClusteredBootstrap.quantile(v, 0.9), 1e-12);
  }
}
