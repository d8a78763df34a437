package io.cordwatch.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which Body Part Examined values put a series below the conus. */
class SpineRegionTest {
  @Test
  void definedTermsAndCommonFreeTextForTheLumbarAndSacralSpineAreBelowTheConus() {
    for (String v :
        List.of(
            "LSPINE",
            "LSSPINE",
            "SSPINE",
            "COCCYX",
            "SACRUM",
            "L-SPINE",
            "Lumbar spine",
            "l spine")) {
      assertTrue(SpineRegion.belowConus(v), v);
    }
    for (String v : List.of("TSPINE", "CSPINE", "TLSPINE", "SPINE", "WHOLESPINE", "ABDOMEN", "")) {
      assertFalse(SpineRegion.belowConus(v), v);
    }
    assertFalse(SpineRegion.belowConus((String) null));
  }

  @Test
  void aSeriesIsBelowTheConusOnlyWhenEveryStatedValueSaysSo() {
    assertEquals("LSPINE", SpineRegion.belowConus(Arrays.asList("LSPINE", null, " lspine ", "")));
    assertEquals("LSPINE/SACRUM", SpineRegion.belowConus(List.of("SACRUM", "LSPINE")));
    assertNull(SpineRegion.belowConus(List.of("LSPINE", "TSPINE")), "a thoracic frame keeps it in");
    assertNull(SpineRegion.belowConus(Arrays.asList(null, "")), "nothing stated: not known");
    assertNull(SpineRegion.belowConus(List.of()));
  }
}
