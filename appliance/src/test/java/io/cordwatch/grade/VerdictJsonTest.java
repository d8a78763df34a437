package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.infer.VerdictLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictJsonTest {
  private static final Verdict HIGH_SERIES =
      new Verdict(
          "2",
          Verdict.HIGH,
          null,
          null,
          List.of(
              new Verdict.Segment(3, 5, 3, "2", new Verdict.KeyImage("1.2.3.4", 1, "2", 0.875))),
          List.of(new Verdict.KeyImage("1.2.3.4", 1, "2", 0.875)),
          new Verdict.Counts(12, 10, 1, 1, 2, 3, 1, 0, 0, 0, 0, 0),
          new Verdict.Model(
              "demo",
              "onnx",
              "onnxruntime-cpu",
              false,
              "threshold 0.23",
              new VerdictLimits(0.25, 0.5)),
          new Verdict.Timings(1, 2, 3, 4, 10, 5));

  @Test
  void aStoredVerdictReadsBackAsTheSameRecord() {
    assertEquals(HIGH_SERIES, VerdictJson.readVerdict(VerdictJson.verdict(HIGH_SERIES)));
  }

  @Test
  void theWireNamesAreSnakeCaseWithNullsWrittenOut() {
    JsonNode t = VerdictJson.tree(VerdictJson.verdict(HIGH_SERIES));
    assertTrue(
        t.has("indeterminate_reason") && t.get("indeterminate_reason").isNull(), t::toString);
    assertTrue(t.has("indeterminate_message"), t::toString);
    assertEquals(3, t.path("counts").path("high_calls").asInt(), t::toString);
    assertEquals(1, t.path("counts").path("uncertain_high_calls").asInt(), t::toString);
    assertEquals(1, t.path("counts").path("no_roi").asInt(), t::toString);
    assertEquals("threshold 0.23", t.path("model").path("decision").asText(), t::toString);
    assertEquals(
        0.5, t.path("model").path("limits").path("max_no_roi_fraction").asDouble(), t::toString);
    assertEquals("1.2.3.4", t.path("key_images").get(0).path("sop_instance_uid").asText());
    assertEquals(3, t.path("segments").get(0).path("first_slice").asInt());
    assertEquals(10, t.path("timings").path("total_ms").asInt());
  }

  @Test
  void aVerdictStoredBeforeTheIndeterminateFieldsReadsWithNulls() {
    String old =
        "{\"grade\":\"0\",\"group\":\"low\",\"segments\":[],\"key_images\":[],"
            + "\"counts\":{\"slices\":2,\"graded\":2,\"no_roi\":0,\"unreadable\":0,\"uncertain\":0},"
            + "\"model\":{\"name\":\"m\",\"format\":\"onnx\",\"engine\":\"e\",\"clinical_use\":false},"
            + "\"timings\":{\"decode_ms\":1,\"preprocess_ms\":1,\"inference_ms\":1,\"head_ms\":1,"
            + "\"total_ms\":4}}";
    Verdict v = VerdictJson.readVerdict(old);
    assertEquals(Verdict.LOW, v.group());
    assertNull(v.indeterminateReason());
    assertEquals(0, v.counts().highCalls());
    assertNull(v.model().limits());
    assertEquals(4, v.timings().totalMs());
  }

  @Test
  void somethingElseIsNotReadAsAVerdict() {
    assertThrows(IllegalArgumentException.class, () -> VerdictJson.readVerdict("{\"x\":1}"));
    assertThrows(IllegalArgumentException.class, () -> VerdictJson.readVerdict("not json"));
  }
}
