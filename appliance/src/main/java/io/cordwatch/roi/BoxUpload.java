package io.cordwatch.roi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Canal boxes sent to the appliance rather than configured: a JSON list or a labels.csv text. The
 * JSON form is a list of objects {@code {"sop_instance_uid": "1.2...", "frame": 1, "x0": 181, "y0":
 * 207, "x1": 215, "y1": 235}} ({@code frame} optional, 1 when absent), coordinates being 0-based
 * inclusive pixel indices like every other box ({@link CanalBox}). The labels.csv form is exactly
 * what {@link SuppliedBoxes} reads from a file.
 *
 * <p>Input is refused whole with a message naming the item (or line) and the field, because a
 * silently dropped box becomes a "no ROI" slice nobody can explain; unknown fields are refused too,
 * so that {@code xmin} is not quietly read as "no x0".
 */
public final class BoxUpload {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS =
      Set.of("sop_instance_uid", "frame", "x0", "y0", "x1", "y1");

  /** Boxes above this many are refused: far more slices than any study has. */
  public static final int MAX_BOXES = 20_000;

  private BoxUpload() {}

  /** Input that cannot be used; the message names the item or line and what is wrong. */
  public static final class BoxUploadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BoxUploadException(String message) {
      super(message);
    }
  }

  /**
   * Parses the JSON form.
   *
   * @throws BoxUploadException naming the item (1-based) and field that cannot be used
   */
  public static List<SliceBox> fromJson(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BoxUploadException(
          "not JSON: " + e.getOriginalMessage() + " (line " + line(e) + ")");
    } catch (java.io.IOException e) {
      throw new BoxUploadException("not JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || !root.isArray()) {
      throw new BoxUploadException(
          "expected a JSON list of boxes [{\"sop_instance_uid\": ..., \"frame\": 1, \"x0\": ...,"
              + " \"y0\": ..., \"x1\": ..., \"y1\": ...}]");
    }
    if (root.size() > MAX_BOXES) {
      throw new BoxUploadException(root.size() + " boxes; at most " + MAX_BOXES + " are accepted");
    }
    List<SliceBox> out = new ArrayList<>(root.size());
    Map<String, SliceBox> seen = new HashMap<>();
    for (int i = 0; i < root.size(); i++) {
      String where = "item " + (i + 1);
      JsonNode item = root.get(i);
      if (!item.isObject()) {
        throw new BoxUploadException(where + ": expected an object, got " + item.getNodeType());
      }
      for (var names = item.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!FIELDS.contains(name)) {
          throw new BoxUploadException(
              where
                  + ": unknown field '"
                  + name
                  + "' (expected sop_instance_uid, frame, x0, y0, x1, y1)");
        }
      }
      JsonNode uid = item.get("sop_instance_uid");
      if (uid == null || !uid.isTextual() || uid.asText().isBlank()) {
        throw new BoxUploadException(where + ": sop_instance_uid must be a non-empty string");
      }
      String sop = uid.asText().strip();
      int frame = item.has("frame") ? integer(where, item, "frame") : 1;
      if (frame < 1) {
        throw new BoxUploadException(where + ": frame must be 1 or more, got " + frame);
      }
      SliceBox box;
      try {
        box =
            new SliceBox(
                sop,
                frame,
                new CanalBox(
                    integer(where, item, "x0"),
                    integer(where, item, "y0"),
                    integer(where, item, "x1"),
                    integer(where, item, "y1")));
      } catch (IllegalArgumentException e) {
        throw new BoxUploadException(where + ": " + e.getMessage());
      }
      SliceBox before = seen.put(sop + "#" + frame, box);
      if (before == null) {
        out.add(box);
      } else if (!before.equals(box)) {
        throw new BoxUploadException(
            where + ": a second, different box for the same instance and frame");
      }
    }
    return out;
  }

  /**
   * Parses the labels.csv form.
   *
   * @throws BoxFileException naming the line ({@code labels.csv:3: ...})
   */
  public static List<SliceBox> fromCsv(byte[] body) {
    List<SliceBox> out =
        SuppliedBoxes.parseCsv(new String(body, StandardCharsets.UTF_8), "labels.csv").slices();
    if (out.size() > MAX_BOXES) {
      throw new BoxUploadException(out.size() + " boxes; at most " + MAX_BOXES + " are accepted");
    }
    return out;
  }

  private static int integer(String where, JsonNode item, String field) {
    JsonNode n = item.get(field);
    if (n == null || n.isNull()) {
      throw new BoxUploadException(where + ": " + field + " is missing");
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new BoxUploadException(where + ": " + field + " must be a whole number, got " + n);
    }
    return n.intValue();
  }

  private static int line(JsonProcessingException e) {
    return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
  }
}
