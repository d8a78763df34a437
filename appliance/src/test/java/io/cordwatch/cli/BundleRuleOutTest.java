package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.TorchFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleRuleOutTest {
  @TempDir Path tmp;

  private final StringBuilder labels =
      new StringBuilder("study_instance_uid,sop_instance_uid,grade\n");
  private final StringBuilder series = new StringBuilder();

  /**
   * One series of a grade document: its verdict group and slices as (P(high), reference grade,
   * uncertain) triples; reference grade "-" leaves a slice unlabelled.
   */
  private void series(String uid, String group, Object... slices) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < slices.length; i += 3) {
      String sop = uid + "." + (i / 3 + 1);
      if (!"-".equals(slices[i + 1])) {
        labels.append(uid).append(',').append(sop).append(',').append(slices[i + 1]).append('\n');
      }
      s.append(i == 0 ? "" : ",")
          .append(
              String.format(
                  Locale.ROOT,
                  "{\"sop_instance_uid\":\"%s\",\"frame\":1,\"status\":\"graded\",\"grade\":\"0\","
                      + "\"p_high\":%s,\"high_call\":false,\"uncertain\":%b}",
                  sop,
                  slices[i],
                  slices[i + 2]));
    }
    series
        .append(series.isEmpty() ? "" : ",")
        .append(
            String.format(
                "{\"study_instance_uid\":\"%s\",\"series\":[{\"series_instance_uid\":\"%s.0\","
                    + "\"verdict\":{\"group\":\"%s\"},\"slices\":[%s]}]}",
                uid, uid, group, s));
  }

  private String[] write(String name) throws IOException {
    Files.writeString(tmp.resolve(name + ".csv"), labels);
    Files.writeString(tmp.resolve(name + ".json"), "{\"studies\":[" + series + "]}");
    return new String[] {
      "bundle",
      "set-rule-out",
      tmp.resolve("b").toString(),
      "--reference",
      tmp.resolve(name + ".csv").toString(),
      "--predicted",
      tmp.resolve(name + ".json").toString()
    };
  }

  @Test
  void theRuleOutThresholdIsChosenOnValidationSeriesWrittenShownAndChecked() throws Exception {
    Path b = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, BundleCommandTest.create(b, protos, "--ood-threshold", "4").exit());
    Files.writeString(
        b.resolve("MODEL_CARD.md"), "# Model card: test\n\n## Model\n\nAs trained.\n");
    // Two high-grade series called low (largest confident P(high) 0.15 and 0.20; the uncertain
    // 0.25 does not count), one called high; two low-grade series called low, one with a slice
    // at 0.16 (moves), one at most 0.10 (stays); an unlabelled series is left out.
    series("1.2.1", "low", 0.05, "0", false, 0.15, "1c", false);
    series("1.2.2", "low", 0.20, "2", false, 0.25, "2", true);
    series("1.2.3", "high", 0.90, "3", false);
    series("1.2.4", "low", 0.02, "0", false, 0.16, "-", false);
    series("1.2.5", "low", 0.10, "1a", false);
    series("1.2.6", "low", 0.50, "-", false);
    String[] args = write("val");

    CliRun none = CliRun.run(args);
    assertEquals(1, none.exit(), none::all);
    assertTrue(none.err().contains("has no head.high_threshold"), none::all);

    Bundles.setHighThreshold(b, 0.3, "set by the test");
    CliRun r = CliRun.run(args);
    assertEquals(0, r.exit(), r::all);
    assertTrue(
        r.out()
            .contains(
                "rule out below P(high) 0.1500: 2 of 2 high-grade series called low move to"
                    + " indeterminate; 1 of 2 low-grade series called low move with them (5"
                    + " series)"),
        r::all);
    assertEquals(0.15, Bundles.load(b).verdictLimits().ruleOutThreshold(), 1e-12);
    CliRun info = CliRun.run("bundle", "info", b.toString());
    assertTrue(
        info.out()
            .contains(
                "rule-out: a series without high calls is low only if no"
                    + " confident slice reaches P(high) 0.1500"),
        info::all);

    // By a reading budget: half of the two low-grade series called low may move, so the one at
    // 0.16 does and the threshold lies just above 0.10.
    String[] budget = java.util.Arrays.copyOf(args, args.length + 2);
    budget[args.length] = "--low-budget";
    budget[args.length + 1] = "0.5";
    CliRun byCost = CliRun.run(budget);
    assertEquals(0, byCost.exit(), byCost::all);
    assertEquals(Math.nextUp(0.10), Bundles.load(b).verdictLimits().ruleOutThreshold());
    assertTrue(byCost.out().contains("2 of 2 high-grade series called low move"), byCost::all);
    budget[args.length + 1] = "1";
    CliRun wrong = CliRun.run(budget);
    assertEquals(2, wrong.exit(), wrong::all);
    assertTrue(wrong.err().contains("--low-budget must be in (0, 1), got 1.0"), wrong::all);

    // A triage threshold below it drops it, and the card says so.
    Bundles.setHighThreshold(b, 0.1, "lowered by the test");
    assertEquals(0, Bundles.load(b).verdictLimits().ruleOutThreshold());
    assertTrue(
        Files.readString(b.resolve("MODEL_CARD.md"))
            .contains("head.rule_out_threshold 0.1000 lay above it and was removed"));

    // A bundle.json that puts it above the triage threshold does not verify, naming the key.
    ObjectMapper json = new ObjectMapper();
    ObjectNode m = (ObjectNode) json.readTree(b.resolve("bundle.json").toFile());
    ((ObjectNode) m.get("head")).put("rule_out_threshold", 0.2);
    json.writeValue(b.resolve("bundle.json").toFile(), m);
    BundleException e = assertThrows(BundleException.class, () -> Bundles.load(b));
    assertTrue(
        e.getMessage().contains("head.rule_out_threshold must be above 0 and at most"),
        e.getMessage());
  }

  @Test
  void aHighGradeSeriesCalledLowAtPHighZeroLeavesNothingToChoose() throws Exception {
    Path b = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, BundleCommandTest.create(b, protos, "--ood-threshold", "4").exit());
    Bundles.setHighThreshold(b, 0.3, "set by the test");
    series("1.2.1", "low", 0.0, "2", false);
    series("1.2.2", "low", 0.1, "0", false);
    CliRun r = CliRun.run(write("zero"));
    assertEquals(1, r.exit(), r::all);
    assertTrue(r.err().contains("no rule-out threshold above P(high) 0"), r::all);
    assertEquals(0, Bundles.load(b).verdictLimits().ruleOutThreshold());

    CliRun bad =
        CliRun.run(
            "bundle",
            "set-rule-out",
            b.toString(),
            "--reference",
            tmp.resolve("zero.csv").toString(),
            "--predicted",
            tmp.resolve("zero.csv").toString());
    assertEquals(2, bad.exit(), bad::all);
    assertTrue(bad.err().contains("not valid JSON"), bad::all);
  }
}
