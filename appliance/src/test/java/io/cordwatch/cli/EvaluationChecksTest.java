package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust checks of {@code cordwatch evaluate}: false alarms count only confident high calls on
 * normal slices, the canal hit rate counts an unboxed slice as a miss, and boundary bands sort
 * slices by the reference's distance to a grade boundary.
 */
class EvaluationChecksTest {

  private static final String LABELS =
      """
      study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1,boundary_distance
      1.2.1,1.2.1.1,0,10,10,29,29,
      1.2.1,1.2.1.2,0,10,10,29,29,
      1.2.1,1.2.1.3,0,10,10,29,29,
      1.2.1,1.2.1.4,0,10,10,29,29,
      1.2.2,1.2.2.1,2,10,10,29,29,0.05
      1.2.2,1.2.2.2,1b,10,10,29,29,0.4
      """;

  /** Slice 1 confident high (a false alarm), 2 high but uncertain, 3 no ROI, 4 low. */
  private static final String PREDICTED =
      """
      {"studies":[
       {"study_instance_uid":"1.2.1","series":[{"series_instance_uid":"1.2.1.9","slices":[
        {"sop_instance_uid":"1.2.1.1","frame":1,"status":"graded","grade":"3","uncertain":false,
         "box":{"x0":10,"y0":10,"x1":29,"y1":29}},
        {"sop_instance_uid":"1.2.1.2","frame":1,"status":"graded","grade":"2","uncertain":true,
         "box":{"x0":12,"y0":12,"x1":29,"y1":29}},
        {"sop_instance_uid":"1.2.1.3","frame":1,"status":"no_roi","grade":null,"reason":"none"},
        {"sop_instance_uid":"1.2.1.4","frame":1,"status":"graded","grade":"1a","uncertain":false,
         "box":{"x0":30,"y0":30,"x1":40,"y1":40}}]}]},
       {"study_instance_uid":"1.2.2","series":[{"series_instance_uid":"1.2.2.9","slices":[
        {"sop_instance_uid":"1.2.2.1","frame":1,"status":"graded","grade":"2","uncertain":false,
         "box":{"x0":10,"y0":10,"x1":29,"y1":29}},
        {"sop_instance_uid":"1.2.2.2","frame":1,"status":"graded","grade":"1a","uncertain":false,
         "high_call":true,"box":{"x0":10,"y0":10,"x1":29,"y1":29}}]}]}]}
      """;

  @Test
  void falseAlarmsLocalizerAndBands(@TempDir Path tmp) throws Exception {
    Evaluation.Result r = run(tmp);
    EvaluationChecks.FalseAlarms f = r.checks().falseAlarms();
    assertEquals(4, f.normalSlices());
    assertEquals(1, f.confidentHigh());
    assertEquals(1, f.uncertainHigh());
    assertEquals(1, f.notGraded());
    assertEquals(25.0, f.per100(), 1e-12);

    EvaluationChecks.Localizer l = r.checks().localizer();
    assertEquals(6, l.referenceBoxes());
    // Hits: 1.2.1.1, 1.2.1.2 (IoU 0.81), 1.2.2.1, 1.2.2.2; misses: no ROI and the box beside.
    assertEquals(4, l.hits());
    assertEquals(1, l.noBox());

    List<EvaluationChecks.Band> bands = r.checks().bands();
    assertEquals(2, bands.size());
    assertEquals(1, bands.get(0).n());
    assertEquals(1, bands.get(0).exact());
    // The 1b slice called high by the reader's own threshold: grade wrong, high/low wrong.
    assertEquals(0, bands.get(1).exact());
    assertEquals(0, bands.get(1).highLow());
  }

  @Test
  void clusteredIntervalsAppearInTextAndJson(@TempDir Path tmp) throws Exception {
    Evaluation.Result r = run(tmp);
    assertEquals(2, r.checks().clustered().clusters());
    String text = String.join("\n", EvaluationChecks.text(r.checks()));
    assertTrue(text.contains("clustered by study"), text);
    assertTrue(text.contains("1 confident high calls (25.00 per 100)"), text);
    String json = GradeCommand.JSON.writeValueAsString(EvaluateCommand.document(r));
    assertTrue(json.contains("\"study_clustered\""), json);
    assertTrue(json.contains("\"false_alarms\""), json);
  }

  private static Evaluation.Result run(Path tmp) throws IOException, Evaluation.InputException {
    Path labels = tmp.resolve("labels.csv");
    Path predicted = tmp.resolve("grade.json");
    Files.writeString(labels, LABELS, StandardCharsets.US_ASCII);
    Files.writeString(predicted, PREDICTED, StandardCharsets.UTF_8);
    return Evaluation.evaluate(Evaluation.readLabels(labels), Evaluation.readPredicted(predicted));
  }
}
