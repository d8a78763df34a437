package io.cordwatch.infer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.BundleException.Code;
import io.cordwatch.infer.BundleManifest.FileRef;
import io.cordwatch.json.StrictJson;
import io.cordwatch.json.StrictJson.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads bundle.json into {@link BundleManifest} records, strictly: JSON that is not well formed (a
 * duplicate key included), an unknown key, a missing required key, an explicit null, or a value of
 * the wrong JSON type (no "224" for 224, no 2.5 for an integer) is a {@link BundleException} with
 * code {@code MALFORMED_MANIFEST}; {@code format_version} other than {@link Bundles#FORMAT_VERSION}
 * is {@code UNSUPPORTED_FORMAT}. A {@link PreprocessingSpec} or {@link LocalizerSpec} out of range
 * is {@code BAD_VALUE}. Every message names the file and the JSON path of the field
 * ("head.temperature"), as the hand-written reader before it did, because the person reading it has
 * a bundle in hand, not our code.
 *
 * <p>Jackson does the reading, set up strictly by {@link StrictJson} (shared with the device
 * profiles); this class only words its problems as the bundle's error codes and messages.
 */
final class BundleManifestReader {
  /** The mapper for bundle.json and localizer specs, reading and writing. */
  static final ObjectMapper JSON =
      StrictJson.strict(JsonMapper.builder())
          .enable(SerializationFeature.INDENT_OUTPUT)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .build();

  /** The keys of a localizer's run-time half, in the order they are written. */
  static final List<String> LOCALIZER_SPEC_KEYS =
      fieldNames(JSON.valueToTree(LocalizerSpec.defaults()));

  private BundleManifestReader() {}

  /**
   * Parses bundle.json.
   *
   * @param where the text messages start with: the bundle and the manifest's name
   */
  static BundleManifest read(byte[] json, String where) {
    JsonNode root = tree(json, where, "");
    JsonNode version = root.get(BundleManifest.FORMAT_VERSION);
    if (version != null
        && version.isIntegralNumber()
        && (!version.canConvertToInt() || version.intValue() != Bundles.FORMAT_VERSION)) {
      throw new BundleException(
          Code.UNSUPPORTED_FORMAT,
          where
              + " "
              + BundleManifest.FORMAT_VERSION
              + " is "
              + version
              + "; this appliance reads "
              + BundleManifest.FORMAT_VERSION
              + " "
              + Bundles.FORMAT_VERSION);
    }
    return bind(root, BundleManifest.class, where, "");
  }

  /** A bundle.json {@code localizer} entry: the file it names and how to run it. */
  record LocalizerEntry(FileRef file, LocalizerSpec spec) {}

  /** A bundle.json {@code segmenter} entry: the file it names and how to run it. */
  record SegmenterEntry(FileRef file, SegmenterSpec spec) {}

  /**
   * Splits a {@code localizer} entry into its file and its run-time spec. Bundles written before
   * the run-time keys existed named only the file; such an entry is refused with a message saying
   * what it lacks, since a localizer cannot be run without its input size and threshold.
   */
  static LocalizerEntry localizer(ObjectNode entry, String where) {
    ObjectNode spec = entry.deepCopy();
    ObjectNode file = fileKeys(spec);
    String path = BundleManifest.LOCALIZER;
    LocalizerSpec s = bindSpec(spec, where, path, List.of(FileRef.FILE, FileRef.SHA256));
    return new LocalizerEntry(bind(file, FileRef.class, where, path), s);
  }

  /** Splits a {@code segmenter} entry into its file and its spec. */
  static SegmenterEntry segmenter(ObjectNode entry, String where) {
    ObjectNode spec = entry.deepCopy();
    String path = BundleManifest.SEGMENTER;
    ObjectNode file = fileKeys(spec);
    SegmenterSpec s =
        bind(spec, SegmenterSpec.class, where, path, List.of(FileRef.FILE, FileRef.SHA256));
    return new SegmenterEntry(bind(file, FileRef.class, where, path), s);
  }

  /**
   * A segmenter spec read from the JSON the trainer stores in the ONNX file's metadata, with the
   * veto threshold given beside it (the metadata has none: it is chosen on validation).
   */
  static SegmenterSpec segmenterSpec(String json, double vetoBelowMm2, String where) {
    // tree() has checked that the text holds an object, freshly parsed: ours to add the key to.
    ObjectNode spec =
        (ObjectNode) tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), where, "");
    spec.put(SegmenterSpec.VETO_BELOW_MM2, vetoBelowMm2);
    return bind(spec, SegmenterSpec.class, where, BundleManifest.SEGMENTER);
  }

  /** Removes the file keys from an entry and returns them as an object of their own. */
  private static ObjectNode fileKeys(ObjectNode entry) {
    ObjectNode file = JSON.createObjectNode();
    for (String k : List.of(FileRef.FILE, FileRef.SHA256)) {
      JsonNode v = entry.remove(k);
      if (v != null) {
        file.set(k, v);
      }
    }
    return file;
  }

  /** A localizer spec read from its JSON (ONNX metadata), as strictly as bundle.json. */
  static LocalizerSpec localizerSpec(String json, String where) {
    JsonNode node = tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), where, "");
    return bindSpec(node, where, BundleManifest.LOCALIZER, List.of());
  }

  private static LocalizerSpec bindSpec(
      JsonNode spec, String where, String path, List<String> alsoKnown) {
    if (!spec.has(LOCALIZER_SPEC_KEYS.getFirst())) {
      // Checked before any other key: this is what an entry from before the keys existed lacks.
      throw new BundleException(
          Code.MALFORMED_MANIFEST,
          where
              + " "
              + path
              + "."
              + LOCALIZER_SPEC_KEYS.getFirst()
              + " is missing: a localizer entry must say how to run the model ("
              + String.join(", ", LOCALIZER_SPEC_KEYS)
              + "; docs/model-bundle.md). A bundle made before these keys existed can take a"
              + " retrained localizer with 'cordwatch bundle add-localizer'");
    }
    return bind(spec, LocalizerSpec.class, where, path, alsoKnown);
  }

  private static JsonNode tree(byte[] json, String where, String path) {
    JsonNode root = StrictJson.tree(JSON, json, p -> translate(p, where, path, List.of()));
    if (root == null || !root.isObject()) {
      throw new BundleException(Code.MALFORMED_MANIFEST, where + " must hold a JSON object");
    }
    return root;
  }

  private static <T> T bind(JsonNode node, Class<T> type, String where, String path) {
    return bind(node, type, where, path, List.of());
  }

  /** As above, with keys the object may also hold named in an unknown-key message. */
  private static <T> T bind(
      JsonNode node, Class<T> type, String where, String path, List<String> alsoKnown) {
    return StrictJson.bind(JSON, node, type, p -> translate(p, where, path, alsoKnown));
  }

  /**
   * A strict-reading problem as the bundle's exception: the code by kind, the message naming the
   * JSON path of the field (prefixed by {@code path} when the bound node is not the file's root)
   * and, for a wrong type, the value found there.
   */
  private static BundleException translate(
      Problem p, String where, String path, List<String> alsoKnown) {
    String key = p.key(path);
    return switch (p.kind()) {
      case SYNTAX ->
          new BundleException(
              Code.MALFORMED_MANIFEST, where + " is not valid JSON: " + p.detail(), p.cause());
      case UNREADABLE ->
          new BundleException(
              Code.MALFORMED_MANIFEST, where + " cannot be read: " + p.detail(), p.cause());
      case UNKNOWN_KEY -> {
        List<String> known = new ArrayList<>(p.known());
        known.addAll(alsoKnown);
        yield new BundleException(
            Code.MALFORMED_MANIFEST,
            where + " has unknown key " + key + " (known here: " + String.join(", ", known) + ")",
            p.cause());
      }
      case MISSING ->
          new BundleException(
              Code.MALFORMED_MANIFEST, where + " " + key + " is missing", p.cause());
      case WRONG_TYPE ->
          new BundleException(
              Code.MALFORMED_MANIFEST,
              where
                  + " "
                  + key
                  + " must be "
                  + kind(p.targetType())
                  + (p.found() == null ? "" : ", got " + p.found()),
              p.cause());
      // The records' own range checks name the key relative to their object.
      case BAD_VALUE ->
          new BundleException(
              Code.BAD_VALUE,
              where + " " + (key.isEmpty() ? p.detail() : key + "." + p.detail()),
              p.cause());
      case OTHER ->
          new BundleException(
              Code.MALFORMED_MANIFEST, where + " " + key + ": " + p.detail(), p.cause());
    };
  }

  /** What a value of {@code type} looks like in JSON, for "must be ...". */
  private static String kind(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == double.class || type == Double.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "an array of strings";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object of numbers";
    }
    return "an object";
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
