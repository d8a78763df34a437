package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.adapt.OperatingPoint;
import io.cordwatch.infer.Bundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch validate} on phantom studies written by {@code cordwatch phantom}, graded by the
 * shipped bundle through the appliance's code: the report names the bundle by its manifest's
 * SHA-256, breaks agreement down by the scanners the headers name, counts series verdicts, and
 * chooses a site threshold that reaches the target sensitivity on these slices.
 */
class ValidateCommandTest {
  private static final Path SHIPPED = Path.of("demo-bundle").toAbsolutePath();
  @TempDir static Path tmp;
  static Path site;

  @BeforeAll
  static void data() {
    site = tmp.resolve("site");
    CliRun r =
        CliRun.run(
            "phantom",
            "--out",
            site.toString(),
            "--style",
            "randomized",
            "--studies",
            "4",
            "--slices",
            "12",
            "--seed",
            "5");
    assertEquals(0, r.exit(), r.all());
  }

  /**
   * {@code validate} of the shipped bundle on the phantom site folder with supplied boxes and a
   * target sensitivity of 0.9, its report in {@code json}, with {@code more} options; it succeeded.
   */
  private static CliRun validate(Path json, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "validate",
                "--bundle",
                SHIPPED.toString(),
                "--data",
                site.toString(),
                "--boxes",
                "supplied",
                "--target-sensitivity",
                "0.9",
                "--json",
                json.toString()));
    args.addAll(List.of(more));
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.all());
    return r;
  }

  @Test
  void reportsAgreementPerScannerAndASiteThreshold() throws Exception {
    Path json = tmp.resolve("report.json");
    Path html = tmp.resolve("report.html");
    CliRun r = validate(json, "--html", html.toString());
    JsonNode d = new ObjectMapper().readTree(Files.readString(json));
    assertEquals(
        Bundles.sha256(SHIPPED.resolve(Bundles.MANIFEST)),
        d.path("bundle").path("manifest_sha256").asText());
    int matched = d.path("data").path("matched_slices").asInt();
    assertTrue(matched > 0 && matched <= d.path("data").path("reference_slices").asInt(), r.all());
    assertEquals(4, d.path("data").path("studies").asInt());
    assertTrue(d.path("data").path("first_study_date").asText().matches("\\d{8}"), r.all());

    // Per scanner: labels as the headers name the systems; the slice counts add up.
    int perScanner = 0;
    for (var e : d.path("per_scanner").properties()) {
      assertTrue(Pattern.matches(".+ \\d\\.\\d T", e.getKey()), "scanner label " + e.getKey());
      perScanner += e.getValue().path("n").asInt();
    }
    assertEquals(matched, perScanner);

    long verdicts =
        d.path("series_verdicts").path("high").asLong()
            + d.path("series_verdicts").path("low").asLong()
            + d.path("series_verdicts").path("indeterminate").asLong();
    assertTrue(verdicts >= 4, "one graded series per study at least: " + verdicts);
    // The appliance's verdicts per labelled study: every one of the 4 studies is counted once.
    JsonNode sv = d.path("study_verdicts");
    int studies = 0;
    for (String part : List.of("high_grade", "low_grade")) {
      for (String g : List.of("high", "indeterminate", "low", "none")) {
        studies += sv.path(part).path(g).asInt();
      }
    }
    assertEquals(4, studies, sv::toString);
    assertTrue(r.out().contains("  high-grade studies: "), r.all());
    assertEquals(matched, d.path("ood").path("n").asInt(), "every graded slice has an OOD score");

    JsonNode op = d.path("site_operating_point");
    assertTrue(op.path("sensitivity").path("value").asDouble() >= 0.9, op.toString());
    assertTrue(op.path("threshold").asDouble() > 0 && op.path("threshold").asDouble() <= 1);
    // Four studies cannot make the default five folds: said, and no figures made up.
    JsonNode cv = op.path("cross_validated");
    assertTrue(
        cv.path("not_estimated").asText().startsWith("4 studies, fewer than the 5 folds"),
        cv.toString());
    assertTrue(cv.path("sensitivity").isMissingNode(), cv.toString());
    assertTrue(r.out().contains("cross-validated by study (5 folds, seed 1, 4 studies): not"));
    assertEquals(0, d.path("shadow").size(), "labelled folders have no shadow results");

    String page = Files.readString(html);
    assertTrue(page.contains("<h2>Local validation</h2>"), "validation section");
    assertTrue(page.indexOf("Local validation") < page.lastIndexOf("</body>"));
    assertTrue(r.out().contains("site threshold: P(high) >= "), r.all());
  }

  @Test
  void aHeldOutThresholdIsNotMadeUpWhenOneStudyHoldsAllTheHighGradeSlices() throws Exception {
    // These four phantom studies hold confident high-grade slices in one study only: in sample a
    // threshold is chosen on them, but held out (one study per fold) the fold of that study has
    // nothing to choose from, and the report says so instead of inventing figures.
    Path json = tmp.resolve("folds.json");
    CliRun r = validate(json, "--folds", "4", "--seed", "3");
    JsonNode op = new ObjectMapper().readTree(Files.readString(json)).path("site_operating_point");
    assertTrue(op.path("high_slices").asInt() > 0, op.toString());
    JsonNode cv = op.path("cross_validated");
    assertEquals(4, cv.path("folds").asInt());
    assertEquals(3, cv.path("seed").asInt());
    assertEquals(4, cv.path("studies").asInt());
    assertTrue(
        cv.path("not_estimated").asText().contains("of 4 hold no high-grade slice"), cv.toString());
    assertTrue(cv.path("sensitivity").isMissingNode(), cv.toString());
    assertTrue(cv.path("thresholds").isMissingNode(), cv.toString());
    assertTrue(r.out().contains("hold no high-grade slice"), r.all());
    CliRun one = CliRun.run("validate", "--data", site.toString(), "--folds", "1");
    assertEquals(2, one.exit(), one.all());
    assertTrue(one.err().contains("--folds must be at least 2, got 1"), one.all());
  }

  @Test
  void anUnknownBoxSourceIsRefused() {
    CliRun r = CliRun.run("validate", "--data", site.toString(), "--boxes", "guess");
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains("--boxes must be supplied or localizer"), r.all());
  }

  @Test
  void theOperatingPointIsTheHighestThresholdReachingTheTarget() {
    double[] pos = {0.9, 0.8, 0.7, 0.2};
    double[] neg = {0.1, 0.3, 0.75};
    OperatingPoint half = OperatingPoint.forSensitivity(pos, neg, 0.5);
    assertEquals(0.8, half.threshold(), 0);
    assertEquals(0.5, half.sensitivity().value(), 1e-12);
    assertEquals(1.0, half.specificity().value(), 1e-12);
    OperatingPoint all = OperatingPoint.forSensitivity(pos, neg, 1.0);
    assertEquals(0.2, all.threshold(), 0);
    assertEquals(1.0 / 3, all.specificity().value(), 1e-12);
    // 3 of 4 is 0.75: a target of 0.75 needs the third-highest, 0.76 the fourth.
    assertEquals(0.7, OperatingPoint.forSensitivity(pos, neg, 0.75).threshold(), 0);
    assertEquals(0.2, OperatingPoint.forSensitivity(pos, neg, 0.76).threshold(), 0);
    // Every high-grade slice at P(high) 1.0: the threshold stays inside (0, 1), where the
    // site-high-threshold setting and the bundle take it (it was 1.0, which both refuse).
    OperatingPoint sure = OperatingPoint.forSensitivity(new double[] {1.0, 1.0}, neg, 0.95);
    assertEquals(Math.nextDown(1.0), sure.threshold(), 0);
    assertEquals(1.0, sure.sensitivity().value(), 1e-12);
  }
}
