package io.cordwatch.infer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.BundleException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Reads, checks and writes model bundles (docs/model-bundle.md).
 *
 * <p>A bundle is what decides a patient's grade, so loading is strict: every file is checked
 * against its sha256 before anything is parsed, unknown keys are errors (a misspelt {@code
 * temprature} must not silently fall back to a default), and every problem is a {@link
 * BundleException} whose message names the file and the key or numbers involved, since the person
 * reading it is a site engineer with a bundle in hand, not a developer.
 *
 * <p>Loading does not need ONNX Runtime: a bundle can be inspected on any machine. {@link #verify}
 * adds what only a runtime can tell (the graph loads, its input layout, its real output width).
 *
 * <p>A .zip is unpacked first by {@link BundleZip}, which refuses entries that would land outside
 * its folder and archives too large to be a bundle.
 */
public final class Bundles {
  private static final Logger LOG = Logger.getLogger(Bundles.class.getName());

  public static final String MANIFEST = "bundle.json";
  public static final int FORMAT_VERSION = 1;

  /**
   * The key of an ONNX file's {@code metadata_props} entry in which the trainer stores the
   * localizer's {@link LocalizerSpec}, as the JSON object bundle.json's {@code localizer} holds
   * (without {@code file} and {@code sha256}).
   */
  public static final String LOCALIZER_METADATA_KEY = "cordwatch.localizer";

  /** The file name a localizer gets inside a bundle made or changed here. */
  public static final String LOCALIZER_FILE = "localizer.onnx";

  private static final List<String> LOCALIZER_SPEC_KEYS =
      List.of(
          "input_size",
          "window_low_percentile",
          "window_high_percentile",
          "output",
          "threshold",
          "context",
          "refinements");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private Bundles() {}

  /**
   * Loads and checks a bundle folder or .zip without running the backbone.
   *
   * @throws BundleException naming the problem and the file
   */
  public static Bundle load(Path path) {
    Objects.requireNonNull(path, "path");
    if (Files.isDirectory(path)) {
      return loadDirectory(path, path);
    }
    if (Files.isRegularFile(path)) {
      return loadDirectory(BundleZip.unpack(path), path);
    }
    throw new BundleException(Code.MISSING_FILE, path + ": no such bundle folder or .zip");
  }

  /** A bundle whose backbone has been run once by ONNX Runtime. */
  public record Verified(Bundle bundle, String engine, InputShape inputShape, int embeddingWidth) {}

  /**
   * Loads a bundle and proves its backbone (and localizer, if any) load in ONNX Runtime, with the
   * input layout we can feed and the embedding width bundle.json states.
   */
  public static Verified verify(Path path) {
    Bundle bundle = load(path);
    try (BackboneEngine engine = openEngine(bundle)) {
      bundle.localizer().ifPresent(l -> OnnxLocalizer.open(l.path(), l.spec()).close());
      return new Verified(bundle, engine.name(), engine.inputShape(), engine.embeddingWidth());
    }
  }

  /**
   * Opens the bundle's backbone on the CPU engine and checks that its output width is D.
   *
   * @throws BundleException {@code EMBEDDING_WIDTH}, {@code INPUT_LAYOUT}, {@code MODEL_UNLOADABLE}
   */
  public static OnnxRuntimeEngine openEngine(Bundle bundle) {
    OnnxRuntimeEngine engine =
        OnnxRuntimeEngine.open(bundle.backbone().path(), bundle.preprocessing().inputSize());
    if (engine.embeddingWidth() != bundle.embeddingWidth()) {
      engine.close();
      throw new BundleException(
          Code.EMBEDDING_WIDTH,
          bundle.backbone().file()
              + ": the backbone's output width is "
              + engine.embeddingWidth()
              + " but bundle.json backbone.embedding_width (D of the prototypes) is "
              + bundle.embeddingWidth());
    }
    return engine;
  }

  /**
   * Opens the bundle's localizer on ONNX Runtime, checking its layout against bundle.json.
   *
   * @throws BundleException {@code LOCALIZER_LAYOUT}, {@code MODEL_UNLOADABLE}; {@code
   *     MISSING_FILE} when the bundle has no localizer
   */
  public static OnnxLocalizer openLocalizer(Bundle bundle) {
    BundleLocalizer l =
        bundle
            .localizer()
            .orElseThrow(
                () ->
                    new BundleException(
                        Code.MISSING_FILE, bundle.source() + ": the bundle has no localizer"));
    return OnnxLocalizer.open(l.path(), l.spec());
  }

  // ---------------------------------------------------------------------------------------------
  // Reading bundle.json

  private static Bundle loadDirectory(Path dir, Path source) {
    Path manifestPath = dir.resolve(MANIFEST);
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(manifestPath));
    } catch (NoSuchFileException e) {
      throw new BundleException(Code.MISSING_FILE, source + ": " + MANIFEST + " is missing");
    } catch (JsonProcessingException e) {
      throw new BundleException(
          Code.MALFORMED_MANIFEST,
          source + ": " + MANIFEST + " is not valid JSON: " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE, source + ": cannot read " + MANIFEST + ": " + e.getMessage(), e);
    }
    Reader m = new Reader(root, "", source);
    int version = m.requireInt("format_version");
    if (version != FORMAT_VERSION) {
      throw new BundleException(
          Code.UNSUPPORTED_FORMAT,
          source
              + ": "
              + MANIFEST
              + " format_version is "
              + version
              + "; this appliance reads format_version "
              + FORMAT_VERSION);
    }
    m.allowOnly(
        "format_version",
        "name",
        "backbone",
        "localizer",
        "head",
        "preprocessing",
        "calibration",
        "provenance");
    String name = m.optionalString("name").orElse(dir.getFileName().toString());

    Reader bb = m.object("backbone");
    bb.allowOnly("file", "sha256", "embedding_width");
    int d = bb.requireInt("embedding_width");
    if (d < 1) {
      throw bb.badValue("embedding_width", "must be >= 1, got " + d);
    }
    Reader loc = m.has("localizer") ? m.object("localizer") : null;
    LocalizerSpec localizerSpec = null;
    if (loc != null) {
      List<String> keys = new ArrayList<>(List.of("file", "sha256"));
      keys.addAll(LOCALIZER_SPEC_KEYS);
      loc.allowOnly(keys.toArray(String[]::new));
      localizerSpec = localizerSpec(loc);
    }

    Reader head = m.object("head");
    head.allowOnly(
        "prototypes",
        "classes",
        "high_grade",
        "temperature",
        "ood_scale",
        "ood_threshold",
        "high_threshold",
        "max_uncertain_fraction",
        "max_no_roi_fraction");
    List<String> classes = head.optionalStrings("classes").orElse(Bundle.DEFAULT_CLASSES);
    List<String> highGrade = head.optionalStrings("high_grade").orElse(Bundle.DEFAULT_HIGH_GRADE);
    checkClasses(head, classes, highGrade);
    double temperature = head.requireDouble("temperature");
    if (!(temperature > 0 && Double.isFinite(temperature))) {
      throw head.badValue("temperature", "must be a finite number > 0, got " + temperature);
    }
    double oodScale = head.has("ood_scale") ? head.requireDouble("ood_scale") : 1.0;
    if (!(oodScale > 0 && Double.isFinite(oodScale))) {
      throw head.badValue("ood_scale", "must be a finite number > 0, got " + oodScale);
    }
    double oodThreshold = head.requireDoubleOrNull("ood_threshold");
    if (Double.isNaN(oodThreshold)) {
      oodThreshold = Double.POSITIVE_INFINITY;
    } else if (!(oodThreshold > 0 && Double.isFinite(oodThreshold))) {
      throw head.badValue(
          "ood_threshold", "must be a finite number > 0 or null (off), got " + oodThreshold);
    }
    OptionalDouble highThreshold = OptionalDouble.empty();
    if (head.has("high_threshold")) {
      double t = head.requireDouble("high_threshold");
      if (!(t > 0 && t < 1)) {
        throw head.badValue(
            "high_threshold", "must be a probability strictly between 0 and 1, got " + t);
      }
      highThreshold = OptionalDouble.of(t);
    }
    VerdictLimits limits =
        new VerdictLimits(
            fraction(head, "max_uncertain_fraction", VerdictLimits.DEFAULT_MAX_UNCERTAIN_FRACTION),
            fraction(head, "max_no_roi_fraction", VerdictLimits.DEFAULT_MAX_NO_ROI_FRACTION));
    Reader protoRef = head.object("prototypes");
    protoRef.allowOnly("file", "sha256");

    PreprocessingSpec pre = preprocessing(m.object("preprocessing"));
    Reader cal = m.has("calibration") ? m.object("calibration") : null;
    int calibrationSlices = 0;
    if (cal != null) {
      cal.allowOnly("file", "sha256", "slices");
      calibrationSlices = cal.requireInt("slices");
      if (calibrationSlices < 1 || calibrationSlices > BundleCalibration.MAX_SLICES) {
        throw new BundleException(
            Code.CALIBRATION_SHAPE,
            source
                + ": "
                + MANIFEST
                + " calibration.slices must be 1.."
                + BundleCalibration.MAX_SLICES
                + ", got "
                + calibrationSlices);
      }
    }
    Provenance provenance = provenance(m.object("provenance"));

    // Files last: a manifest error is cheaper to report than hashing a 100 MB graph first.
    BundleFile backbone = bb.file(dir);
    BundleFile protoFile = protoRef.file(dir);
    float[][] prototypes = readPrototypes(protoFile, classes, d);
    Optional<BundleLocalizer> localizer =
        loc == null
            ? Optional.empty()
            : Optional.of(new BundleLocalizer(loc.file(dir), localizerSpec));
    Optional<BundleCalibration> calibration =
        cal == null
            ? Optional.empty()
            : Optional.of(new BundleCalibration(cal.file(dir), calibrationSlices, pre.inputSize()));
    calibration.ifPresent(BundleCalibration::checkedSize);

    return new Bundle(
        source,
        dir,
        name,
        version,
        backbone,
        d,
        localizer,
        protoFile,
        prototypes,
        classes,
        highGrade,
        temperature,
        oodScale,
        oodThreshold,
        highThreshold,
        limits,
        pre,
        calibration,
        provenance);
  }

  /** An optional share in [0, 1]; {@code absent} when the field is not there. */
  private static double fraction(Reader head, String key, double absent) {
    if (!head.has(key)) {
      return absent;
    }
    double v = head.requireDouble(key);
    if (!(v >= 0 && v <= 1)) {
      throw head.badValue(key, "must be a share between 0 and 1, got " + v);
    }
    return v;
  }

  private static void checkClasses(Reader head, List<String> classes, List<String> highGrade) {
    if (classes.isEmpty() || new HashSet<>(classes).size() != classes.size()) {
      throw head.badValue("classes", "must be non-empty and distinct, got " + classes);
    }
    for (String h : highGrade) {
      if (!classes.contains(h)) {
        throw head.badValue(
            "high_grade", "names class '" + h + "', which is not in classes " + classes);
      }
    }
  }

  private static PreprocessingSpec preprocessing(Reader p) {
    p.allowOnly(
        "input_size",
        "window_low_percentile",
        "window_high_percentile",
        "roi_margin",
        "resize",
        "mean",
        "std");
    int size = p.requireInt("input_size");
    double low = p.requireDouble("window_low_percentile");
    double high = p.requireDouble("window_high_percentile");
    double margin = p.requireDouble("roi_margin");
    String resize = p.requireString("resize");
    double mean = p.requireDouble("mean");
    double std = p.requireDouble("std");
    try {
      return new PreprocessingSpec(size, low, high, margin, resize, mean, std);
    } catch (IllegalArgumentException e) {
      throw new BundleException(
          Code.BAD_VALUE, p.source + ": " + MANIFEST + " preprocessing." + e.getMessage());
    }
  }

  /**
   * The run-time half of a {@code localizer} entry. Bundles written before these keys existed named
   * only the file; such an entry is refused with a message saying what it lacks, since a localizer
   * cannot be run without knowing its input size and threshold.
   */
  private static LocalizerSpec localizerSpec(Reader l) {
    if (!l.has("input_size")) {
      throw l.malformed(
          "input_size",
          "is missing: a localizer entry must say how to run the model ("
              + String.join(", ", LOCALIZER_SPEC_KEYS)
              + "; docs/model-bundle.md). A bundle made before these keys existed can take a"
              + " retrained localizer with 'cordwatch bundle add-localizer'");
    }
    int size = l.requireInt("input_size");
    double low = l.requireDouble("window_low_percentile");
    double high = l.requireDouble("window_high_percentile");
    String output = l.requireString("output");
    double threshold = l.requireDouble("threshold");
    double context = l.requireDouble("context");
    int refinements = l.requireInt("refinements");
    try {
      return new LocalizerSpec(size, low, high, output, threshold, context, refinements);
    } catch (IllegalArgumentException e) {
      throw new BundleException(
          Code.BAD_VALUE, l.source + ": " + MANIFEST + " " + l.key(e.getMessage()));
    }
  }

  /** A localizer spec as the JSON object bundle.json's {@code localizer} holds (no file keys). */
  public static String localizerSpecJson(LocalizerSpec spec) {
    try {
      return JSON.copy()
          .disable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(localizerSpecNode(spec));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a localizer spec always serialises", e);
    }
  }

  /**
   * Reads a localizer spec from the JSON {@link #localizerSpecJson} writes, as strictly as
   * bundle.json.
   *
   * @param where names the text's origin in messages (e.g. the ONNX file and metadata key)
   * @throws BundleException {@code MALFORMED_MANIFEST} or {@code BAD_VALUE}, naming the key
   */
  public static LocalizerSpec localizerSpecFromJson(String json, String where) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new BundleException(
          Code.MALFORMED_MANIFEST, where + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    Reader r = new Reader(node, "localizer", Path.of(where));
    r.allowOnly(LOCALIZER_SPEC_KEYS.toArray(String[]::new));
    return localizerSpec(r);
  }

  private static ObjectNode localizerSpecNode(LocalizerSpec spec) {
    ObjectNode o = JSON.createObjectNode();
    o.put("input_size", spec.inputSize());
    o.put("window_low_percentile", spec.windowLowPercentile());
    o.put("window_high_percentile", spec.windowHighPercentile());
    o.put("output", spec.output());
    o.put("threshold", spec.threshold());
    o.put("context", spec.context());
    o.put("refinements", spec.refinements());
    return o;
  }

  private static Provenance provenance(Reader p) {
    p.allowOnly("training_data", "date", "metrics", "clinical_use", "notes");
    String trainingData = p.requireString("training_data");
    String dateText = p.requireString("date");
    LocalDate date;
    try {
      date = LocalDate.parse(dateText);
    } catch (DateTimeParseException e) {
      throw p.malformed("date", "must be an ISO date (yyyy-mm-dd), got \"" + dateText + "\"");
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (p.has("metrics")) {
      Reader mr = p.object("metrics");
      for (Iterator<String> it = mr.node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        metrics.put(key, mr.requireDouble(key));
      }
    }
    JsonNode cu = p.node.get("clinical_use");
    if (cu == null || !cu.isBoolean()) {
      throw p.malformed("clinical_use", "must be true or false");
    }
    String notes = p.optionalString("notes").orElse("");
    return new Provenance(trainingData, date, metrics, cu.booleanValue(), notes);
  }

  private static float[][] readPrototypes(BundleFile f, List<String> classes, int d) {
    long bytes;
    try {
      bytes = Files.size(f.path());
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, f.file() + ": cannot read: " + e, e);
    }
    long row = 4L * d;
    if (bytes % row != 0) {
      throw new BundleException(
          Code.PROTOTYPES_SHAPE,
          f.file()
              + ": holds "
              + bytes
              + " bytes, which is not a whole number of float32 rows of D = "
              + d
              + " ("
              + row
              + " bytes each); expected K x D = "
              + classes.size()
              + " x "
              + d
              + " = "
              + classes.size() * row
              + " bytes");
    }
    long k = bytes / row;
    if (k != classes.size()) {
      throw new BundleException(
          Code.CLASS_COUNT,
          f.file()
              + ": holds K = "
              + k
              + " prototypes of D = "
              + d
              + ", but head.classes names "
              + classes.size()
              + " classes "
              + classes);
    }
    ByteBuffer buf;
    try {
      buf = ByteBuffer.wrap(Files.readAllBytes(f.path())).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, f.file() + ": cannot read: " + e, e);
    }
    float[][] out = new float[(int) k][d];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        float v = buf.getFloat();
        if (!Float.isFinite(v)) {
          throw new BundleException(
              Code.NON_FINITE_PROTOTYPES,
              f.file()
                  + ": prototype "
                  + c
                  + " (class "
                  + classes.get(c)
                  + ") holds "
                  + v
                  + " at index "
                  + j);
        }
        out[c][j] = v;
      }
    }
    return out;
  }

  /** One JSON object of bundle.json, with its key path for messages. */
  private static final class Reader {
    final JsonNode node;
    final String path;
    final Path source;

    Reader(JsonNode node, String path, Path source) {
      this.node = node;
      this.path = path;
      this.source = source;
      if (node == null || !node.isObject()) {
        throw new BundleException(
            Code.MALFORMED_MANIFEST,
            source
                + ": "
                + MANIFEST
                + (path.isEmpty()
                    ? " must hold a JSON object"
                    : " " + path + " must be an object"));
      }
    }

    String key(String k) {
      return path.isEmpty() ? k : path + "." + k;
    }

    BundleException malformed(String k, String what) {
      return new BundleException(
          Code.MALFORMED_MANIFEST, source + ": " + MANIFEST + " " + key(k) + " " + what);
    }

    BundleException badValue(String k, String what) {
      return new BundleException(
          Code.BAD_VALUE, source + ": " + MANIFEST + " " + key(k) + " " + what);
    }

    boolean has(String k) {
      return node.has(k);
    }

    void allowOnly(String... keys) {
      Set<String> allowed = Set.of(keys);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!allowed.contains(k)) {
          throw new BundleException(
              Code.MALFORMED_MANIFEST,
              source
                  + ": "
                  + MANIFEST
                  + " has unknown key "
                  + key(k)
                  + " (known here: "
                  + String.join(", ", keys)
                  + ")");
        }
      }
    }

    JsonNode require(String k) {
      JsonNode v = node.get(k);
      if (v == null) {
        throw malformed(k, "is missing");
      }
      return v;
    }

    Reader object(String k) {
      JsonNode v = require(k);
      if (!v.isObject()) {
        throw malformed(k, "must be an object");
      }
      return new Reader(v, key(k), source);
    }

    int requireInt(String k) {
      JsonNode v = require(k);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw malformed(k, "must be an integer, got " + v);
      }
      return v.intValue();
    }

    double requireDouble(String k) {
      JsonNode v = require(k);
      if (!v.isNumber()) {
        throw malformed(k, "must be a number, got " + v);
      }
      return v.doubleValue();
    }

    /** NaN for an explicit null. */
    double requireDoubleOrNull(String k) {
      JsonNode v = require(k);
      if (v.isNull()) {
        return Double.NaN;
      }
      if (!v.isNumber()) {
        throw malformed(k, "must be a number or null, got " + v);
      }
      return v.doubleValue();
    }

    String requireString(String k) {
      JsonNode v = require(k);
      if (!v.isTextual()) {
        throw malformed(k, "must be a string, got " + v);
      }
      return v.textValue();
    }

    Optional<String> optionalString(String k) {
      return has(k) ? Optional.of(requireString(k)) : Optional.empty();
    }

    Optional<List<String>> optionalStrings(String k) {
      if (!has(k)) {
        return Optional.empty();
      }
      JsonNode v = node.get(k);
      if (!v.isArray()) {
        throw malformed(k, "must be an array of strings, got " + v);
      }
      List<String> out = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isTextual()) {
          throw malformed(k, "must be an array of strings, got " + v);
        }
        out.add(e.textValue());
      }
      return Optional.of(out);
    }

    /** {@code file} and {@code sha256}: the file must lie inside the bundle and match. */
    BundleFile file(Path dir) {
      String name = requireString("file");
      String expected = requireString("sha256").toLowerCase(java.util.Locale.ROOT);
      if (!expected.matches("[0-9a-f]{64}")) {
        throw malformed("sha256", "must be 64 hex digits, got \"" + expected + "\"");
      }
      Path p = dir.resolve(name).normalize();
      if (name.isEmpty() || Path.of(name).isAbsolute() || !p.startsWith(dir.normalize())) {
        throw malformed("file", "must name a file inside the bundle folder, got \"" + name + "\"");
      }
      if (!Files.isRegularFile(p)) {
        throw new BundleException(
            Code.MISSING_FILE,
            source + ": " + name + " is missing (" + MANIFEST + " " + key("file") + ")");
      }
      String actual = sha256(p);
      if (!actual.equals(expected)) {
        throw new BundleException(
            Code.CHECKSUM_MISMATCH,
            source
                + ": "
                + name
                + " has sha256 "
                + actual
                + " but "
                + MANIFEST
                + " "
                + key("sha256")
                + " says "
                + expected
                + " (the file was changed or damaged after the bundle was made)");
      }
      return new BundleFile(name, actual, p);
    }
  }

  /** Lower-case hex sha256 of a file. */
  public static String sha256(Path file) {
    MessageDigest md = sha256Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, file + ": cannot read: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Lower-case hex sha256 of bytes already read (so they are the bytes checked). */
  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * What {@link #create} assembles a bundle from. The backbone's D is read from the graph, so it is
   * not part of the recipe.
   *
   * @param oodThreshold +infinity for no OOD check
   * @param highThreshold the decision threshold on P(high), in (0, 1); NaN for none (nearest
   *     prototype)
   */
  public record Recipe(
      String name,
      Path backbone,
      Path prototypes,
      List<String> classes,
      List<String> highGrade,
      double temperature,
      double oodScale,
      double oodThreshold,
      PreprocessingSpec preprocessing,
      Provenance provenance,
      double highThreshold) {
    /** A recipe without a P(high) threshold: slices are called by the nearest prototype. */
    public Recipe(
        String name,
        Path backbone,
        Path prototypes,
        List<String> classes,
        List<String> highGrade,
        double temperature,
        double oodScale,
        double oodThreshold,
        PreprocessingSpec preprocessing,
        Provenance provenance) {
      this(
          name,
          backbone,
          prototypes,
          classes,
          highGrade,
          temperature,
          oodScale,
          oodThreshold,
          preprocessing,
          provenance,
          Double.NaN);
    }
  }

  /**
   * Copies the recipe's files into {@code out} (created; must not exist or be empty), writes
   * bundle.json with their checksums and the backbone's measured D, and verifies the result.
   */
  public static Verified create(Path out, Recipe r) {
    boolean existed = Files.exists(out);
    try {
      if (existed) {
        try (Stream<Path> s = Files.list(out)) {
          if (s.findAny().isPresent()) {
            throw new BundleException(
                Code.BAD_VALUE, out + ": not empty; a bundle is created in a new folder");
          }
        }
      }
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, out + ": cannot read: " + e, e);
    }
    try {
      return assemble(out, r);
    } catch (RuntimeException e) {
      // A bundle that failed its own check must not be left looking like one.
      for (String name : List.of(MANIFEST, "backbone.onnx", "prototypes.f32")) {
        try {
          Files.deleteIfExists(out.resolve(name));
        } catch (IOException ignored) {
          // best effort: the original failure is what the caller needs to see
        }
      }
      if (!existed) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a folder that is not empty is left as it is
        }
      }
      throw e;
    }
  }

  /**
   * Puts a canal localizer into a bundle folder: checks that {@code onnx} runs with {@code spec},
   * copies it to {@value #LOCALIZER_FILE}, records it in bundle.json (replacing an earlier {@code
   * localizer} entry, including one written before the run-time keys existed) and verifies the
   * bundle. If the result does not verify, bundle.json is put back as it was.
   *
   * @throws BundleException naming the problem; {@code MISSING_FILE} for a .zip (unpack it first)
   */
  public static Verified addLocalizer(Path bundleDir, Path onnx, LocalizerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return amend(
        bundleDir,
        "a localizer",
        () -> {
          // Refuse a model that does not fit its spec before the bundle is touched.
          OnnxLocalizer.open(onnx, spec).close();
          Path target = bundleDir.resolve(LOCALIZER_FILE);
          try {
            if (!(Files.exists(target) && Files.isSameFile(onnx, target))) {
              Files.copy(onnx, target, StandardCopyOption.REPLACE_EXISTING);
            }
          } catch (IOException e) {
            throw new BundleException(Code.MISSING_FILE, target + ": cannot write: " + e, e);
          }
          ObjectNode entry = JSON.createObjectNode();
          entry.put("file", LOCALIZER_FILE);
          entry.put("sha256", sha256(target));
          entry.setAll(localizerSpecNode(spec));
          return entry;
        },
        "localizer",
        "backbone");
  }

  /**
   * Puts INT8 calibration slices into a bundle folder: writes them to {@value
   * BundleCalibration#FILE} ({@link BundleCalibration} gives the layout), records them in
   * bundle.json's {@code calibration} entry (replacing an earlier one) and verifies the bundle. If
   * the result does not verify, bundle.json is put back as it was.
   *
   * @param planes unit planes of S x S (the bundle's input size) as {@code round(x * 65535)}
   * @throws BundleException naming the problem; {@code MISSING_FILE} for a .zip (unpack it first)
   */
  public static Verified addCalibration(Path bundleDir, List<short[]> planes) {
    if (planes.isEmpty() || planes.size() > BundleCalibration.MAX_SLICES) {
      throw new BundleException(
          Code.CALIBRATION_SHAPE,
          "calibration needs 1.."
              + BundleCalibration.MAX_SLICES
              + " slices, got "
              + planes.size()
              + " (no graded slice was found in the studies given?)");
    }
    return amend(
        bundleDir,
        "calibration slices",
        () -> {
          int size = load(bundleDir).preprocessing().inputSize();
          ByteBuffer out =
              ByteBuffer.allocate(Math.toIntExact(BundleCalibration.bytes(planes.size(), size)))
                  .order(ByteOrder.LITTLE_ENDIAN);
          for (short[] p : planes) {
            if (p.length != size * size) {
              throw new BundleException(
                  Code.CALIBRATION_SHAPE,
                  "a calibration plane of " + p.length + " values is not " + size + " x " + size);
            }
            out.asShortBuffer().put(p);
            out.position(out.position() + 2 * p.length);
          }
          Path target = bundleDir.resolve(BundleCalibration.FILE);
          Path partial = bundleDir.resolve(BundleCalibration.FILE + ".partial");
          try {
            Files.write(partial, out.array());
            Files.move(
                partial,
                target,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
          } catch (IOException e) {
            throw new BundleException(Code.MISSING_FILE, target + ": cannot write: " + e, e);
          }
          ObjectNode entry = JSON.createObjectNode();
          entry.put("file", BundleCalibration.FILE);
          entry.put("sha256", sha256(target));
          entry.put("slices", planes.size());
          return entry;
        },
        "calibration",
        "preprocessing");
  }

  /**
   * Changes one entry of a bundle folder's bundle.json: {@code entry} makes the new object (and any
   * file it names) once the manifest has been read; it goes in as {@code key}, after {@code after}
   * (the place a bundle written from scratch gives it), replacing an earlier entry. The bundle is
   * then verified; if it does not, bundle.json is put back as it was.
   */
  private static Verified amend(
      Path bundleDir, String what, Supplier<ObjectNode> entry, String key, String after) {
    if (!Files.isDirectory(bundleDir)) {
      throw new BundleException(
          Code.MISSING_FILE,
          bundleDir + ": " + what + " is added to a bundle folder (unpack a .zip first)");
    }
    Path manifest = bundleDir.resolve(MANIFEST);
    byte[] before;
    JsonNode root;
    try {
      before = Files.readAllBytes(manifest);
      root = JSON.readTree(before);
    } catch (NoSuchFileException e) {
      throw new BundleException(Code.MISSING_FILE, bundleDir + ": " + MANIFEST + " is missing");
    } catch (JsonProcessingException e) {
      throw new BundleException(
          Code.MALFORMED_MANIFEST,
          bundleDir + ": " + MANIFEST + " is not valid JSON: " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE, bundleDir + ": cannot read " + MANIFEST + ": " + e.getMessage(), e);
    }
    if (!(root instanceof ObjectNode old)) {
      throw new BundleException(
          Code.MALFORMED_MANIFEST, bundleDir + ": " + MANIFEST + " must hold a JSON object");
    }
    ObjectNode made = entry.get();
    ObjectNode updated = JSON.createObjectNode();
    for (Map.Entry<String, JsonNode> f : old.properties()) {
      if (f.getKey().equals(key)) {
        continue;
      }
      updated.set(f.getKey(), f.getValue());
      if (f.getKey().equals(after)) {
        updated.set(key, made);
      }
    }
    if (!updated.has(key)) {
      updated.set(key, made);
    }
    try {
      Files.write(manifest, JSON.writeValueAsBytes(updated));
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, manifest + ": cannot write: " + e, e);
    }
    try {
      return verify(bundleDir);
    } catch (RuntimeException e) {
      try {
        Files.write(manifest, before);
      } catch (IOException restore) {
        e.addSuppressed(restore);
      }
      throw e;
    }
  }

  private static Verified assemble(Path out, Recipe r) {
    int d;
    try (OnnxRuntimeEngine engine =
        OnnxRuntimeEngine.open(r.backbone(), r.preprocessing().inputSize())) {
      d = engine.embeddingWidth();
    }
    try {
      Files.createDirectories(out);
      Files.copy(r.backbone(), out.resolve("backbone.onnx"), StandardCopyOption.COPY_ATTRIBUTES);
      Files.copy(r.prototypes(), out.resolve("prototypes.f32"), StandardCopyOption.COPY_ATTRIBUTES);
    } catch (NoSuchFileException e) {
      throw new BundleException(Code.MISSING_FILE, e.getFile() + ": no such file", e);
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, out + ": cannot write: " + e, e);
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("format_version", FORMAT_VERSION);
    root.put("name", r.name() == null ? out.getFileName().toString() : r.name());
    ObjectNode bb = root.putObject("backbone");
    bb.put("file", "backbone.onnx");
    bb.put("sha256", sha256(out.resolve("backbone.onnx")));
    bb.put("embedding_width", d);
    ObjectNode head = root.putObject("head");
    ObjectNode protos = head.putObject("prototypes");
    protos.put("file", "prototypes.f32");
    protos.put("sha256", sha256(out.resolve("prototypes.f32")));
    ArrayNode classes = head.putArray("classes");
    r.classes().forEach(classes::add);
    ArrayNode high = head.putArray("high_grade");
    r.highGrade().forEach(high::add);
    head.put("temperature", r.temperature());
    head.put("ood_scale", r.oodScale());
    if (r.oodThreshold() == Double.POSITIVE_INFINITY) {
      head.putNull("ood_threshold");
    } else {
      head.put("ood_threshold", r.oodThreshold());
    }
    if (!Double.isNaN(r.highThreshold())) {
      head.put("high_threshold", r.highThreshold());
    }
    PreprocessingSpec p = r.preprocessing();
    ObjectNode pre = root.putObject("preprocessing");
    pre.put("input_size", p.inputSize());
    pre.put("window_low_percentile", p.windowLowPercentile());
    pre.put("window_high_percentile", p.windowHighPercentile());
    pre.put("roi_margin", p.roiMargin());
    pre.put("resize", p.resize());
    pre.put("mean", p.mean());
    pre.put("std", p.std());
    Provenance v = r.provenance();
    ObjectNode prov = root.putObject("provenance");
    prov.put("training_data", v.trainingData());
    prov.put("date", v.date().toString());
    ObjectNode metrics = prov.putObject("metrics");
    v.metrics().forEach(metrics::put);
    prov.put("clinical_use", v.clinicalUse());
    if (!v.notes().isEmpty()) {
      prov.put("notes", v.notes());
    }
    try {
      Files.write(out.resolve(MANIFEST), JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, out + ": cannot write " + MANIFEST, e);
    }
    return verify(out);
  }
}
