package io.cordwatch.device;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cordwatch.config.ByteSize;
import io.cordwatch.device.DeviceProfile.Engine;
import io.cordwatch.device.DeviceProfile.Platform;
import io.cordwatch.device.DeviceProfile.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads device profiles, strictly: an unknown key, a missing key, a value of the wrong type or out
 * of range, or a combination that cannot run (DLA on an x86 GPU, INT8 on the CPU engine) is a
 * {@link ProfileException} naming the file and the key. A profile decides how a patient's images
 * are graded, so a typo must stop start-up rather than fall back to a default silently.
 *
 * <p>The shipped profiles live in firmware-config/profiles/ and are also packed into the jar; the
 * {@code index} file there lists them, because a jar cannot be listed like a folder.
 */
public final class DeviceProfiles {
  /** Where the shipped profiles lie on the class path (and under the install root). */
  public static final String RESOURCE_DIR = "firmware-config/profiles/";

  public static final String INDEX = "index";

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private static final Pattern CC = Pattern.compile("[1-9][0-9]?\\.[0-9]");
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final List<DeviceProfile> profiles;

  private DeviceProfiles(List<DeviceProfile> profiles) {
    Set<String> ids = new HashSet<>();
    for (DeviceProfile p : profiles) {
      if (!ids.add(p.id())) {
        throw new ProfileException(p.origin() + ": a second profile with id " + p.id());
      }
    }
    if (profiles.stream().noneMatch(p -> p.match().platform() == Platform.CPU)) {
      throw new ProfileException(
          "no profile with match.platform cpu: the appliance needs one for machines without a GPU");
    }
    this.profiles = List.copyOf(profiles);
  }

  /** Every profile, in index (or file-name) order. */
  public List<DeviceProfile> all() {
    return profiles;
  }

  public Optional<DeviceProfile> byId(String id) {
    return profiles.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** The profile with this id, or an exception listing the known ones. */
  public DeviceProfile require(String id) {
    return byId(id)
        .orElseThrow(
            () ->
                new ProfileException(
                    "no device profile '"
                        + id
                        + "' (known: "
                        + String.join(", ", profiles.stream().map(DeviceProfile::id).toList())
                        + ")"));
  }

  /** The first profile for machines without a GPU. */
  public DeviceProfile cpuOnly() {
    return profiles.stream()
        .filter(p -> p.match().platform() == Platform.CPU)
        .findFirst()
        .orElseThrow();
  }

  /** The profiles packed into the jar from firmware-config/profiles/. */
  public static DeviceProfiles builtIn() {
    ClassLoader cl = DeviceProfiles.class.getClassLoader();
    List<DeviceProfile> out = new ArrayList<>();
    for (String file : index(read(cl, RESOURCE_DIR + INDEX), "class path " + RESOURCE_DIR)) {
      String where = "class path " + RESOURCE_DIR + file;
      out.add(parse(read(cl, RESOURCE_DIR + file), file, where));
    }
    return new DeviceProfiles(out);
  }

  /** Every {@code *.yaml} in a folder, in file-name order (an operator's own set). */
  public static DeviceProfiles load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ProfileException(dir + ": no such profile folder");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new ProfileException(dir + ": cannot list: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new ProfileException(dir + ": holds no *.yaml profile");
    }
    List<DeviceProfile> out = new ArrayList<>();
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ProfileException(f + ": cannot read: " + e.getMessage(), e);
      }
      out.add(parse(text, f.getFileName().toString(), f.toString()));
    }
    return new DeviceProfiles(out);
  }

  /** The file names an index lists: one per line, {@code #} comments and blank lines skipped. */
  static List<String> index(String text, String where) {
    List<String> out = new ArrayList<>();
    for (String line : text.lines().toList()) {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      if (!s.endsWith(".yaml") || s.contains("/")) {
        throw new ProfileException(where + INDEX + ": '" + s + "' is not a profile file name");
      }
      out.add(s);
    }
    return out;
  }

  private static String read(ClassLoader cl, String resource) {
    try (InputStream in = cl.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ProfileException(
            "class path resource " + resource + " is missing (the jar was built without it)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ProfileException("cannot read class path resource " + resource, e);
    }
  }

  /**
   * Parses one profile.
   *
   * @param text the YAML
   * @param fileName its file name; the id must be the name without {@code .yaml}
   * @param where the file's location for messages
   */
  static DeviceProfile parse(String text, String fileName, String where) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ProfileException(where + ": not valid YAML: " + e.getOriginalMessage(), e);
    }
    Node m = new Node(root, "", where);
    m.allowOnly(
        "id",
        "name",
        "match",
        "engine",
        "precision",
        "max_batch",
        "dla",
        "workspace",
        "power",
        "clocks",
        "reference_resnet50");
    String id = m.string("id");
    if (!ID.matcher(id).matches()) {
      throw m.bad("id", "must be lower-case letters, digits and '-', got '" + id + "'");
    }
    if (!fileName.equals(id + ".yaml")) {
      throw m.bad("id", "is '" + id + "' but the file is " + fileName + "; they must agree");
    }
    String name = m.string("name");

    DeviceProfile.Match match = match(m.object("match"));

    Engine engine = Engine.of(m.string("engine"));
    if (engine == null) {
      throw m.bad(
          "engine", "must be tensorrt or onnxruntime-cpu, got '" + m.string("engine") + "'");
    }
    Precision precision = Precision.of(m.string("precision"));
    if (precision == null) {
      throw m.bad("precision", "must be fp32, fp16 or int8, got '" + m.string("precision") + "'");
    }
    int maxBatch = m.integer("max_batch");
    if (maxBatch < 1 || maxBatch > 64) {
      throw m.bad(
          "max_batch", "must be 1 to 64 (the engine's dynamic batch range), got " + maxBatch);
    }
    Node d = m.object("dla");
    d.allowOnly("use", "cores");
    DeviceProfile.Dla dla = new DeviceProfile.Dla(d.bool("use"), d.integer("cores"));
    if (dla.cores() < 0 || dla.cores() > 2) {
      throw d.bad("cores", "must be 0, 1 or 2, got " + dla.cores());
    }
    long workspace = m.size("workspace");

    if (engine == Engine.TENSORRT && match.platform() == Platform.CPU) {
      throw m.bad("engine", "tensorrt needs a GPU, but match.platform is cpu");
    }
    if (engine == Engine.ONNXRUNTIME_CPU && precision != Precision.FP32) {
      throw m.bad(
          "precision", "must be fp32 for the onnxruntime-cpu engine, got " + precision.key());
    }
    if (engine == Engine.TENSORRT && workspace < (16L << 20)) {
      throw m.bad("workspace", "must be at least 16MiB for tensorrt, got " + workspace + " bytes");
    }
    if (dla.cores() > 0 && match.platform() != Platform.JETSON) {
      throw d.bad(
          "cores", "only Jetson modules have DLA cores; this profile is for " + platform(match));
    }
    if (dla.use()) {
      if (dla.cores() == 0) {
        throw d.bad("use", "is true but the device has no DLA core (dla.cores is 0)");
      }
      if (precision == Precision.FP32) {
        throw d.bad("use", "is true, but the DLA runs only fp16 or int8, and precision is fp32");
      }
    }

    Node pw = m.object("power");
    pw.allowOnly("mode", "command", "advice");
    DeviceProfile.Power power =
        new DeviceProfile.Power(pw.string("mode"), pw.string("command"), pw.string("advice"));
    Node cl = m.object("clocks");
    cl.allowOnly("command", "advice");
    DeviceProfile.Clocks clocks =
        new DeviceProfile.Clocks(cl.string("command"), cl.string("advice"));

    DeviceProfile.Reference reference = reference(m.object("reference_resnet50"));
    return new DeviceProfile(
        id, name, match, engine, precision, maxBatch, dla, workspace, power, clocks, reference,
        where);
  }

  private static String platform(DeviceProfile.Match m) {
    return m.platform().key();
  }

  private static DeviceProfile.Match match(Node n) {
    n.allowOnly(
        "platform", "model_contains", "memory_gib_min", "memory_gib_max", "compute_capability");
    String key = n.string("platform");
    Platform platform = Platform.of(key);
    if (platform == null) {
      throw n.bad("platform", "must be jetson, nvidia-gpu or cpu, got '" + key + "'");
    }
    List<String> models = n.has("model_contains") ? n.strings("model_contains") : List.of();
    Double min = n.has("memory_gib_min") ? n.number("memory_gib_min") : null;
    Double max = n.has("memory_gib_max") ? n.number("memory_gib_max") : null;
    List<String> cc =
        n.has("compute_capability") ? n.capabilities("compute_capability") : List.of();
    switch (platform) {
      case JETSON -> {
        if (models.isEmpty() || models.stream().anyMatch(String::isBlank)) {
          throw n.bad("model_contains", "must list at least one non-blank model name for jetson");
        }
        if (!cc.isEmpty()) {
          throw n.bad("compute_capability", "is for nvidia-gpu profiles; jetson matches by model");
        }
        if (min != null && max != null && !(min < max)) {
          throw n.bad("memory_gib_min", "must be below memory_gib_max, got " + min + " and " + max);
        }
        for (Double v : new Double[] {min, max}) {
          if (v != null && !(v > 0 && Double.isFinite(v))) {
            throw n.bad("memory_gib_min", "and memory_gib_max must be positive numbers of GiB");
          }
        }
      }
      case NVIDIA_GPU -> {
        if (cc.isEmpty()) {
          throw n.bad("compute_capability", "must list at least one, e.g. [\"8.9\"]");
        }
        for (String c : cc) {
          if (!CC.matcher(c).matches()) {
            throw n.bad("compute_capability", "entries look like \"8.6\", got '" + c + "'");
          }
        }
        if (!models.isEmpty() || min != null || max != null) {
          throw n.bad("model_contains", "and memory_gib_* are for jetson profiles only");
        }
      }
      case CPU -> {
        if (!models.isEmpty() || min != null || max != null || !cc.isEmpty()) {
          throw n.bad("platform", "cpu matches every host; it takes no other match keys");
        }
      }
    }
    return new DeviceProfile.Match(platform, models, min, max, cc);
  }

  private static DeviceProfile.Reference reference(Node n) {
    n.allowOnly("images_per_second", "precision", "conditions", "source", "not_found");
    JsonNode ips = n.require("images_per_second");
    if (ips.isNull()) {
      n.forbid("precision", "when images_per_second is null");
      n.forbid("conditions", "when images_per_second is null");
      n.forbid("source", "when images_per_second is null");
      String why = n.string("not_found");
      if (why.isBlank()) {
        throw n.bad("not_found", "must say why no published figure is given");
      }
      return new DeviceProfile.Reference(null, null, null, null, why);
    }
    double v = n.number("images_per_second");
    if (!(v > 0 && Double.isFinite(v))) {
      throw n.bad("images_per_second", "must be a positive number or null, got " + v);
    }
    n.forbid("not_found", "when a figure is given");
    String precision = n.string("precision");
    if (Precision.of(precision) == null) {
      throw n.bad("precision", "must be fp32, fp16 or int8, got '" + precision + "'");
    }
    String source = n.string("source");
    try {
      URI uri = new URI(source);
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw n.bad("source", "must be an https address of the published figure, got " + source);
      }
    } catch (URISyntaxException e) {
      throw n.bad("source", "is not an address: " + source);
    }
    return new DeviceProfile.Reference(v, precision, n.string("conditions"), source, null);
  }

  /** One YAML mapping with its key path, for messages. */
  private static final class Node {
    final JsonNode node;
    final String path;
    final String where;

    Node(JsonNode node, String path, String where) {
      if (node == null || !node.isObject()) {
        throw new ProfileException(
            where
                + (path.isEmpty()
                    ? ": must hold a YAML mapping"
                    : ": " + path + " must be a mapping"));
      }
      this.node = node;
      this.path = path;
      this.where = where;
    }

    String key(String k) {
      return path.isEmpty() ? k : path + "." + k;
    }

    ProfileException bad(String k, String what) {
      return new ProfileException(where + ": " + key(k) + " " + what);
    }

    boolean has(String k) {
      return node.has(k);
    }

    void allowOnly(String... keys) {
      Set<String> allowed = Set.of(keys);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!allowed.contains(k)) {
          throw new ProfileException(
              where + ": unknown key " + key(k) + " (known here: " + String.join(", ", keys) + ")");
        }
      }
    }

    void forbid(String k, String when) {
      if (node.has(k)) {
        throw bad(k, "must not be given " + when);
      }
    }

    JsonNode require(String k) {
      JsonNode v = node.get(k);
      if (v == null) {
        throw bad(k, "is missing");
      }
      return v;
    }

    Node object(String k) {
      JsonNode v = require(k);
      if (!v.isObject()) {
        throw bad(k, "must be a mapping");
      }
      return new Node(v, key(k), where);
    }

    String string(String k) {
      JsonNode v = require(k);
      if (!v.isTextual()) {
        throw bad(k, "must be text, got " + v);
      }
      return v.textValue();
    }

    int integer(String k) {
      JsonNode v = require(k);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw bad(k, "must be a whole number, got " + v);
      }
      return v.intValue();
    }

    double number(String k) {
      JsonNode v = require(k);
      if (!v.isNumber()) {
        throw bad(k, "must be a number, got " + v);
      }
      return v.doubleValue();
    }

    boolean bool(String k) {
      JsonNode v = require(k);
      if (!v.isBoolean()) {
        throw bad(k, "must be true or false, got " + v);
      }
      return v.booleanValue();
    }

    long size(String k) {
      JsonNode v = require(k);
      if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
        return v.longValue();
      }
      if (!v.isTextual()) {
        throw bad(k, "must be a size such as 2GiB or 512MiB, got " + v);
      }
      try {
        return ByteSize.parse(v.textValue());
      } catch (IllegalArgumentException e) {
        throw bad(k, "must be a size such as 2GiB or 512MiB, got '" + v.textValue() + "'");
      }
    }

    /** Compute capabilities, written "8.6" or 8.6 (YAML reads the bare form as a number). */
    List<String> capabilities(String k) {
      JsonNode v = require(k);
      if (!v.isArray()) {
        throw bad(k, "must be a list such as [\"8.0\", \"8.6\"], got " + v);
      }
      List<String> out = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isTextual() && !e.isFloatingPointNumber()) {
          throw bad(k, "must be a list such as [\"8.0\", \"8.6\"], got " + v);
        }
        out.add(e.asText());
      }
      return out;
    }

    List<String> strings(String k) {
      JsonNode v = require(k);
      if (!v.isArray()) {
        throw bad(k, "must be a list of text, got " + v);
      }
      List<String> out = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isTextual()) {
          throw bad(k, "must be a list of text, got " + v);
        }
        out.add(e.textValue());
      }
      return out;
    }
  }
}
