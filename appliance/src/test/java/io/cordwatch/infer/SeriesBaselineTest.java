package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SeriesBaselineTest {
  private static double p(double logit) {
    return 1 / (1 + Math.exp(-logit));
  }

  @Test
  void quantilesInterpolateBetweenOrderStatisticsAsNumpyDoes() {
    double[] x = {0, 1, 2, 3, 4};
    assertEquals(0.4, SeriesBaseline.quantile(x, 0.1), 1e-12);
    assertEquals(3.6, SeriesBaseline.quantile(x, 0.9), 1e-12);
    assertEquals(4.0, SeriesBaseline.quantile(x, 1.0), 1e-12);
    assertEquals(0.0, SeriesBaseline.quantile(new double[] {0}, 0.5), 1e-12);
  }

  @Test
  void theLevelIsTheLowerQuantileOfTheLogitsAndTheDiscountWhatLiesAboveTheReference() {
    SeriesBaseline b = new SeriesBaseline(0.1, 5, -2);
    double[] series = new double[10];
    for (int i = 0; i < series.length; i++) {
      series[i] = p(i - 1); // logits -1 ... 8, given out of order below
    }
    double[] shuffled = {
      series[7], series[2], series[9], series[0], series[5], series[1], series[8], series[3],
      series[6], series[4]
    };
    assertEquals(-0.1, b.level(shuffled), 1e-9);
    assertEquals(1.9, b.discount(shuffled), 1e-9);
    assertEquals(0, new SeriesBaseline(0.1, 5, 3).discount(shuffled), "below: no discount");
    assertTrue(Double.isNaN(b.level(Arrays.copyOf(shuffled, 4))), "4 slices, 5 needed");
    assertEquals(0, b.discount(Arrays.copyOf(shuffled, 4)));
  }

  @Test
  void aProbabilityOfZeroOrOneHasAFiniteLogit() {
    assertEquals(-16.118, SeriesBaseline.logit(0), 1e-3);
    assertEquals(16.118, SeriesBaseline.logit(1), 1e-3);
    assertEquals(0.5, SeriesBaseline.raise(0.5, 0), 1e-12);
    assertEquals(p(2), SeriesBaseline.raise(0.5, 2), 1e-12);
  }

  @Test
  void outOfRangeValuesNameTheirKey() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new SeriesBaseline(0.6, 20, -4))
            .getMessage()
            .startsWith("quantile must be in (0, 0.5]"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new SeriesBaseline(0.1, 4, -4))
            .getMessage()
            .startsWith("min_slices must be 5..10000"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new SeriesBaseline(0.1, 20, 40))
            .getMessage()
            .startsWith("reference_logit must be a logit"));
    assertThrows(IllegalArgumentException.class, () -> new SeriesBaseline(0.1, 20, Double.NaN));
  }
}
