package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.dicom.Fixtures;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.phantom.real.RealSource;
import io.cordwatch.phantom.real.RealSpine;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped demo bundle on real anatomy it was not trained on: the cervical 3D T2 volume of the
 * real-spine fixtures (a healthy volunteer; the bundle's real training slices come from the PAM50
 * template and the lumbar slab only, docs/validation.md). The first demo bundle called this spine
 * high grade with certainty on half its slices; a bundle that does so again fails here. It also
 * keeps its P(high) decision threshold, chosen on validation, in the manifest.
 *
 * <p>Disabled until a bundle passes (issue 12): run against the shipped bundle on 2026-12-05 it
 * failed both tests (46 of 55 slices called high with certainty, no threshold in the manifest), and
 * so did the retrained candidate of docs/validation.md (55 of 55). Enable it with the bundle that
 * replaces the shipped one.
 */
@Disabled(
    "issue 12: no bundle passes yet (docs/validation.md); enable with the one that replaces demo-bundle")
class ShippedBundleRealAnatomyTest {
  private static final Path SHIPPED = Path.of("demo-bundle").toAbsolutePath();

  @TempDir Path tmp;

  @BeforeEach
  void pointAtTheShippedBundle() {
    System.setProperty(ShippedBundle.PROPERTY, SHIPPED.toString());
  }

  @AfterEach
  void forget() {
    System.clearProperty(ShippedBundle.PROPERTY);
  }

  @Test
  void theDecisionThresholdChosenOnValidationIsInTheBundle() {
    Bundle b = Bundles.load(SHIPPED);
    assertTrue(b.highThreshold().isPresent(), "head.high_threshold");
    double t = b.highThreshold().getAsDouble();
    assertTrue(t > 0 && t < 1, "threshold " + t);
  }

  @Test
  void aRealNormalSpineGetsNoConfidentHighGradeCall() throws Exception {
    Path normal = tmp.resolve("real");
    RealSpine.generate(
        new RealSpine.Options(
            Fixtures.root().resolve("real-spine"),
            normal,
            0,
            1,
            EnumSet.of(RealSource.CERVICAL_T2)));
    // No --bundle: the shipped one; no --boxes: its localizer finds the canal.
    CliRun r = CliRun.run("grade", normal.toString(), "--json");
    assertEquals(0, r.exit(), r.all());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    int slices = 0;
    int graded = 0;
    int confidentHigh = 0;
    int series = 0;
    for (JsonNode study : doc.get("studies")) {
      for (JsonNode s : study.get("series")) {
        series++;
        assertNotEquals(
            "high", s.path("verdict").path("group").asText(), s.path("verdict").toString());
        for (JsonNode slice : s.get("slices")) {
          slices++;
          if (!"graded".equals(slice.path("status").asText())) {
            continue;
          }
          graded++;
          if (slice.path("high_call").asBoolean(false)
              && !slice.path("uncertain").asBoolean(false)) {
            confidentHigh++;
          }
        }
      }
    }
    assertEquals(1, series);
    assertEquals(55, slices);
    assertTrue(graded >= 40, graded + " of 55 slices graded (localizer boxed the canal)");
    assertEquals(0, confidentHigh, "confident high-grade calls on a normal spine");
  }
}
