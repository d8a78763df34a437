package io.cordwatch.device;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A device profile as it lies in firmware-config/profiles/ID.yaml (docs/gpu.md): the one place its
 * keys are spelled, read by {@link ProfileReader}. Nothing here is checked beyond YAML types
 * (unknown, missing and wrongly typed keys are refused while reading); values, ranges and
 * combinations are {@link ProfileChecks}' work, which turns this into a {@link DeviceProfile}.
 *
 * <p>A component marked {@code required} is a required key; any other is optional and null when
 * absent. Explicit nulls are refused except for {@code reference_resnet50.images_per_second}, where
 * null means "no published figure". Two keys take more than one YAML shape and are kept as trees
 * for the checks: {@code workspace} (a whole number of bytes or a size such as 2GiB) and {@code
 * match.compute_capability} (entries "8.6" or 8.6, since YAML reads the bare form as a number).
 *
 * <p>Component order is the order listed in messages about unknown keys.
 */
record ProfileYaml(
    @JsonProperty(value = ID, required = true) String id,
    @JsonProperty(value = NAME, required = true) String name,
    @JsonProperty(value = MATCH, required = true) Match match,
    @JsonProperty(value = ENGINE, required = true) String engine,
    @JsonProperty(value = PRECISION, required = true) String precision,
    @JsonProperty(value = MAX_BATCH, required = true) int maxBatch,
    @JsonProperty(value = DLA, required = true) Dla dla,
    @JsonProperty(value = WORKSPACE, required = true) JsonNode workspace,
    @JsonProperty(value = POWER, required = true) Power power,
    @JsonProperty(value = CLOCKS, required = true) Clocks clocks,
    @JsonProperty(value = REFERENCE, required = true) Reference reference) {

  static final String ID = "id";
  static final String NAME = "name";
  static final String MATCH = "match";
  static final String ENGINE = "engine";
  static final String PRECISION = "precision";
  static final String MAX_BATCH = "max_batch";
  static final String DLA = "dla";
  static final String WORKSPACE = "workspace";
  static final String POWER = "power";
  static final String CLOCKS = "clocks";
  static final String REFERENCE = "reference_resnet50";

  /** {@code match}: which hosts the profile is for; the optional keys depend on the platform. */
  record Match(
      @JsonProperty(value = PLATFORM, required = true) String platform,
      @JsonProperty(MODEL_CONTAINS) List<String> modelContains,
      @JsonProperty(MEMORY_GIB_MIN) Double memoryGibMin,
      @JsonProperty(MEMORY_GIB_MAX) Double memoryGibMax,
      @JsonProperty(COMPUTE_CAPABILITY) JsonNode computeCapability) {
    static final String PLATFORM = "platform";
    static final String MODEL_CONTAINS = "model_contains";
    static final String MEMORY_GIB_MIN = "memory_gib_min";
    static final String MEMORY_GIB_MAX = "memory_gib_max";
    static final String COMPUTE_CAPABILITY = "compute_capability";
  }

  /** {@code dla}: whether to use a Jetson DLA core, and how many the device has. */
  record Dla(
      @JsonProperty(value = USE, required = true) boolean use,
      @JsonProperty(value = CORES, required = true) int cores) {
    static final String USE = "use";
    static final String CORES = "cores";
  }

  /** {@code power}: the mode, the command that sets it, and why. */
  record Power(
      @JsonProperty(value = MODE, required = true) String mode,
      @JsonProperty(value = COMMAND, required = true) String command,
      @JsonProperty(value = ADVICE, required = true) String advice) {
    static final String MODE = "mode";
  }

  /** {@code clocks}: the command and why. */
  record Clocks(
      @JsonProperty(value = COMMAND, required = true) String command,
      @JsonProperty(value = ADVICE, required = true) String advice) {}

  static final String COMMAND = "command";
  static final String ADVICE = "advice";

  /**
   * {@code reference_resnet50}: a published figure with its precision, conditions and source, or
   * {@code images_per_second: null} with {@code not_found} saying why; which keys go together is
   * checked by {@link ProfileChecks}.
   */
  record Reference(
      @JsonProperty(value = IMAGES_PER_SECOND, required = true) @JsonSetter(nulls = Nulls.SET)
          Double imagesPerSecond,
      @JsonProperty(PRECISION) String precision,
      @JsonProperty(CONDITIONS) String conditions,
      @JsonProperty(SOURCE) String source,
      @JsonProperty(NOT_FOUND) String notFound) {
    static final String IMAGES_PER_SECOND = "images_per_second";
    static final String CONDITIONS = "conditions";
    static final String SOURCE = "source";
    static final String NOT_FOUND = "not_found";
  }
}
