package io.cordwatch.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cordwatch.json.StrictJson;
import io.cordwatch.json.StrictJson.Problem;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads a profile's YAML into a {@link ProfileYaml}, strictly ({@link StrictJson}, as bundle.json
 * is read): YAML that is not well formed (a duplicate key included), an unknown key, a missing
 * required key, an explicit null or a value of the wrong type is a {@link ProfileException} naming
 * the file and the key path ("dla.cores"), in the words of a site engineer editing YAML ("must be
 * text", "must be a whole number").
 */
final class ProfileReader {
  private static final ObjectMapper YAML = StrictJson.strict(YAMLMapper.builder()).build();

  private ProfileReader() {}

  /**
   * @param text the YAML
   * @param where the file's location, for messages
   */
  static ProfileYaml read(String text, String where) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    JsonNode root = StrictJson.tree(YAML, bytes, p -> translate(p, null, where));
    if (root == null || !root.isObject()) {
      throw new ProfileException(where + ": must hold a YAML mapping");
    }
    return StrictJson.bind(YAML, root, ProfileYaml.class, p -> translate(p, root, where));
  }

  private static ProfileException translate(Problem p, JsonNode root, String where) {
    String key = p.key("");
    String message =
        switch (p.kind()) {
          case SYNTAX -> "not valid YAML: " + p.detail();
          case UNREADABLE -> "cannot be read: " + p.detail();
          case UNKNOWN_KEY ->
              "unknown key " + key + " (known here: " + String.join(", ", p.known()) + ")";
          case MISSING -> key + " is missing";
          case WRONG_TYPE -> wrongType(p, root);
          case BAD_VALUE -> key + " " + p.detail();
          case OTHER -> key + ": " + p.detail();
        };
    return new ProfileException(where + ": " + message, p.cause());
  }

  /** "KEY must be ..., got VALUE"; a wrong entry in a list is reported with the whole list. */
  private static String wrongType(Problem p, JsonNode root) {
    List<String> path = p.path();
    JsonNode found = p.found();
    Class<?> type = p.targetType();
    if (!path.isEmpty() && path.getLast().startsWith("[") && root != null) {
      path = path.subList(0, path.size() - 1);
      found = at(root, path);
      type = List.class;
    }
    String key = String.join(".", path);
    String last = path.isEmpty() ? "" : path.getLast();
    String must;
    if (type == null) {
      must = "must be of another type";
    } else if (type == String.class) {
      must = "must be text";
    } else if (type == int.class || type == Integer.class) {
      must = "must be a whole number";
    } else if (type == double.class || type == Double.class) {
      must = "must be a number";
    } else if (type == boolean.class || type == Boolean.class) {
      must = "must be true or false";
    } else if (List.class.isAssignableFrom(type)) {
      must = "must be a list of text";
    } else if (JsonNode.class.isAssignableFrom(type)) {
      must =
          last.equals(ProfileYaml.WORKSPACE)
              ? ProfileChecks.SIZE_SHAPE
              : ProfileChecks.CAPABILITIES_SHAPE;
    } else {
      // A nested record: what was found instead of the mapping adds nothing to the fix.
      return key + " must be a mapping";
    }
    return key + " " + must + (found == null ? "" : ", got " + found);
  }

  private static JsonNode at(JsonNode root, List<String> path) {
    JsonNode n = root;
    for (String k : path) {
      n = k.startsWith("[") ? n.path(Integer.parseInt(k.substring(1, k.length() - 1))) : n.path(k);
    }
    return n.isMissingNode() ? null : n;
  }
}
