package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path bundle;
  static Path phantom;

  @BeforeAll
  static void studyAndBundle() throws Exception {
    bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 11, StudyPlan.Style.INTERNAL, 12, false, false));
  }

  @Test
  void jsonHasEveryLabelledSliceGradedWithItsBoxAndProbabilitiesSummingToOne() throws Exception {
    CliRun r =
        CliRun.run(
            "grade",
            phantom.resolve("study-0001").toString(),
            "--bundle",
            bundle.toString(),
            "--boxes",
            phantom.resolve("labels.csv").toString(),
            "--json");
    assertEquals(0, r.exit(), r::all);
    JsonNode doc = JSON.readTree(r.out());
    assertEquals("torch-tiny-test", doc.path("model").path("name").asText());
    assertEquals(false, doc.path("model").path("clinical_use").asBoolean(true));
    JsonNode studies = doc.path("studies");
    assertEquals(1, studies.size());
    JsonNode series = studies.get(0).path("series");
    assertEquals(3, series.size(), "axial T2, sagittal and axial T1 are listed");

    Map<String, int[]> labelled = new HashMap<>();
    List<String> rows = Files.readAllLines(phantom.resolve("labels.csv"));
    for (String row : rows.subList(1, rows.size())) {
      String[] c = row.split(",");
      labelled.put(
          c[1],
          new int[] {
            Integer.parseInt(c[3]), Integer.parseInt(c[4]),
            Integer.parseInt(c[5]), Integer.parseInt(c[6])
          });
    }
    int gradedSeries = 0;
    for (JsonNode s : series) {
      if (s.path("verdict").isNull()) {
        assertTrue(s.path("selection").asText().startsWith("skipped"), s.toString());
        assertEquals(0, s.path("slices").size());
        continue;
      }
      gradedSeries++;
      JsonNode slices = s.path("slices");
      assertEquals(12, slices.size());
      int graded = 0;
      for (JsonNode slice : slices) {
        String sop = slice.path("sop_instance_uid").asText();
        int[] box = labelled.get(sop);
        if (box == null) {
          assertEquals("no_roi", slice.path("status").asText(), slice.toString());
          continue;
        }
        graded++;
        assertEquals("graded", slice.path("status").asText(), slice.toString());
        JsonNode b = slice.path("box");
        assertEquals(
            List.of(box[0], box[1], box[2], box[3]),
            List.of(
                b.path("x0").asInt(),
                b.path("y0").asInt(),
                b.path("x1").asInt(),
                b.path("y1").asInt()));
        double sum = 0;
        JsonNode p = slice.path("probabilities");
        assertEquals(6, p.size());
        for (JsonNode v : p) {
          sum += v.asDouble();
        }
        assertEquals(1.0, sum, 1e-5, slice.toString());
        assertTrue(p.has(slice.path("grade").asText()));
        assertTrue(slice.path("ood").isNumber());
        assertTrue(slice.path("uncertain").isBoolean());
      }
      assertEquals(labelled.size(), graded);
      JsonNode v = s.path("verdict");
      assertEquals(graded, v.path("counts").path("graded").asInt());
      assertTrue(List.of("high", "low").contains(v.path("group").asText()), v.toString());
      assertEquals(v.path("segments").size(), v.path("key_images").size());
    }
    assertEquals(1, gradedSeries);
  }

  @Test
  void vocFolderGivesTheSameGradesAsLabelsCsvAndTheTableSaysNotForClinicalUse() throws Exception {
    String study = phantom.resolve("study-0001").toString();
    CliRun csv =
        CliRun.run(
            "grade",
            study,
            "--bundle",
            bundle.toString(),
            "--boxes",
            phantom.resolve("labels.csv").toString(),
            "--json");
    CliRun voc =
        CliRun.run("grade", study, "--bundle", bundle.toString(), "--boxes", study, "--json");
    assertEquals(0, voc.exit(), voc::all);
    assertEquals(
        JSON.readTree(csv.out()).findValues("slices"),
        JSON.readTree(voc.out()).findValues("slices"));

    CliRun table = CliRun.run("grade", study, "--bundle", bundle.toString(), "--boxes", study);
    assertEquals(0, table.exit(), table::all);
    assertTrue(table.out().contains("NOT FOR CLINICAL USE"), table::all);
    assertTrue(table.out().contains("verdict: grade "), table::all);
    assertTrue(table.out().contains("skipped: sagittal"), table::all);
  }

  @Test
  void aFolderOfLinkedStudyFoldersIsWalkedThroughTheLinks() throws Exception {
    Path linked = Files.createDirectories(tmp.resolve("linked"));
    Files.createSymbolicLink(linked.resolve("study-a"), phantom.resolve("study-0001"));
    CliRun r = CliRun.run("grade", linked.toString(), "--bundle", bundle.toString(), "--json");
    assertEquals(0, r.exit(), r::all);
    assertEquals(3, JSON.readTree(r.out()).path("studies").get(0).path("series").size(), r.all());
  }

  @Test
  void enhancedMrIsGradedFrameByFrameWithTheFrameColumnOfLabelsCsv() throws Exception {
    Path enhanced = tmp.resolve("enhanced");
    Phantom.generate(
        new Phantom.Options(enhanced, 1, 11, StudyPlan.Style.INTERNAL, 6, false, true));
    CliRun r =
        CliRun.run(
            "grade",
            enhanced.resolve("study-0001").toString(),
            "--bundle",
            bundle.toString(),
            "--boxes",
            enhanced.resolve("labels.csv").toString(),
            "--json");
    assertEquals(0, r.exit(), r::all);
    JsonNode slices =
        JSON.readTree(r.out()).findValues("slices").stream()
            .filter(s -> s.size() > 0)
            .findFirst()
            .orElseThrow();
    assertEquals(6, slices.size());
    Set<Integer> frames = new HashSet<>();
    Set<String> sops = new HashSet<>();
    List<String> rows = Files.readAllLines(enhanced.resolve("labels.csv"));
    for (JsonNode slice : slices) {
      frames.add(slice.path("frame").asInt());
      sops.add(slice.path("sop_instance_uid").asText());
    }
    assertEquals(Set.of(1, 2, 3, 4, 5, 6), frames);
    assertEquals(1, sops.size(), "one multi-frame instance");
    assertEquals(
        rows.size() - 1,
        slices.findValues("status").stream().filter(s -> s.asText().equals("graded")).count());
  }

  @Test
  void withoutBoxesEverySliceIsNoRoiAndNothingIsGuessed() throws Exception {
    CliRun r =
        CliRun.run(
            "grade",
            phantom.resolve("study-0001").toString(),
            "--bundle",
            bundle.toString(),
            "--json");
    assertEquals(0, r.exit(), r::all);
    JsonNode doc = JSON.readTree(r.out());
    for (JsonNode slice : doc.findValues("slices").getFirst()) {
      assertEquals("no_roi", slice.path("status").asText());
    }
    JsonNode verdict =
        doc.findValues("verdict").stream().filter(v -> !v.isNull()).findFirst().get();
    assertTrue(verdict.path("grade").isNull(), "no grade, not grade 0: " + verdict);
  }

  @Test
  void badBoxFileOrMissingBundleIsExitTwoNamingIt() throws Exception {
    Path bad =
        Files.writeString(tmp.resolve("bad.csv"), "sop_instance_uid,x0,y0,x1,y1\n1.2,a,1,2,3\n");
    CliRun r =
        CliRun.run(
            "grade", phantom.toString(), "--bundle", bundle.toString(), "--boxes", bad.toString());
    assertEquals(2, r.exit(), r::all);
    assertTrue(r.err().contains(bad + ":2: x0 is not a whole number"), r::all);

    CliRun noBundle =
        CliRun.run("grade", phantom.toString(), "--bundle", tmp.resolve("nope").toString());
    assertEquals(2, noBundle.exit(), noBundle::all);
    assertTrue(noBundle.err().contains("nope"), noBundle::all);
  }

  @Test
  void aSeriesBaselineRaisesTheSeriesThresholdsAndTheVerdictSaysBy() throws Exception {
    Path b = TorchFixture.copy(bundle, tmp.resolve("baseline-bundle"));
    io.cordwatch.infer.Bundles.setHighThreshold(b, 0.3, "test");
    io.cordwatch.infer.Bundles.setRuleOutThreshold(b, 0.01, "test");
    // A reference at the bottom of the logit scale: every series of 5 graded slices is discounted
    // by its whole normal level.
    io.cordwatch.infer.Bundles.setSeriesBaseline(
        b, new io.cordwatch.infer.SeriesBaseline(0.1, 5, -16), "test");
    String[] grade = {
      "grade",
      phantom.resolve("study-0001").toString(),
      "--bundle",
      b.toString(),
      "--boxes",
      phantom.resolve("labels.csv").toString()
    };
    String[] json = java.util.Arrays.copyOf(grade, grade.length + 1);
    json[grade.length] = "--json";
    CliRun r = CliRun.run(json);
    assertEquals(0, r.exit(), r::all);
    JsonNode series =
        JSON.readTree(r.out()).findValues("series").getFirst().findValues("verdict").stream()
            .filter(v -> !v.isNull())
            .findFirst()
            .orElseThrow();
    JsonNode model = series.path("model");
    double d = model.path("baseline_discount").asDouble();
    assertTrue(d > 0, series.toString());
    assertTrue(model.path("decision").asText().contains("raised to"), model.toString());
    assertEquals(
        -16, model.path("limits").path("series_baseline").path("reference_logit").asDouble());
    assertEquals(0.01, model.path("limits").path("rule_out_threshold").asDouble(), 0);
    double raised = 1 / (1 + Math.exp(-(Math.log(0.3 / 0.7) + d)));
    // The table says the series' raised threshold and the discount once, under its verdict.
    CliRun table = CliRun.run(grade);
    assertEquals(0, table.exit(), table::all);
    String line =
        String.format(
            java.util.Locale.ROOT,
            "    high call by threshold 0.3, raised to %.4f for this series (series baseline"
                + " discount %.2f logits); confident at P(high) >= ",
            raised,
            d);
    assertTrue(table.out().contains(line), table::all);
    assertEquals(1, table.out().split("series baseline discount", -1).length - 1, table::all);
    for (JsonNode slice : JSON.readTree(r.out()).findValues("slices").getFirst()) {
      if ("graded".equals(slice.path("status").asText())) {
        assertEquals(
            slice.path("p_high").asDouble() >= raised,
            slice.path("high_call").asBoolean(),
            slice.toString());
      }
    }
  }
}
