package io.cordwatch.infer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.cordwatch.infer.BundleException.Code;
import io.cordwatch.infer.BundleManifest.FileRef;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Jackson does the reading; this class only configures it to refuse what a lenient mapper
 * accepts and translates its exceptions into the bundle's error codes.
 */
final class BundleManifestReader {
  /** The mapper for bundle.json and localizer specs, reading and writing. */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .withCoercionConfig(
              LogicalType.Textual,
              c ->
                  c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .build();

  private static final Pattern MISSING =
      Pattern.compile("Missing required creator property '([^']+)'");

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

  /**
   * Splits a {@code localizer} entry into its file and its run-time spec. Bundles written before
   * the run-time keys existed named only the file; such an entry is refused with a message saying
   * what it lacks, since a localizer cannot be run without its input size and threshold.
   */
  static LocalizerEntry localizer(ObjectNode entry, String where) {
    ObjectNode spec = entry.deepCopy();
    ObjectNode file = JSON.createObjectNode();
    for (String k : List.of(FileRef.FILE, FileRef.SHA256)) {
      JsonNode v = spec.remove(k);
      if (v != null) {
        file.set(k, v);
      }
    }
    String path = "localizer";
    LocalizerSpec s = bindSpec(spec, where, path, List.of(FileRef.FILE, FileRef.SHA256));
    FileRef f = bind(file, FileRef.class, where, path);
    return new LocalizerEntry(f, s);
  }

  /** A localizer spec read from its JSON (ONNX metadata), as strictly as bundle.json. */
  static LocalizerSpec localizerSpec(String json, String where) {
    JsonNode node = tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), where, "");
    return bindSpec(node, where, "localizer", List.of());
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
    refuseNulls(spec, LocalizerSpec.class, where, path);
    try {
      return JSON.treeToValue(spec, LocalizerSpec.class);
    } catch (JsonProcessingException e) {
      throw translate(e, spec, where, path, alsoKnown);
    }
  }

  private static JsonNode tree(byte[] json, String where, String path) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new BundleException(
          Code.MALFORMED_MANIFEST, where + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new BundleException(Code.MALFORMED_MANIFEST, where + " cannot be read: " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new BundleException(Code.MALFORMED_MANIFEST, where + " must hold a JSON object");
    }
    return root;
  }

  private static <T> T bind(JsonNode node, Class<T> type, String where, String path) {
    refuseNulls(node, type, where, path);
    try {
      return JSON.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw translate(e, node, where, path, List.of());
    }
  }

  /**
   * Jackson's exception as the bundle's: the code by kind, the message naming the JSON path of the
   * field (prefixed by {@code path} when {@code node} is not the file's root) and, for a wrong
   * type, the value found there.
   */
  private static BundleException translate(
      JsonProcessingException e, JsonNode node, String where, String path, List<String> alsoKnown) {
    if (!(e instanceof JsonMappingException m)) {
      return new BundleException(
          Code.MALFORMED_MANIFEST, where + " " + path + ": " + e.getOriginalMessage(), e);
    }
    List<String> names = new ArrayList<>();
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        names.add(r.getFieldName());
        pointer.append('/').append(escape(r.getFieldName()));
      } else if (r.getIndex() >= 0) {
        names.add("[" + r.getIndex() + "]");
        pointer.append('/').append(r.getIndex());
      }
    }
    switch (e) {
      case UnrecognizedPropertyException u -> {
        if (names.isEmpty() || !names.getLast().equals(u.getPropertyName())) {
          names.add(u.getPropertyName());
        }
        List<String> known = new ArrayList<>();
        for (Object k : (Collection<?>) u.getKnownPropertyIds()) {
          known.add(String.valueOf(k));
        }
        known.addAll(alsoKnown);
        return new BundleException(
            Code.MALFORMED_MANIFEST,
            where
                + " has unknown key "
                + key(path, names)
                + " (known here: "
                + String.join(", ", known)
                + ")",
            e);
      }
      case ValueInstantiationException v
          when v.getCause() instanceof IllegalArgumentException a -> {
        // The records' own range checks name the key relative to their object.
        List<String> at = new ArrayList<>(names);
        at.add(a.getMessage());
        return new BundleException(Code.BAD_VALUE, where + " " + key(path, at), e);
      }
      case InvalidNullException n -> {
        return new BundleException(
            Code.MALFORMED_MANIFEST,
            where + " " + key(path, names) + " must be " + kind(n.getTargetType()) + ", got null",
            e);
      }
      case MismatchedInputException mi -> {
        Matcher missing = MISSING.matcher(mi.getOriginalMessage());
        if (missing.find()) {
          if (names.isEmpty() || !names.getLast().equals(missing.group(1))) {
            names.add(missing.group(1));
          }
          return new BundleException(
              Code.MALFORMED_MANIFEST, where + " " + key(path, names) + " is missing", e);
        }
        JsonNode found = node.at(pointer.toString());
        return new BundleException(
            Code.MALFORMED_MANIFEST,
            where
                + " "
                + key(path, names)
                + " must be "
                + kind(mi.getTargetType())
                + (found.isMissingNode() ? "" : ", got " + found),
            e);
      }
      default -> {
        return new BundleException(
            Code.MALFORMED_MANIFEST,
            where + " " + key(path, names) + ": " + e.getOriginalMessage(),
            e);
      }
    }
  }

  /**
   * Refuses an explicit JSON null anywhere under {@code node} (bound to the record {@code type}),
   * except for a component that allows it with {@code @JsonSetter(nulls = Nulls.SET)}. Jackson
   * cannot tell a null from an absent optional key for a record, so this is done on the tree.
   */
  private static void refuseNulls(JsonNode node, Class<?> type, String where, String path) {
    if (!type.isRecord() || !node.isObject()) {
      return;
    }
    for (RecordComponent c : type.getRecordComponents()) {
      Field f;
      try {
        f = type.getDeclaredField(c.getName());
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException("a record has a field per component", e);
      }
      JsonProperty p = f.getAnnotation(JsonProperty.class);
      String name = p == null || p.value().isEmpty() ? c.getName() : p.value();
      JsonNode v = node.get(name);
      if (v == null) {
        continue;
      }
      String at = path.isEmpty() ? name : path + "." + name;
      JsonSetter s = f.getAnnotation(JsonSetter.class);
      boolean nullable = s != null && s.nulls() == Nulls.SET;
      boolean nullInside = false;
      for (JsonNode e : v) {
        nullInside |= e.isNull() && (v.isArray() || Map.class.isAssignableFrom(c.getType()));
      }
      if ((v.isNull() && !nullable) || nullInside) {
        throw new BundleException(
            Code.MALFORMED_MANIFEST,
            where + " " + at + " must be " + kind(c.getType()) + ", got " + v);
      }
      refuseNulls(v, c.getType(), where, at);
    }
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  private static String key(String path, List<String> names) {
    StringBuilder b = new StringBuilder(path);
    for (String n : names) {
      if (!b.isEmpty() && !n.startsWith("[")) {
        b.append('.');
      }
      b.append(n);
    }
    return b.toString();
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
