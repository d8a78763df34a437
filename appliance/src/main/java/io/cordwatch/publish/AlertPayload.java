package io.cordwatch.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.Verdict;
import java.nio.charset.StandardCharsets;

/**
 * The JSON body of a webhook alert: a series verdict that needs a person soon (high grade, or
 * indeterminate: read manually). It names the study and series by UID (as the API does) and the
 * model; it carries no patient name, ID or birth date. The event id is fixed per verdict, so a
 * receiver can drop a repeat delivery.
 */
final class AlertPayload {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertPayload() {}

  /** Whether {@code v} is alerted on. */
  static boolean alerts(Verdict v) {
    return v.high() || v.indeterminate();
  }

  /** The event id of the alert about {@code r}. */
  static String eventId(SeriesReport r) {
    return Uids.named(
        "cordwatch/alert/"
            + r.seriesUid()
            + "/"
            + r.model().sha256()
            + "/"
            + r.gradedAt().toEpochMilli());
  }

  static byte[] body(SeriesReport r) {
    Verdict v = r.verdict();
    ObjectNode o = JSON.createObjectNode();
    o.put("event", "cordwatch.verdict");
    o.put("event_id", eventId(r));
    o.put("study_instance_uid", r.studyUid());
    o.put("series_instance_uid", r.seriesUid());
    o.put("group", v.group());
    o.put("grade", v.grade());
    o.put("indeterminate_reason", v.indeterminateReason());
    o.put("indeterminate_message", v.indeterminateMessage());
    o.put("key_images", v.keyImages().size());
    o.put("graded_at", r.gradedAt().toString());
    ObjectNode m = o.putObject("model");
    m.put("name", r.model().name());
    m.put("version", r.model().version());
    m.put("clinical_use", r.model().clinicalUse());
    try {
      return JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new PublishException(PublishException.Code.BUILD_FAILED, e.getOriginalMessage(), e);
    }
  }
}
