package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.grade.HighDecision;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The site's operating point in place of the shipped bundle's threshold. */
class SiteHighThresholdTest {
  private static final Path SHIPPED = Path.of("demo-bundle").toAbsolutePath();

  @Test
  void replacesTheThresholdRaisesTheConfidentBandIfNeededAndSaysSoOnEveryVerdict() {
    Bundle shipped = Bundles.load(SHIPPED);
    assertFalse(shipped.siteHighThreshold());
    double bandStart = shipped.verdictLimits().confidentHighThreshold();

    Bundle low = shipped.withSiteHighThreshold(0.2);
    assertTrue(low.siteHighThreshold());
    assertEquals(0.2, low.highThreshold().getAsDouble());
    assertEquals(bandStart, low.verdictLimits().confidentHighThreshold(), "band kept");
    assertEquals("threshold 0.2 (site setting)", HighDecision.of(low).describe());
    assertEquals(
        "P(high) = p(1c)+p(2)+p(3) >= 0.2000 (site setting)", HighDecision.of(low).formula());
    assertTrue(HighDecision.of(low).call(0, 0.2));
    assertFalse(HighDecision.of(low).call(5, 0.19));

    double aboveBand = (bandStart + 1) / 2;
    Bundle high = shipped.withSiteHighThreshold(aboveBand);
    assertEquals(
        aboveBand, high.verdictLimits().confidentHighThreshold(), "band starts at the site's");
    assertEquals(
        "threshold " + shipped.highThreshold().getAsDouble(), HighDecision.of(shipped).describe());
    assertThrows(IllegalArgumentException.class, () -> shipped.withSiteHighThreshold(1));
  }
}
