package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.dicom.Fixtures;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleCalibration;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.CalibrationSlices;
import io.cordwatch.infer.OnnxRuntimeEngine;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.phantom.real.RealSource;
import io.cordwatch.phantom.real.RealSpine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo bundle that ships in appliance/demo-bundle: it loads and verifies, says it is not for
 * clinical use, and grades phantom studies it has never seen (fresh seeds, both styles) through
 * {@code cordwatch grade} with its own localizer finding every canal. The bounds are loose next to
 * what its model card reports (docs there), so a broken export, preprocessing or localizer fails
 * here while the model's ordinary slice-to-slice variation does not.
 */
class ShippedBundleTest {
  private static final Path SHIPPED = Path.of("demo-bundle").toAbsolutePath();
  private static final Set<String> HIGH = Set.of("1c", "2", "3");

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
  void shippedBundleVerifiesAndIsMarkedNotForClinicalUse() throws Exception {
    Bundle b = Bundles.load(SHIPPED);
    assertFalse(b.provenance().clinicalUse());
    assertTrue(b.localizer().isPresent(), "the demo bundle carries its canal localizer");
    assertTrue(Files.isRegularFile(SHIPPED.resolve("MODEL_CARD.md")));
    long bytes;
    try (Stream<Path> s = Files.walk(SHIPPED)) {
      bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    // Five float16 ResNet50 backbones side by side (the E5 ensemble) are 235 MB; the bound keeps a
    // float32 export or a sixth member from slipping into the repository unnoticed.
    assertTrue(bytes < 256L * 1024 * 1024, "demo bundle is " + bytes + " bytes");
    CliRun r = CliRun.run("bundle", "verify", SHIPPED.toString());
    assertEquals(0, r.exit(), r.all());
  }

  /**
   * The 256 INT8 calibration slices are real preprocessed canal crops: run through the backbone on
   * the CPU, nearly all lie as close to a prototype as training slices do (OOD score <= 1, the
   * training set's 99th percentile; 252 of 256 when written). Planes read back 30 % too dark gave
   * 7.
   */
  @Test
  void calibrationSlicesAreInDistributionCanalCrops() {
    Bundle b = Bundles.load(SHIPPED);
    BundleCalibration c = b.calibration().orElseThrow();
    assertEquals(256, c.slices());
    float[][] prototypes = b.prototypes();
    int inside = 0;
    try (OnnxRuntimeEngine cpu = Bundles.openEngine(b)) {
      CalibrationSlices slices = c.open(b.preprocessing(), cpu.inputShape().channels(), 32);
      FloatBuffer batch =
          ByteBuffer.allocateDirect(32 * cpu.inputShape().itemSize() * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      while (slices.next(batch.clear()) > 0) {
        for (float[] e : cpu.embed(batch.flip(), 32)) {
          double nearest = Double.POSITIVE_INFINITY;
          for (float[] p : prototypes) {
            double d = 0;
            for (int j = 0; j < e.length; j++) {
              d += (e[j] - p[j]) * (double) (e[j] - p[j]);
            }
            nearest = Math.min(nearest, d);
          }
          inside += nearest / b.oodScale() <= 1.0 ? 1 : 0;
        }
      }
    }
    assertTrue(inside >= 240, inside + " of 256 calibration slices with an OOD score <= 1");
  }

  @Test
  void gradesUnseenPhantomsOfBothStylesWithItsOwnLocalizer() throws Exception {
    grade(StudyPlan.Style.INTERNAL, 90_901);
    grade(StudyPlan.Style.EXTERNAL, 90_902);
  }

  private void grade(StudyPlan.Style style, long seed) throws Exception {
    Path dir = tmp.resolve(style.name());
    Phantom.Result phantom =
        Phantom.generate(new Phantom.Options(dir, 2, seed, style, 24, false, false));
    Map<String, String[]> labels = new HashMap<>();
    List<String> rows = Files.readAllLines(phantom.labels());
    List<String> header = List.of(rows.getFirst().split(","));
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",");
      labels.put(f[header.indexOf("sop_instance_uid")], f);
    }
    // No --bundle: grade falls back to the shipped one; no --boxes: the localizer finds the canal.
    CliRun r = CliRun.run("grade", dir.toString(), "--json");
    assertEquals(0, r.exit(), r.all());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    int slices = 0;
    int agree = 0;
    int goodBoxes = 0;
    for (JsonNode study : doc.get("studies")) {
      for (JsonNode series : study.get("series")) {
        for (JsonNode slice : series.get("slices")) {
          String[] ref = labels.get(slice.get("sop_instance_uid").asText());
          if (ref == null) {
            continue;
          }
          slices++;
          assertEquals("graded", slice.get("status").asText(), slice.toString());
          assertEquals("localizer", slice.get("box_source").asText(), slice.toString());
          boolean refHigh = HIGH.contains(ref[header.indexOf("grade")]);
          boolean predHigh = HIGH.contains(slice.get("grade").asText());
          agree += refHigh == predHigh ? 1 : 0;
          JsonNode box = slice.get("box");
          double iou =
              iou(
                  box.get("x0").asInt(),
                  box.get("y0").asInt(),
                  box.get("x1").asInt(),
                  box.get("y1").asInt(),
                  Integer.parseInt(ref[header.indexOf("x0")]),
                  Integer.parseInt(ref[header.indexOf("y0")]),
                  Integer.parseInt(ref[header.indexOf("x1")]),
                  Integer.parseInt(ref[header.indexOf("y1")]));
          goodBoxes += iou >= 0.8 ? 1 : 0;
        }
      }
    }
    assertEquals(48, slices, style + ": every labelled slice graded");
    assertTrue(goodBoxes >= 47, style + ": " + goodBoxes + " of 48 boxes at IoU >= 0.8");
    assertTrue(agree >= 46, style + ": high/low agrees on " + agree + " of 48 slices");
  }

  @Test
  void demoGradesWithTheShippedBundleByDefault() throws Exception {
    CliRun r = CliRun.demo(tmp.resolve("demo"), 10);
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("[grading job done]"), r.all());
    assertTrue(r.out().contains("10 of 10 slices graded"), r.all());
    // The shipped bundle is not signed: the demo runs it by the explicit setting and says so.
    assertTrue(r.out().contains("(" + Bundles.load(SHIPPED).name() + "-"), r.all());
    assertTrue(r.out().contains(", UNSIGNED)"), r.all());
    assertTrue(r.out().contains("allow-unsigned-bundles: on"), r.all());

    // Again on the same data folder: the study is graded already, so the demo shuts down right
    // after storescu's release; the association must still end released, not cut (it was logged
    // and audited as aborted).
    CliRun again = CliRun.demo(tmp.resolve("demo"), 10);
    assertEquals(0, again.exit(), again.all());
    List<String> received =
        io.cordwatch.testing.AuditRows.of(tmp.resolve("demo/index.db"), "instances_received");
    assertEquals(2, received.size(), received::toString);
    for (String row : received) {
      assertTrue(row.endsWith("sent by AE DEMO from 127.0.0.1 (released)"), row);
    }
    // The second association's instances were all held already: the row says so rather than
    // naming no study ("16 instances of  sent by").
    assertTrue(
        received.get(1).startsWith("16 instances (16 already held) sent by"), received::toString);
    String shipped = Bundles.load(SHIPPED).name();
    assertTrue(r.out().contains(" ms by " + shipped), r.all());
    assertFalse(again.out().contains("graded earlier by"), again.all());

    // With another bundle on the same folder the stored verdict is the shipped bundle's, and the
    // demo says so instead of passing it off as the running bundle's.
    Bundle other = io.cordwatch.infer.TorchFixture.bundle(tmp.resolve("other-bundle"));
    CliRun third = CliRun.demo(tmp.resolve("demo"), 10, "--bundle", other.directory().toString());
    assertEquals(0, third.exit(), third.all());
    assertTrue(
        third.out().contains("(graded earlier by " + shipped + ", not by " + other.name()),
        third.all());
  }

  /** IoU of two inclusive pixel boxes. */
  private static double iou(
      int ax0, int ay0, int ax1, int ay1, int bx0, int by0, int bx1, int by1) {
    double iw = Math.max(0, Math.min(ax1, bx1) - Math.max(ax0, bx0) + 1);
    double ih = Math.max(0, Math.min(ay1, by1) - Math.max(ay0, by0) + 1);
    double inter = iw * ih;
    double union =
        (ax1 - ax0 + 1.0) * (ay1 - ay0 + 1) + (bx1 - bx0 + 1.0) * (by1 - by0 + 1) - inter;
    return inter / union;
  }

  /**
   * The shipped bundle on real anatomy it was not trained on: the cervical 3D T2 volume of the
   * real-spine fixtures (a healthy volunteer). The first demo bundle called this spine high grade
   * with certainty on 46 of 55 slices and kept no P(high) threshold; the shipped one (v4) calls 19
   * of them high by its triage threshold, every one of them below its confident band, so the series
   * is indeterminate (read manually), never high (docs/validation.md).
   */
  @Test
  void theDecisionThresholdChosenOnValidationIsInTheBundle() {
    Bundle b = Bundles.load(SHIPPED);
    assertTrue(b.highThreshold().isPresent(), "head.high_threshold");
    double t = b.highThreshold().getAsDouble();
    assertTrue(t > 0 && t < 1, "threshold " + t);
    // The rule-out threshold judged on fresh held-out draws (docs/validation.md) is kept with it.
    double r = b.verdictLimits().ruleOutThreshold();
    assertTrue(r > 0 && r < t, "rule-out threshold " + r + " below the triage threshold " + t);
    // The series baseline discount judged on eight fresh draws (docs/validation.md) is kept too.
    var baseline = b.verdictLimits().seriesBaseline();
    assertTrue(baseline != null, "head.series_baseline");
    assertEquals(0.1, baseline.quantile());
    assertEquals(20, baseline.minSlices());
    assertTrue(
        baseline.referenceLogit() < Math.log(r / (1 - r)),
        "the reference level lies below the rule-out threshold: " + baseline);
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
    double confidentBand = Bundles.load(SHIPPED).verdictLimits().confidentHighThreshold();
    assertTrue(confidentBand > 0, "the shipped bundle has a confident band");
    for (JsonNode study : doc.get("studies")) {
      for (JsonNode s : study.get("series")) {
        series++;
        assertNotEquals(
            "high", s.path("verdict").path("group").asText(), s.path("verdict").toString());
        // Judged with the series baseline discount (real anatomy sits above the phantoms' level).
        assertTrue(
            s.path("verdict").path("model").path("baseline_discount").isNumber(),
            s.path("verdict").path("model").toString());
        for (JsonNode slice : s.get("slices")) {
          slices++;
          if (!"graded".equals(slice.path("status").asText())) {
            continue;
          }
          graded++;
          if (slice.path("high_call").asBoolean(false)
              && !slice.path("uncertain").asBoolean(false)
              && slice.path("p_high").asDouble() >= confidentBand) {
            confidentHigh++;
          }
        }
      }
    }
    assertEquals(1, series);
    assertEquals(55, slices);
    assertTrue(graded >= 40, graded + " of 55 slices graded (localizer boxed the canal)");
    assertEquals(0, confidentHigh, "confident high-grade calls on a normal spine");
    String group =
        doc.get("studies").get(0).get("series").get(0).path("verdict").path("group").asText();
    assertEquals("indeterminate", group, "borderline calls are flagged for a reader");
  }

  /**
   * The real normal lumbar slab (Body Part Examined LSPINE): below the conus there is no cord to
   * grade and the models never saw that anatomy. Before the rule the shipped bundle called the
   * whole series high on this normal volume; now the verdict is indeterminate whatever the slices
   * were called, and says why (docs/grading.md).
   */
  @Test
  void aRealLumbarSeriesIsIndeterminateBelowTheConus() throws Exception {
    Path lumbar = tmp.resolve("lumbar");
    RealSpine.generate(
        new RealSpine.Options(
            Fixtures.root().resolve("real-spine"), lumbar, 0, 1, EnumSet.of(RealSource.LUMBAR_T2)));
    CliRun r = CliRun.run("grade", lumbar.toString(), "--json");
    assertEquals(0, r.exit(), r.all());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    JsonNode series = doc.get("studies").get(0).get("series").get(0);
    assertTrue(
        series.path("selection").asText().startsWith("selected"),
        series.path("selection").asText());
    JsonNode verdict = series.path("verdict");
    assertEquals("indeterminate", verdict.path("group").asText(), verdict.toString());
    assertEquals("below_conus", verdict.path("indeterminate_reason").asText());
    assertTrue(
        verdict.path("indeterminate_message").asText().startsWith("Body part LSPINE: lumbar"),
        verdict.toString());
    assertTrue(verdict.path("counts").path("graded").asInt() > 0, "its slices are still graded");
  }
}
