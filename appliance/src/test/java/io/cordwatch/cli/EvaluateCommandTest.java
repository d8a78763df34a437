package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.stats.Agreement;
import io.cordwatch.stats.ConfusionMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** Two studies as {@code cordwatch phantom} labels them (enhanced: with a frame column). */
  private static final String LABELS =
      """
      study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1,frame
      1.2.1,1.2.1.10,0,10,10,40,40,1
      1.2.1,1.2.1.10,1b,10,10,40,40,2
      1.2.1,1.2.1.10,2,10,10,40,40,3
      1.2.1,1.2.1.10,3,10,10,40,40,4
      1.2.2,1.2.2.10,0,10,10,40,40,1
      1.2.2,1.2.2.10,1a,10,10,40,40,2
      1.2.2,1.2.2.10,0,10,10,40,40,3
      1.2.2,1.2.2.10,0,10,10,40,40,4
      """;

  private static String slice(String sop, int frame, String grade, double pHigh) {
    double rest = (1 - pHigh) / 3;
    double each = pHigh / 3;
    return String.format(
        Locale.ROOT,
        """
        {"sop_instance_uid": "%s", "frame": %d, "status": "graded", "grade": "%s",
         "probabilities": {"0": %.4f, "1a": %.4f, "1b": %.4f, "1c": %.4f, "2": %.4f, "3": %.4f},
         "box": {"x0": 10, "y0": 10, "x1": 40, "y1": 40}, "ood": 0.5, "uncertain": false,
         "reason": null, "slice_position": 12.0}""",
        sop,
        frame,
        grade,
        rest,
        rest,
        rest,
        each,
        each,
        each);
  }

  /**
   * Shaped like {@code GradeCommand.Document}: model, studies -> series -> verdict, slices (with a
   * no-ROI slice), not_read. Study 1.2.1 frame 4 is missing, 1.2.2 frame 4 has no box, and 1.2.9 is
   * not in the reference.
   */
  private static String gradeDocument() {
    return """
        {"model": {"name": "torch-tiny-test", "format": "onnx", "engine": "onnxruntime-cpu",
                   "clinical_use": false},
         "studies": [
          {"study_instance_uid": "1.2.1", "series": [
            {"series_instance_uid": "1.2.1.1", "series_number": 3, "description": "t2 ax",
             "selection": "selected", "error": null, "verdict": null, "slices": [%s, %s, %s]}]},
          {"study_instance_uid": "1.2.2", "series": [
            {"series_instance_uid": "1.2.2.1", "series_number": 3, "description": "t2 ax",
             "selection": "selected", "error": null, "verdict": null, "slices": [%s, %s, %s,
             {"sop_instance_uid": "1.2.2.10", "frame": 4, "status": "no_roi", "grade": null,
              "probabilities": null, "box": null, "ood": null, "uncertain": null,
              "reason": "no canal box", "slice_position": null}]}]},
          {"study_instance_uid": "1.2.9", "series": [
            {"series_instance_uid": "1.2.9.1", "series_number": 1, "description": null,
             "selection": "selected", "error": null, "verdict": null, "slices": [%s]}]}],
         "not_read": []}
        """
        .formatted(
            slice("1.2.1.10", 1, "0", 0.05),
            slice("1.2.1.10", 2, "1c", 0.6),
            slice("1.2.1.10", 3, "2", 0.9),
            slice("1.2.2.10", 1, "0", 0.02),
            slice("1.2.2.10", 2, "1a", 0.1),
            slice("1.2.2.10", 3, "0", 0.03),
            slice("1.2.9.10", 1, "3", 0.95));
  }

  @Test
  void gradeJsonIsJoinedPerInstanceAndFrameWithEveryUnmatchedSliceListed() throws Exception {
    Path labels = Files.writeString(tmp.resolve("labels.csv"), LABELS);
    Path pred = Files.writeString(tmp.resolve("grade.json"), gradeDocument());

    CliRun r =
        CliRun.run(
            "evaluate", "--reference", labels.toString(), "--predicted", pred.toString(), "--json");

    assertEquals(0, r.exit(), r::all);
    JsonNode d = JSON.readTree(r.out());
    JsonNode c = d.path("counts");
    assertEquals(8, c.path("reference_slices").asInt());
    assertEquals(8, c.path("predicted_slices").asInt());
    assertEquals(6, c.path("matched").asInt());
    assertEquals(1, c.path("reference_only").asInt());
    assertEquals(1, c.path("predicted_only").asInt());
    assertEquals(1, c.path("not_graded").asInt());
    JsonNode un = d.path("unmatched");
    assertEquals("1.2.1.10", un.path("reference_only").get(0).path("sop_instance_uid").asText());
    assertEquals(4, un.path("reference_only").get(0).path("frame").asInt());
    assertEquals("1.2.9.10", un.path("predicted_only").get(0).path("sop_instance_uid").asText());
    assertEquals(
        "no_roi: no canal box", un.path("not_graded").get(0).path("status").asText(), r::all);

    JsonNode s = d.path("slices");
    assertEquals(6, s.path("n").asInt());
    // Reference 1b read as 1c is the only error: a false positive for high grade.
    assertEquals(1, s.path("confusion_matrix").get(2).get(3).asInt());
    assertEquals(3, s.path("confusion_matrix").get(0).get(0).asInt());
    JsonNode hl = s.path("high_low");
    assertEquals(1, hl.path("counts").path("tp").asInt());
    assertEquals(1, hl.path("counts").path("fp").asInt());
    assertEquals(4, hl.path("counts").path("tn").asInt());
    assertEquals(1.0, hl.path("sensitivity").path("value").asDouble(), 1e-12);
    assertEquals(0.8, hl.path("specificity").path("value").asDouble(), 1e-12);
    long[][] t = new long[6][6];
    t[0][0] = 3;
    t[1][1] = 1;
    t[2][3] = 1;
    t[4][4] = 1;
    assertEquals(
        Agreement.gwetAc1(ConfusionMatrix.of(Evaluation.GRADES, t)).value(),
        s.path("ac1").path("value").asDouble(),
        1e-12);
    assertTrue(s.path("weighted_kappa").path("ci").isArray(), r::all);
    assertEquals(1, s.path("per_grade").get(2).path("over_graded").asInt());

    JsonNode st = d.path("studies");
    assertEquals(2, st.path("n").asInt());
    assertEquals("1.2.1", st.path("list").get(0).path("study_instance_uid").asText());
    assertEquals("2", st.path("list").get(0).path("worst_reference").asText());
    assertTrue(st.path("list").get(0).path("predicted_high").asBoolean());
    assertFalse(st.path("list").get(1).path("reference_high").asBoolean());
    assertEquals(1, st.path("high_low").path("counts").path("tp").asInt());
    assertEquals(1, st.path("high_low").path("counts").path("tn").asInt());
    JsonNode found = st.path("high_found_by_worst_reference");
    List<String> worst = new java.util.ArrayList<>();
    found.fieldNames().forEachRemaining(worst::add);
    assertEquals(List.of("2"), worst, found::toString);
    assertEquals(1, found.path("2").path("found").asInt());
    assertEquals(1, found.path("2").path("studies").asInt());

    // Every series of this document is without a verdict: both studies count as "none".
    JsonNode sv = d.path("study_verdicts");
    assertEquals(1, sv.path("high_grade").path("none").asInt(), sv::toString);
    assertEquals(1, sv.path("low_grade").path("none").asInt(), sv::toString);
    assertTrue(sv.path("high_grade").path("not_called_low").path("value").isNull(), sv::toString);

    CliRun text =
        CliRun.run("evaluate", "--reference", labels.toString(), "--predicted", pred.toString());
    assertTrue(
        text.out().contains("  high-grade studies: 0 high, 0 indeterminate, 0 low, 1 none (of 1)"),
        text::all);
    assertTrue(
        text.out()
            .contains("high-grade studies called high, by their worst reference grade: 2 1 of 1"),
        text::all);

    assertTrue(d.path("reliability").isArray(), r::all);
    int binned = 0;
    for (JsonNode b : d.path("reliability")) {
      binned += b.path("count").asInt();
    }
    assertEquals(6, binned);
  }

  @Test
  void htmlReportIsSelfContainedWithHeatMapAndReliabilityPlot() throws Exception {
    Path labels = Files.writeString(tmp.resolve("labels.csv"), LABELS);
    Path pred = Files.writeString(tmp.resolve("grade.json"), gradeDocument());
    Path html = tmp.resolve("report.html");

    CliRun r =
        CliRun.run(
            "evaluate",
            "--reference",
            labels.toString(),
            "--predicted",
            pred.toString(),
            "--html",
            html.toString());

    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().contains("6 matched"), r::all);
    assertTrue(r.out().contains("report written to"), r::all);
    String page = Files.readString(html);
    assertTrue(page.startsWith("<!DOCTYPE html>"));
    assertTrue(page.contains("Table 1. Agreement and diagnostic accuracy"));
    assertTrue(page.contains("Gwet's AC1, 6 grades"));
    assertTrue(page.contains("style=\"background:rgb("), "confusion matrix shaded");
    assertTrue(page.contains("<svg") && page.contains("<circle"), "reliability plot");
    assertTrue(page.contains("Table 5. Errors by reference grade"));
    assertTrue(page.contains("1.2.9.10"), "predicted-only slice listed");
    assertTrue(page.contains("no_roi: no canal box"));
    assertFalse(page.contains("<script"), "no JavaScript");
    assertFalse(page.contains("src="), "no external resources");
    assertFalse(page.contains("href="), "no external resources");
    assertFalse(page.contains("NaN"), page);
  }

  @Test
  void csvPredictionsWithoutFramesDefaultToFrameOne() throws Exception {
    Path labels =
        Files.writeString(
            tmp.resolve("labels.csv"),
            """
            study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1
            1.2.1,1.2.1.1,0,1,1,9,9
            1.2.1,1.2.1.2,2,1,1,9,9
            1.2.2,1.2.2.1,1c,1,1,9,9
            """);
    Path pred =
        Files.writeString(
            tmp.resolve("pred.csv"), "sop_instance_uid,grade\n1.2.1.1,0\n1.2.1.2,3\n1.2.2.1,1b\n");

    CliRun r =
        CliRun.run(
            "evaluate", "--reference", labels.toString(), "--predicted", pred.toString(), "--json");

    assertEquals(0, r.exit(), r::all);
    JsonNode d = JSON.readTree(r.out());
    assertEquals(3, d.path("counts").path("matched").asInt());
    assertEquals(1, d.path("slices").path("high_low").path("counts").path("fn").asInt());
    assertTrue(d.path("reliability").isNull(), "a CSV has no probabilities");
    assertTrue(d.path("study_verdicts").isNull(), "a CSV has no verdicts");
    assertEquals(
        0.5, d.path("slices").path("high_low").path("sensitivity").path("value").asDouble());
  }

  @Test
  void unusableInputExitsTwoNamingFileAndLine() throws Exception {
    Path labels =
        Files.writeString(tmp.resolve("labels.csv"), "sop_instance_uid,grade\n1.2.3,0\n1.2.4,4b\n");
    Path pred = Files.writeString(tmp.resolve("pred.csv"), "sop_instance_uid,grade\n1.2.3,0\n");
    CliRun bad =
        CliRun.run("evaluate", "--reference", labels.toString(), "--predicted", pred.toString());
    assertEquals(2, bad.exit(), bad::all);
    assertTrue(bad.err().contains("labels.csv:3: not a Bilsky grade: '4b'"), bad::all);

    Path good = Files.writeString(tmp.resolve("good.csv"), "sop_instance_uid,grade\n9.9.9,0\n");
    CliRun none =
        CliRun.run("evaluate", "--reference", good.toString(), "--predicted", pred.toString());
    assertEquals(2, none.exit(), none::all);
    assertTrue(none.err().contains("no slice is graded in both files"), none::all);

    Path noHeader = Files.writeString(tmp.resolve("nh.csv"), "uid,g\n1.2.3,0\n");
    CliRun header =
        CliRun.run("evaluate", "--reference", noHeader.toString(), "--predicted", pred.toString());
    assertEquals(2, header.exit(), header::all);
    assertTrue(header.err().contains("header needs sop_instance_uid and grade"), header::all);

    List<String> missing =
        List.of(
            "evaluate",
            "--reference",
            tmp.resolve("nope.csv").toString(),
            "--predicted",
            pred.toString());
    CliRun absent = CliRun.run(missing.toArray(String[]::new));
    assertEquals(2, absent.exit(), absent::all);
    assertTrue(absent.err().contains("nope.csv: cannot read"), absent::all);
  }
}
