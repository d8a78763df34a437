package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The appliance's verdicts against the reference, study by study. */
class StudyVerdictsTest {
  private static final String LABELS =
      """
      study_instance_uid,sop_instance_uid,grade
      A,A1,0
      A,A2,2
      B,B1,1b
      B,B2,1c
      C,C1,3
      D,D1,0
      D,D2,1b
      E,E1,0
      """;

  private static String series(String verdict, String... slices) {
    StringBuilder s = new StringBuilder();
    for (String x : slices) {
      String[] sp = x.split("=");
      s.append(s.isEmpty() ? "" : ",")
          .append("{\"sop_instance_uid\":\"")
          .append(sp[0])
          .append("\",\"frame\":1,\"status\":\"graded\",\"p_high\":")
          .append(sp[1])
          .append('}');
    }
    return "{\"verdict\":"
        + (verdict == null ? "null" : "{\"group\":\"" + verdict + "\"}")
        + ",\"slices\":["
        + s
        + "]}";
  }

  private static List<JsonNode> studies() throws Exception {
    String doc =
        "{\"studies\":["
            // A: high-grade; one series indeterminate, the other high: the study is high.
            + "{\"study_instance_uid\":\"A\",\"series\":["
            + series("indeterminate", "A1=0.2")
            + ","
            + series("high", "A2=0.99")
            + "]},"
            // B: high-grade (1c) called low: a miss, its largest P(high) 0.07.
            + "{\"study_instance_uid\":\"B\",\"series\":["
            + series("low", "B1=0.03", "B2=0.07")
            + "]},"
            // C: high-grade, indeterminate.
            + "{\"study_instance_uid\":\"C\",\"series\":["
            + series("indeterminate", "C1=0.5")
            + "]},"
            // D: low-grade, low.
            + "{\"study_instance_uid\":\"D\",\"series\":["
            + series("low", "D1=0.01", "D2=0.02")
            + "]},"
            // E: low-grade without a verdict (none).
            + "{\"study_instance_uid\":\"E\",\"series\":["
            + series(null, "E1=0.01")
            + "]},"
            // F: no labelled slice: left out, whatever its verdict.
            + "{\"study_instance_uid\":\"F\",\"series\":["
            + series("high", "F1=0.99")
            + "]}]}";
    List<JsonNode> out = new ArrayList<>();
    new ObjectMapper().readTree(doc).path("studies").forEach(out::add);
    return out;
  }

  @Test
  void aStudyIsJudgedByItsWorstSeriesVerdictAndItsWorstLabel() throws Exception {
    StudyVerdicts v = StudyVerdicts.of(Evaluation.readLabels("labels.csv", LABELS), studies());

    assertEquals(new StudyVerdicts.Tally(1, 1, 1, 0), v.highGrade());
    assertEquals(new StudyVerdicts.Tally(0, 0, 1, 1), v.lowGrade());
    assertEquals(2.0 / 3, v.highGrade().notCalledLow().value(), 1e-12);
    assertTrue(v.highGrade().notCalledLow().lower() < 2.0 / 3);
    assertEquals(List.of(new StudyVerdicts.Missed("B", "1c", 0.07)), v.missed());

    String text = String.join("\n", v.text());
    assertTrue(
        text.contains("high-grade studies: 1 high, 1 indeterminate, 1 low, 0 none (of 3)"), text);
    assertTrue(text.contains("[2/3]"), text);
    assertTrue(text.contains("low-grade studies:  0 high, 0 indeterminate, 1 low, 1 none (of 2)"));
    assertTrue(
        text.contains("high-grade study called low: B, worst reference 1c, largest P(high) 0.070"),
        text);
    JsonNode d = new ObjectMapper().valueToTree(v.document());
    assertEquals(1, d.path("high_grade").path("low").asInt());
    assertEquals("B", d.path("high_grade_called_low").get(0).path("study_instance_uid").asText());
    assertEquals(1, d.path("low_grade").path("none").asInt());
  }

  @Test
  void aMissWithoutAnyPHighSaysSoRatherThanNaN() throws Exception {
    List<JsonNode> studies = new ArrayList<>();
    new ObjectMapper()
        .readTree(
            "{\"studies\":[{\"study_instance_uid\":\"B\",\"series\":[{\"verdict\":"
                + "{\"group\":\"low\"},\"slices\":[{\"sop_instance_uid\":\"B2\"}]}]}]}")
        .path("studies")
        .forEach(studies::add);
    StudyVerdicts v = StudyVerdicts.of(Evaluation.readLabels("labels.csv", LABELS), studies);
    String text = String.join("\n", v.text());
    assertTrue(text.contains("largest P(high) none (no graded slice has one)"), text);
    JsonNode d = new ObjectMapper().valueToTree(v.document());
    assertTrue(d.path("high_grade_called_low").get(0).path("largest_p_high").isNull(), d::toString);
  }

  @Test
  void withoutHighGradeStudiesTheShareIsUndefined() throws Exception {
    StudyVerdicts v =
        StudyVerdicts.of(
            Evaluation.readLabels(
                "labels.csv", "study_instance_uid,sop_instance_uid,grade\nD,D1,0\n"),
            studies());
    assertEquals(new StudyVerdicts.Tally(0, 0, 0, 0), v.highGrade());
    assertTrue(
        String.join("\n", v.text()).contains("undefined (no high-grade study"), v.text()::toString);
  }
}
