package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.SeriesBaseline;
import io.cordwatch.infer.TorchFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleBaselineTest {
  @TempDir Path tmp;

  /**
   * A grade document of {@code levels.length} series of 20 graded slices, series k's slices all at
   * logit {@code levels[k]}, and one series too short to have a level.
   */
  private Path grades(double... levels) throws Exception {
    StringBuilder studies = new StringBuilder();
    for (int k = 0; k <= levels.length; k++) {
      int n = k < levels.length ? 20 : 3;
      double p = k < levels.length ? 1 / (1 + Math.exp(-levels[k])) : 0.99;
      StringBuilder slices = new StringBuilder();
      for (int i = 0; i < n; i++) {
        slices
            .append(i == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "{\"sop_instance_uid\":\"1.%d.%d\",\"frame\":1,\"status\":\"graded\","
                        + "\"p_high\":%s}",
                    k,
                    i,
                    p));
      }
      // A slice without a canal box counts for nothing.
      slices.append(",{\"sop_instance_uid\":\"1.9\",\"frame\":1,\"status\":\"no_roi\"}");
      studies
          .append(k == 0 ? "" : ",")
          .append(
              String.format(
                  "{\"study_instance_uid\":\"2.%d\",\"series\":[{\"series_instance_uid\":\"3.%d\","
                      + "\"verdict\":{\"group\":\"low\"},\"slices\":[%s]}]}",
                  k, k, slices));
    }
    Path f = tmp.resolve("val-" + levels.length + ".json");
    Files.writeString(f, "{\"studies\":[" + studies + "]}");
    return f;
  }

  @Test
  void theReferenceIsChosenOnValidationSeriesWrittenShownAndChecked() throws Exception {
    Path b = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, BundleCommandTest.create(b, protos, "--ood-threshold", "4").exit());
    Files.writeString(
        b.resolve("MODEL_CARD.md"), "# Model card: test\n\n## Model\n\nAs trained.\n");
    Path val = grades(-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0);
    String[] args = {"bundle", "set-baseline", b.toString(), "--predicted", val.toString()};

    CliRun none = CliRun.run(args);
    assertEquals(1, none.exit(), none::all);
    assertTrue(none.err().contains("has no head.high_threshold"), none::all);
    assertNull(Bundles.load(b).verdictLimits().seriesBaseline());

    Bundles.setHighThreshold(b, 0.3, "set by the test");
    CliRun noRuleOut = CliRun.run(args);
    assertEquals(1, noRuleOut.exit(), noRuleOut::all);
    assertTrue(
        noRuleOut.err().contains("head.series_baseline needs head.rule_out_threshold"),
        noRuleOut::all);
    assertNull(Bundles.load(b).verdictLimits().seriesBaseline(), "bundle.json put back");

    Bundles.setRuleOutThreshold(b, 0.1, "set by the test");
    CliRun r = CliRun.run(args);
    assertEquals(0, r.exit(), r::all);
    assertTrue(
        r.out()
            .contains(
                "head.series_baseline quantile 0.1, min_slices 20, reference_logit -1.0000 (1 of"
                    + " 12 validation series would be discounted)"),
        r::all);
    SeriesBaseline sb = Bundles.load(b).verdictLimits().seriesBaseline();
    assertEquals(new SeriesBaseline(0.1, 20, sb.referenceLogit()), sb);
    assertEquals(-1.0, sb.referenceLogit(), 1e-6);
    assertTrue(
        Files.readString(b.resolve("MODEL_CARD.md"))
            .contains("head.series_baseline quantile 0.1, min_slices 20, reference_logit -1.0000"));
    CliRun info = CliRun.run("bundle", "info", b.toString());
    assertTrue(
        info.out().contains("series baseline: a series of at least 20 graded slices"), info::all);

    // A triage threshold below the rule-out threshold drops both, and the card says so.
    Path copy = TorchFixture.copy(b, tmp.resolve("copy"));
    Bundles.setHighThreshold(copy, 0.05, "lowered by the test");
    assertNull(Bundles.load(copy).verdictLimits().seriesBaseline());
    assertTrue(
        Files.readString(copy.resolve("MODEL_CARD.md"))
            .contains("head.series_baseline went with the rule-out threshold"));

    // Too few series long enough to have a level: bad input, nothing written.
    CliRun few =
        CliRun.run(
            "bundle", "set-baseline", b.toString(), "--predicted", grades(0, 1, 2).toString());
    assertEquals(2, few.exit(), few::all);
    assertTrue(few.err().contains("a reference needs 10"), few::all);
    CliRun badQ =
        CliRun.run(
            "bundle",
            "set-baseline",
            b.toString(),
            "--predicted",
            val.toString(),
            "--quantile",
            "0.7");
    assertEquals(2, badQ.exit(), badQ::all);
    assertTrue(badQ.err().contains("quantile must be in (0, 0.5]"), badQ::all);
    assertEquals(-1.0, Bundles.load(b).verdictLimits().seriesBaseline().referenceLogit(), 1e-6);

    // A bundle.json whose baseline is out of range, or that has no triage threshold for it to
    // raise, does not load; each message names the key.
    ObjectMapper json = new ObjectMapper();
    ObjectNode m = (ObjectNode) json.readTree(b.resolve("bundle.json").toFile());
    ((ObjectNode) m.get("head").get("series_baseline")).put("min_slices", 2);
    json.writeValue(b.resolve("bundle.json").toFile(), m);
    BundleException e = assertThrows(BundleException.class, () -> Bundles.load(b));
    assertTrue(
        e.getMessage().contains("head.series_baseline.min_slices must be 5..10000, got 2"),
        e.getMessage());
    ((ObjectNode) m.get("head").get("series_baseline")).put("min_slices", 20);
    ((ObjectNode) m.get("head")).remove("rule_out_threshold");
    json.writeValue(b.resolve("bundle.json").toFile(), m);
    e = assertThrows(BundleException.class, () -> Bundles.load(b));
    assertTrue(
        e.getMessage().contains("head.series_baseline needs head.rule_out_threshold"),
        e.getMessage());
    ((ObjectNode) m.get("head")).remove("high_threshold");
    json.writeValue(b.resolve("bundle.json").toFile(), m);
    e = assertThrows(BundleException.class, () -> Bundles.load(b));
    assertTrue(
        e.getMessage().contains("head.series_baseline needs head.high_threshold"), e.getMessage());
  }
}
