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

  @Test
  void aSiteRuleOutThresholdLiesAtOrBelowTheTriageThresholdInUse() {
    Bundle shipped = Bundles.load(SHIPPED);
    assertTrue(shipped.verdictLimits().ruleOutThreshold() > 0.05, "the demo bundle's own");
    Bundle site = shipped.withSiteRuleOutThreshold(0.05);
    assertEquals(0.05, site.verdictLimits().ruleOutThreshold());
    assertEquals(
        shipped.verdictLimits().confidentHighThreshold(),
        site.verdictLimits().confidentHighThreshold(),
        "the band is kept");
    assertTrue(site.verdictLimits().possibleHigh(0.05));
    assertFalse(site.verdictLimits().possibleHigh(0.049));

    double t = shipped.highThreshold().getAsDouble();
    IllegalArgumentException above =
        assertThrows(
            IllegalArgumentException.class, () -> shipped.withSiteRuleOutThreshold(t + 0.01));
    assertTrue(
        above.getMessage().contains("at most the triage threshold " + t), above.getMessage());
    // Checked against the site's own triage threshold when that is set first.
    Bundle lowered = shipped.withSiteHighThreshold(0.04);
    assertThrows(IllegalArgumentException.class, () -> lowered.withSiteRuleOutThreshold(0.05));
    assertEquals(0.04, lowered.withSiteRuleOutThreshold(0.04).verdictLimits().ruleOutThreshold());
    assertThrows(IllegalArgumentException.class, () -> shipped.withSiteRuleOutThreshold(0));
  }
}
