package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.TorchFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCommandTest {
  @TempDir Path tmp;

  static CliRun create(Path out, Path prototypes, String... extra) {
    String[] base = {
      "bundle",
      "create",
      "--out",
      out.toString(),
      "--backbone",
      TorchFixture.backbone().toString(),
      "--prototypes",
      prototypes.toString(),
      "--classes",
      "0,1a,1b,1c,2,3",
      "--temperature",
      "2",
      "--input-size",
      "64"
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRun.run(args);
  }

  @Test
  void createAssemblesATorchExportedBackboneIntoAVerifiedBundle() throws IOException {
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    Path out = tmp.resolve("tiny-bundle");

    CliRun r = create(out, protos, "--ood-threshold", "4", "--training-data", "phantoms");

    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().contains("embedding width D = 32"), r::all);
    assertTrue(
        r.out().contains("verified: onnxruntime-cpu runs the backbone, input [N, 3, 64, 64]"));
    assertTrue(Files.isRegularFile(out.resolve("bundle.json")));
    assertTrue(Files.isRegularFile(out.resolve("backbone.onnx")));
    assertTrue(Files.isRegularFile(out.resolve("prototypes.f32")));
  }

  @Test
  void infoShowsWhatAPersonNeedsAndShoutsWhenNotForClinicalUse() throws IOException {
    Path out = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, create(out, protos, "--ood-threshold", "4").exit());

    CliRun r = CliRun.run("bundle", "info", out.toString());

    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().startsWith("*** NOT FOR CLINICAL USE"), r::all);
    assertTrue(r.out().contains("classes: K = 6 [0, 1a, 1b, 1c, 2, 3], high grade [1c, 2, 3]"));
    assertTrue(r.out().contains("temperature: T = 2.0"), r::all);
    assertTrue(r.out().contains("uncertain above 4.0"), r::all);
    assertTrue(r.out().contains("window 0.5-99.5 % per series"), r::all);
    assertTrue(r.out().contains("mean 0.1937 std 0.142"), r::all);
    assertTrue(r.out().contains("clinical_use: FALSE"), r::all);
    assertTrue(
        r.out().contains("decision: a slice is high when its nearest prototype is a high grade"),
        r::all);
    assertTrue(
        r.out()
            .contains(
                "verdict: indeterminate above 0.25 of graded slices uncertain or 0.5 of slices"
                    + " without a canal box; every high call is confident"),
        r::all);

    // With a triage threshold and a confident band, both are shown as the grader uses them.
    Bundles.setHighThreshold(out, 0.3, "set by the test");
    Bundles.setConfidentHighThreshold(out, 0.85, "set by the test");
    CliRun t = CliRun.run("bundle", "info", out.toString());
    assertTrue(
        t.out()
            .contains(
                "decision: a slice is high when P(high) = p(1c)+p(2)+p(3) >= 0.3000"
                    + " (head.high_threshold, triage)"),
        t::all);
    assertTrue(
        t.out().contains("a series is high only on a slice at P(high) >= 0.8500 (confident band)"),
        t::all);
  }

  @Test
  void clinicalUseTrueIsNotShouted() throws IOException {
    Path out = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, create(out, protos, "--clinical-use", "true").exit());

    CliRun r = CliRun.run("bundle", "info", out.toString());

    assertTrue(r.out().startsWith("bundle: b"), r::all);
    assertTrue(r.out().contains("threshold off"), r::all);
    assertTrue(r.out().contains("clinical_use: true"), r::all);
  }

  @Test
  void verifyPassesAGoodBundleAndFailsADamagedOneWithTheReason() throws IOException {
    Path out = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, create(out, protos).exit());

    CliRun good = CliRun.run("bundle", "verify", out.toString());
    assertEquals(0, good.exit(), good::all);
    assertTrue(good.out().trim().endsWith("OK"), good::all);

    Files.write(
        out.resolve("backbone.onnx"),
        new byte[] {1, 2, 3},
        java.nio.file.StandardOpenOption.APPEND);
    CliRun bad = CliRun.run("bundle", "verify", out.toString());
    assertEquals(1, bad.exit(), bad::all);
    assertTrue(bad.err().contains("backbone.onnx has sha256"), bad::all);
    assertTrue(bad.err().contains("[CHECKSUM_MISMATCH]"), bad::all);
  }

  @Test
  void createWithFivePrototypesForSixClassesFailsSayingSo() throws IOException {
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 5, 32, 11);

    CliRun r = create(tmp.resolve("b"), protos);

    assertEquals(1, r.exit(), r::all);
    assertTrue(r.err().contains("K = 5 prototypes of D = 32"), r::all);
    assertTrue(r.err().contains("[CLASS_COUNT]"), r::all);
    assertFalse(Files.exists(tmp.resolve("b")), "a failed create leaves no half-made bundle");
  }

  @Test
  void createRefusesAnInputSizeTheGraphIsNotFixedAt() throws IOException {
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    Path out = tmp.resolve("b224");

    CliRun r =
        CliRun.run(
            "bundle",
            "create",
            "--out",
            out.toString(),
            "--backbone",
            TorchFixture.backbone().toString(),
            "--prototypes",
            protos.toString(),
            "--temperature",
            "2");

    // The torch export fixes height and width at 64; the default input size is 224.
    assertEquals(1, r.exit(), r::all);
    assertTrue(r.err().contains("fixed at [-1, 3, 64, 64]"), r::all);
    assertTrue(r.err().contains("preprocessing input size is 224 [INPUT_LAYOUT]"), r::all);
    assertTrue(Files.notExists(out), "nothing is written when the graph does not fit");
  }

  @Test
  void infoOnAMissingBundleExitsOneNamingThePath() {
    Path missing = tmp.resolve("nope");
    CliRun r = CliRun.run("bundle", "info", missing.toString());
    assertEquals(1, r.exit(), r::all);
    assertTrue(r.err().contains(missing + ": no such bundle folder or .zip"), r::all);
  }

  @Test
  void setConfidentHighChoosesTheBandOnValidationSlicesAndWritesIt() throws Exception {
    Path out = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, create(out, protos, "--ood-threshold", "4").exit());
    String[] args = {
      "bundle",
      "set-confident-high",
      out.toString(),
      "--reference",
      tmp.resolve("labels.csv").toString(),
      "--predicted",
      tmp.resolve("grade.json").toString(),
      "--precision",
      "0.75"
    };
    // Eight validation slices: (P(high), reference grade), as in ConfidentBandTest.
    writeGraded(
        tmp.resolve("labels.csv"),
        tmp.resolve("grade.json"),
        "1.2.9",
        new double[] {0.95, 0.90, 0.80, 0.70, 0.60, 0.50, 0.40, 0.10},
        new String[] {"2", "3", "0", "1c", "1a", "0", "2", "0"},
        new boolean[8]);

    CliRun none = CliRun.run(args);
    assertEquals(1, none.exit(), none::all);
    assertTrue(none.err().contains("has no head.high_threshold"), none::all);

    Path manifest = out.resolve("bundle.json");
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode m =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(manifest.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("head")).put("high_threshold", 0.3);
    json.writeValue(manifest.toFile(), m);

    CliRun r = CliRun.run(args);
    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().contains("confident from P(high) 0.7000: precision 0.750"), r::all);
    assertEquals(
        0.70, io.cordwatch.infer.Bundles.load(out).verdictLimits().confidentHighThreshold(), 1e-12);

    // Real normal slices kept out of training: one at 0.75 would be a confident false alarm at
    // 0.70, so the band moves up to 0.90 (precision 1.0); the 1b slice at 0.99 is not a normal
    // and the grade-0 slice at 0.97 is out of distribution, so neither counts.
    writeGraded(
        tmp.resolve("normals.csv"),
        tmp.resolve("normals.json"),
        "1.2.8",
        new double[] {0.75, 0.20, 0.99, 0.97},
        new String[] {"0", "0", "1b", "0"},
        new boolean[] {false, false, false, true});
    String[] withNormals =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(args),
                java.util.stream.Stream.of(
                    "--normals-reference",
                    tmp.resolve("normals.csv").toString(),
                    "--normals-predicted",
                    tmp.resolve("normals.json").toString()))
            .toArray(String[]::new);
    CliRun n = CliRun.run(withNormals);
    assertEquals(0, n.exit(), n::all);
    assertTrue(
        n.out().contains("real normal slices: 2, 0 confident high (false alarms), 1 borderline"),
        n::all);
    assertEquals(
        0.90, io.cordwatch.infer.Bundles.load(out).verdictLimits().confidentHighThreshold(), 1e-12);

    CliRun half = CliRun.run(java.util.Arrays.copyOf(withNormals, withNormals.length - 2));
    assertEquals(2, half.exit(), half::all);
    assertTrue(half.err().contains("go together"), half::all);
  }

  @Test
  void setHighThresholdChoosesTheTriageThresholdAsTheTrainerDoesAndDropsABandBelowIt()
      throws Exception {
    Path out = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, create(out, protos, "--ood-threshold", "4").exit());
    Path card = out.resolve("MODEL_CARD.md");
    Files.writeString(card, "# Model card: test\n\n## Model\n\nAs trained.\n");
    // Five high-grade slices (0.95, 0.90, 0.70, 0.40, and 0.97 out of distribution: it counts,
    // as in training) and three low ones.
    writeGraded(
        tmp.resolve("labels.csv"),
        tmp.resolve("grade.json"),
        "1.2.9",
        new double[] {0.95, 0.90, 0.80, 0.70, 0.60, 0.40, 0.10, 0.97},
        new String[] {"2", "3", "0", "1c", "0", "2", "0", "3"},
        new boolean[] {false, false, false, false, false, false, false, true});
    String[] args = {
      "bundle",
      "set-high-threshold",
      out.toString(),
      "--reference",
      tmp.resolve("labels.csv").toString(),
      "--predicted",
      tmp.resolve("grade.json").toString(),
      "--target-sensitivity",
      "0.8"
    };

    CliRun r = CliRun.run(args);
    assertEquals(0, r.exit(), r::all);
    // 4 of 5 high slices must be called: the 4th largest, 0.70 (at 0.80 only 3 are).
    assertEquals(0.70, Bundles.load(out).highThreshold().getAsDouble(), 1e-12);
    assertTrue(r.out().contains("8 validation slices (5 high grade, 3 low)"), r::all);
    assertTrue(r.out().contains("threshold 0.7000 (was none): sensitivity 0.800"), r::all);
    assertTrue(r.out().contains("specificity 0.667"), r::all);

    // A collapsed model: three of the five high-grade slices at P(high) exactly 0. No threshold
    // the appliance can read calls 4 of 5 high; the command says so and writes nothing.
    writeGraded(
        tmp.resolve("collapsed.csv"),
        tmp.resolve("collapsed.json"),
        "1.2.10",
        new double[] {1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
        new String[] {"2", "3", "0", "1c", "0", "2", "0", "3"},
        new boolean[8]);
    CliRun collapsed =
        CliRun.run(
            "bundle",
            "set-high-threshold",
            out.toString(),
            "--reference",
            tmp.resolve("collapsed.csv").toString(),
            "--predicted",
            tmp.resolve("collapsed.json").toString(),
            "--target-sensitivity",
            "0.8");
    assertEquals(1, collapsed.exit(), collapsed::all);
    assertTrue(
        collapsed
            .err()
            .contains(
                "no threshold in (0, 1) reaches sensitivity 0.8 on 5 high-grade validation slices:"
                    + " the lowest gives 0.400"),
        collapsed::all);
    assertTrue(collapsed.err().contains("nothing written"), collapsed::all);
    assertEquals(0.70, Bundles.load(out).highThreshold().getAsDouble(), 1e-12, "unchanged");

    Bundles.setConfidentHighThreshold(out, 0.85, "set by the test");
    args[args.length - 1] = "1";
    CliRun all = CliRun.run(args);
    assertEquals(0, all.exit(), all::all);
    assertEquals(0.40, Bundles.load(out).highThreshold().getAsDouble(), 1e-12);
    assertEquals(
        0.85,
        Bundles.load(out).verdictLimits().confidentHighThreshold(),
        1e-12,
        "a band above the new threshold stays");
    assertFalse(all.out().contains("removed:"), all::all);

    args[args.length - 1] = "0.2";
    CliRun top = CliRun.run(args);
    assertEquals(0, top.exit(), top::all);
    assertEquals(0.97, Bundles.load(out).highThreshold().getAsDouble(), 1e-12);
    assertEquals(0, Bundles.load(out).verdictLimits().confidentHighThreshold());
    assertTrue(
        top.out().contains("removed: head.confident_high_threshold 0.8500 lay below it"), top::all);

    args[args.length - 1] = "1.5";
    CliRun bad = CliRun.run(args);
    assertEquals(2, bad.exit(), bad::all);
    assertTrue(bad.err().contains("target sensitivity must be in (0, 1], got 1.5"), bad::all);
    assertEquals(0.97, Bundles.load(out).highThreshold().getAsDouble(), 1e-12);

    writeGraded(
        tmp.resolve("low.csv"),
        tmp.resolve("low.json"),
        "1.2.7",
        new double[] {0.9, 0.1},
        new String[] {"0", "1a"},
        new boolean[2]);
    args[4] = tmp.resolve("low.csv").toString();
    args[6] = tmp.resolve("low.json").toString();
    args[args.length - 1] = "0.9";
    CliRun none = CliRun.run(args);
    assertEquals(1, none.exit(), none::all);
    assertTrue(none.err().contains("none of the 2 graded validation slices"), none::all);

    // The card says what was changed after training, once per change written, with the figures.
    List<String> changes =
        Files.readAllLines(card).stream().filter(l -> l.startsWith("- ")).toList();
    assertEquals(4, changes.size(), () -> String.join("\n", changes));
    assertTrue(
        changes
            .get(0)
            .endsWith(
                ": head.high_threshold 0.7000 (was none): chosen by `cordwatch bundle"
                    + " set-high-threshold --target-sensitivity 0.8` on "
                    + tmp.resolve("grade.json")
                    + " (labels "
                    + tmp.resolve("labels.csv")
                    + "), 8 validation slices (5 high grade, 3 low): sensitivity 0.800,"
                    + " specificity 0.667"),
        changes.get(0));
    assertTrue(
        changes
            .get(1)
            .endsWith(": head.confident_high_threshold 0.8500 (was none): set by the test"),
        changes.get(1));
    assertTrue(
        changes
            .get(3)
            .contains(
                "head.high_threshold 0.9700 (was 0.4000); head.confident_high_threshold 0.8500"
                    + " lay below it and was removed: chosen by"),
        changes.get(3));
  }

  /** Labels and a grade --json document for one series of slices with the given P(high). */
  private static void writeGraded(
      Path labelsCsv, Path gradeJson, String study, double[] p, String[] ref, boolean[] uncertain)
      throws java.io.IOException {
    StringBuilder labels = new StringBuilder("study_instance_uid,sop_instance_uid,grade\n");
    StringBuilder slices = new StringBuilder();
    for (int i = 0; i < p.length; i++) {
      labels
          .append(study)
          .append(',')
          .append(study)
          .append('.')
          .append(i + 1)
          .append(',')
          .append(ref[i])
          .append('\n');
      slices
          .append(i == 0 ? "" : ",")
          .append(
              String.format(
                  java.util.Locale.ROOT,
                  "{\"sop_instance_uid\":\"%s.%d\",\"frame\":1,\"status\":\"graded\","
                      + "\"grade\":\"1c\",\"probabilities\":{\"0\":%.2f,\"1c\":%.2f},"
                      + "\"high_call\":%b,\"uncertain\":%b}",
                  study,
                  i + 1,
                  1 - p[i],
                  p[i],
                  p[i] >= 0.3,
                  uncertain[i]));
    }
    Files.writeString(labelsCsv, labels);
    Files.writeString(
        gradeJson,
        "{\"studies\":[{\"study_instance_uid\":\""
            + study
            + "\",\"series\":[{\"series_instance_uid\":\""
            + study
            + ".0\",\"slices\":["
            + slices
            + "]}]}]}");
  }
}
