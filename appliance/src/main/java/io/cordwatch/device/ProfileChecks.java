package io.cordwatch.device;

import static io.cordwatch.device.ProfileYaml.DLA;
import static io.cordwatch.device.ProfileYaml.ENGINE;
import static io.cordwatch.device.ProfileYaml.ID;
import static io.cordwatch.device.ProfileYaml.MATCH;
import static io.cordwatch.device.ProfileYaml.MAX_BATCH;
import static io.cordwatch.device.ProfileYaml.PRECISION;
import static io.cordwatch.device.ProfileYaml.REFERENCE;
import static io.cordwatch.device.ProfileYaml.WORKSPACE;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.config.ByteSize;
import io.cordwatch.device.DeviceProfile.Engine;
import io.cordwatch.device.DeviceProfile.Platform;
import io.cordwatch.device.DeviceProfile.Precision;
import io.cordwatch.device.ProfileYaml.Dla;
import io.cordwatch.device.ProfileYaml.Match;
import io.cordwatch.device.ProfileYaml.Reference;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a {@link ProfileYaml} that has been read into a {@link DeviceProfile} that can be used:
 * values (id, engine, precision, sizes, compute capabilities, the reference's source), ranges, and
 * combinations that cannot run (DLA on an x86 GPU, INT8 on the CPU engine, TensorRT on a CPU
 * profile). Each refusal is a {@link ProfileException} naming the file and the key.
 */
final class ProfileChecks {
  /** What {@code workspace} must look like, for messages (also the reader's). */
  static final String SIZE_SHAPE = "must be a size such as 2GiB or 512MiB";

  /** What {@code match.compute_capability} must look like, for messages (also the reader's). */
  static final String CAPABILITIES_SHAPE = "must be a list such as [\"8.0\", \"8.6\"]";

  private static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private static final Pattern CC = Pattern.compile("[1-9][0-9]?\\.[0-9]");

  private ProfileChecks() {}

  /**
   * @param fileName the file's name; the id must be the name without {@code .yaml}
   * @param where the file's location, for messages and {@link DeviceProfile#origin()}
   */
  static DeviceProfile check(ProfileYaml y, String fileName, String where) {
    String id = y.id();
    if (!ID_PATTERN.matcher(id).matches()) {
      throw bad(where, ID, "must be lower-case letters, digits and '-', got '" + id + "'");
    }
    if (!fileName.equals(id + ".yaml")) {
      throw bad(where, ID, "is '" + id + "' but the file is " + fileName + "; they must agree");
    }
    DeviceProfile.Match match = match(y.match(), where);

    Engine engine = Engine.of(y.engine());
    if (engine == null) {
      throw bad(where, ENGINE, "must be tensorrt or onnxruntime-cpu, got '" + y.engine() + "'");
    }
    Precision precision = Precision.of(y.precision());
    if (precision == null) {
      throw bad(where, PRECISION, "must be fp32, fp16 or int8, got '" + y.precision() + "'");
    }
    int maxBatch = y.maxBatch();
    if (maxBatch < 1 || maxBatch > 64) {
      throw bad(
          where, MAX_BATCH, "must be 1 to 64 (the engine's dynamic batch range), got " + maxBatch);
    }
    Dla d = y.dla();
    DeviceProfile.Dla dla = new DeviceProfile.Dla(d.use(), d.cores());
    String cores = key(DLA, Dla.CORES);
    String use = key(DLA, Dla.USE);
    if (dla.cores() < 0 || dla.cores() > 2) {
      throw bad(where, cores, "must be 0, 1 or 2, got " + dla.cores());
    }
    long workspace = size(y.workspace(), where);

    String platformKey = key(MATCH, Match.PLATFORM);
    if (engine == Engine.TENSORRT && match.platform() == Platform.CPU) {
      throw bad(where, ENGINE, "tensorrt needs a GPU, but " + platformKey + " is cpu");
    }
    if (engine == Engine.ONNXRUNTIME_CPU && precision != Precision.FP32) {
      throw bad(
          where, PRECISION, "must be fp32 for the onnxruntime-cpu engine, got " + precision.key());
    }
    if (engine == Engine.TENSORRT && workspace < (16L << 20)) {
      throw bad(
          where, WORKSPACE, "must be at least 16MiB for tensorrt, got " + workspace + " bytes");
    }
    if (dla.cores() > 0 && match.platform() != Platform.JETSON) {
      throw bad(
          where,
          cores,
          "only Jetson modules have DLA cores; this profile is for " + match.platform().key());
    }
    if (dla.use()) {
      if (dla.cores() == 0) {
        throw bad(where, use, "is true but the device has no DLA core (" + cores + " is 0)");
      }
      if (precision == Precision.FP32) {
        throw bad(where, use, "is true, but the DLA runs only fp16 or int8, and precision is fp32");
      }
    }
    DeviceProfile.Power power =
        new DeviceProfile.Power(y.power().mode(), y.power().command(), y.power().advice());
    DeviceProfile.Clocks clocks =
        new DeviceProfile.Clocks(y.clocks().command(), y.clocks().advice());
    DeviceProfile.Reference reference = reference(y.reference(), where);
    return new DeviceProfile(
        id, y.name(), match, engine, precision, maxBatch, dla, workspace, power, clocks, reference,
        where);
  }

  private static DeviceProfile.Match match(Match m, String where) {
    Platform platform = Platform.of(m.platform());
    if (platform == null) {
      throw bad(
          where,
          key(MATCH, Match.PLATFORM),
          "must be jetson, nvidia-gpu or cpu, got '" + m.platform() + "'");
    }
    List<String> models = m.modelContains() != null ? m.modelContains() : List.of();
    Double min = m.memoryGibMin();
    Double max = m.memoryGibMax();
    String cc = key(MATCH, Match.COMPUTE_CAPABILITY);
    List<String> capabilities =
        m.computeCapability() != null ? capabilities(m.computeCapability(), where) : List.of();
    String models_ = key(MATCH, Match.MODEL_CONTAINS);
    String minKey = key(MATCH, Match.MEMORY_GIB_MIN);
    switch (platform) {
      case JETSON -> {
        if (models.isEmpty() || models.stream().anyMatch(String::isBlank)) {
          throw bad(where, models_, "must list at least one non-blank model name for jetson");
        }
        if (!capabilities.isEmpty()) {
          throw bad(where, cc, "is for nvidia-gpu profiles; jetson matches by model");
        }
        if (min != null && max != null && !(min < max)) {
          throw bad(
              where,
              minKey,
              "must be below " + Match.MEMORY_GIB_MAX + ", got " + min + " and " + max);
        }
        for (Double v : new Double[] {min, max}) {
          if (v != null && !(v > 0 && Double.isFinite(v))) {
            throw bad(
                where, minKey, "and " + Match.MEMORY_GIB_MAX + " must be positive numbers of GiB");
          }
        }
      }
      case NVIDIA_GPU -> {
        if (capabilities.isEmpty()) {
          throw bad(where, cc, "must list at least one, e.g. [\"8.9\"]");
        }
        for (String c : capabilities) {
          if (!CC.matcher(c).matches()) {
            throw bad(where, cc, "entries look like \"8.6\", got '" + c + "'");
          }
        }
        if (!models.isEmpty() || min != null || max != null) {
          throw bad(where, models_, "and memory_gib_* are for jetson profiles only");
        }
      }
      case CPU -> {
        if (!models.isEmpty() || min != null || max != null || !capabilities.isEmpty()) {
          throw bad(
              where,
              key(MATCH, Match.PLATFORM),
              "cpu matches every host; it takes no other match keys");
        }
      }
    }
    return new DeviceProfile.Match(platform, models, min, max, capabilities);
  }

  private static DeviceProfile.Reference reference(Reference r, String where) {
    if (r.imagesPerSecond() == null) {
      String when = "when " + Reference.IMAGES_PER_SECOND + " is null";
      forbid(r.precision(), PRECISION, when, where);
      forbid(r.conditions(), Reference.CONDITIONS, when, where);
      forbid(r.source(), Reference.SOURCE, when, where);
      String why = require(r.notFound(), Reference.NOT_FOUND, where);
      if (why.isBlank()) {
        throw bad(
            where,
            key(REFERENCE, Reference.NOT_FOUND),
            "must say why no published figure is given");
      }
      return new DeviceProfile.Reference(null, null, null, null, why);
    }
    double v = r.imagesPerSecond();
    if (!(v > 0 && Double.isFinite(v))) {
      throw bad(
          where,
          key(REFERENCE, Reference.IMAGES_PER_SECOND),
          "must be a positive number or null, got " + v);
    }
    forbid(r.notFound(), Reference.NOT_FOUND, "when a figure is given", where);
    String precision = require(r.precision(), PRECISION, where);
    if (Precision.of(precision) == null) {
      throw bad(
          where, key(REFERENCE, PRECISION), "must be fp32, fp16 or int8, got '" + precision + "'");
    }
    String source = require(r.source(), Reference.SOURCE, where);
    String sourceKey = key(REFERENCE, Reference.SOURCE);
    try {
      URI uri = new URI(source);
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw bad(
            where, sourceKey, "must be an https address of the published figure, got " + source);
      }
    } catch (URISyntaxException e) {
      throw bad(where, sourceKey, "is not an address: " + source);
    }
    String conditions = require(r.conditions(), Reference.CONDITIONS, where);
    return new DeviceProfile.Reference(v, precision, conditions, source, null);
  }

  /** A {@code reference_resnet50} key that must not be given with the others. */
  private static void forbid(String value, String k, String when, String where) {
    if (value != null) {
      throw bad(where, key(REFERENCE, k), "must not be given " + when);
    }
  }

  /** A {@code reference_resnet50} key that must be given with the others. */
  private static String require(String value, String k, String where) {
    if (value == null) {
      throw bad(where, key(REFERENCE, k), "is missing");
    }
    return value;
  }

  /** {@code workspace}: a whole number of bytes, or a size read as the settings read sizes. */
  private static long size(JsonNode v, String where) {
    if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
      return v.longValue();
    }
    if (!v.isTextual()) {
      throw bad(where, WORKSPACE, SIZE_SHAPE + ", got " + v);
    }
    try {
      return ByteSize.parse(v.textValue());
    } catch (IllegalArgumentException e) {
      throw bad(where, WORKSPACE, SIZE_SHAPE + ", got '" + v.textValue() + "'");
    }
  }

  /** Compute capabilities, written "8.6" or 8.6 (YAML reads the bare form as a number). */
  private static List<String> capabilities(JsonNode v, String where) {
    String cc = key(MATCH, Match.COMPUTE_CAPABILITY);
    if (!v.isArray()) {
      throw bad(where, cc, CAPABILITIES_SHAPE + ", got " + v);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual() && !e.isFloatingPointNumber()) {
        throw bad(where, cc, CAPABILITIES_SHAPE + ", got " + v);
      }
      out.add(e.asText());
    }
    return out;
  }

  static String key(String... keys) {
    return String.join(".", keys);
  }

  private static ProfileException bad(String where, String key, String what) {
    return new ProfileException(where + ": " + key + " " + what);
  }
}
