package io.cordwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the appliance can be told at start-up. The YAML file and the command line use the same
 * keys (flag {@code --dicom-port} is key {@code dicom-port}); flags win over the file, the file
 * over defaults. Values are checked here, once, with messages that name the key, so a bad setting
 * stops start-up with a sentence an operator can act on rather than a stack trace later.
 *
 * @param dataDir where the index, spool and quarantine live
 * @param dicomPort DICOM listener port
 * @param httpPort HTTP listener port
 * @param bind address both listeners bind to
 * @param aeTitle our (called) AE title
 * @param allowAe calling AE titles allowed to send; empty means nobody may
 * @param maxAssociations concurrent associations before "local limit exceeded"
 * @param idleTimeout how long an association may sit idle between PDUs
 * @param artimTimeout how long a new connection has to send its A-ASSOCIATE-RQ
 * @param maxObjectBytes largest data set accepted in one C-STORE
 * @param diskReserveBytes free space kept in reserve; below it we refuse new data
 * @param seriesStable a series with no new instance for this long is complete
 * @param releaseGrace a series whose association was released is complete after this grace
 * @param axialMaxAngleDeg largest angle between slice normal and patient z for "axial"
 * @param t2MinEchoTimeMs shortest echo time called T2-weighted
 * @param t2MinRepetitionTimeMs shortest repetition time called T2-weighted
 * @param bundle the model bundle (folder or .zip) to grade with; null: no grading, jobs wait
 * @param boxes canal boxes (labels.csv or a folder of LabelImg VOC XML); null: none supplied
 * @param profile the device profile id, or {@code auto} to detect it (docs/gpu.md)
 * @param profiles a folder of the operator's own device profiles (*.yaml) used instead of the
 *     shipped ones; null: the shipped ones
 * @param gpuRetry after a GPU fault, how long grading stays on the CPU before the GPU is tried
 *     again (doubling on each failed retry, at most 16 times this)
 * @param streaming grade slices as they arrive (decode ahead, speculative grading at association
 *     release); off: grade each series from its files once it is complete
 * @param streamMemoryBytes the most decoded pixel data held for series in flight; beyond it a
 *     series falls back to grading at completion
 * @param gradingAttempts attempts per grading job before it is marked failed
 * @param gradingRetryDelay wait before the second attempt; each later wait is four times longer
 * @param gradingRetryMaxDelay the longest wait between attempts
 * @param boxesApi whether canal boxes may be supplied with {@code PUT /api/v1/studies/{uid}/boxes}
 * @param apiTokenFile a file holding the token API writes must carry ({@code Authorization: Bearer
 *     TOKEN}); null: writes need none
 */
public record Settings(
    Path dataDir,
    int dicomPort,
    int httpPort,
    String bind,
    String aeTitle,
    List<String> allowAe,
    int maxAssociations,
    Duration idleTimeout,
    Duration artimTimeout,
    long maxObjectBytes,
    long diskReserveBytes,
    Duration seriesStable,
    Duration releaseGrace,
    double axialMaxAngleDeg,
    double t2MinEchoTimeMs,
    double t2MinRepetitionTimeMs,
    Path bundle,
    Path boxes,
    String profile,
    Path profiles,
    Duration gpuRetry,
    boolean streaming,
    long streamMemoryBytes,
    int gradingAttempts,
    Duration gradingRetryDelay,
    Duration gradingRetryMaxDelay,
    boolean boxesApi,
    Path apiTokenFile) {

  private static final Pattern AE = Pattern.compile("^[\\x20-\\x5B\\x5D-\\x7E]{1,16}$");
  private static final Pattern SIZE =
      Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*([KMGT]?i?B?)?\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?\\s*$", Pattern.CASE_INSENSITIVE);

  /** The keys a config file may hold (flags are the same names with {@code --}). */
  public static final Set<String> KEYS =
      Set.of(
          "data-dir",
          "dicom-port",
          "http-port",
          "bind",
          "ae-title",
          "allow-ae",
          "max-associations",
          "idle-timeout",
          "artim-timeout",
          "max-object-size",
          "disk-reserve",
          "series-stable",
          "release-grace",
          "axial-max-angle",
          "t2-min-te",
          "t2-min-tr",
          "bundle",
          "boxes",
          "profile",
          "profiles",
          "gpu-retry",
          "streaming",
          "stream-memory",
          "grading-attempts",
          "grading-retry-delay",
          "grading-retry-max-delay",
          "boxes-api",
          "api-token-file");

  public Settings {
    if (dataDir == null) {
      throw new ConfigException("data-dir: must be set");
    }
    port("dicom-port", dicomPort);
    port("http-port", httpPort);
    if (!AE.matcher(aeTitle).matches() || aeTitle.isBlank()) {
      throw new ConfigException(
          "ae-title: '"
              + aeTitle
              + "' is not a valid AE title (1-16 printable characters, no backslash)");
    }
    allowAe = List.copyOf(allowAe);
    for (String ae : allowAe) {
      if (!AE.matcher(ae).matches() || ae.isBlank()) {
        throw new ConfigException("allow-ae: '" + ae + "' is not a valid AE title");
      }
    }
    if (maxAssociations < 1) {
      throw new ConfigException("max-associations: must be at least 1, was " + maxAssociations);
    }
    if (idleTimeout.isZero() || idleTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new ConfigException(
          "idle-timeout: must be between 1 ms and 60 s, was " + idleTimeout.toMillis() + " ms");
    }
    if (artimTimeout.isZero() || artimTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
      throw new ConfigException(
          "artim-timeout: must be between 1 ms and 30 s, was " + artimTimeout.toMillis() + " ms");
    }
    if (maxObjectBytes < 1024) {
      throw new ConfigException("max-object-size: must be at least 1 KB, was " + maxObjectBytes);
    }
    if (diskReserveBytes < 0) {
      throw new ConfigException("disk-reserve: must not be negative");
    }
    if (profile == null || profile.isBlank()) {
      throw new ConfigException("profile: must be auto or a device profile id");
    }
    if (gpuRetry.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(
          "gpu-retry: must be at least 1s, was " + gpuRetry.toMillis() + " ms");
    }
    if (axialMaxAngleDeg <= 0 || axialMaxAngleDeg >= 90) {
      throw new ConfigException("axial-max-angle: must be between 0 and 90 degrees");
    }
    if (streamMemoryBytes < 0) {
      throw new ConfigException("stream-memory: must not be negative");
    }
    if (gradingAttempts < 1 || gradingAttempts > 10) {
      throw new ConfigException("grading-attempts: must be 1 to 10, was " + gradingAttempts);
    }
    if (gradingRetryMaxDelay.compareTo(gradingRetryDelay) < 0
        || gradingRetryMaxDelay.compareTo(Duration.ofHours(1)) > 0) {
      throw new ConfigException(
          "grading-retry-max-delay: must be at least grading-retry-delay ("
              + gradingRetryDelay.toMillis()
              + " ms) and at most 1h, was "
              + gradingRetryMaxDelay.toMillis()
              + " ms");
    }
  }

  /** The defaults: data under ./data, ports 11112/8080, nobody allowed to send until configured. */
  public static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("data-dir", "data");
    d.put("dicom-port", "11112");
    d.put("http-port", "8080");
    d.put("bind", "0.0.0.0");
    d.put("ae-title", "CORDWATCH");
    d.put("allow-ae", "");
    d.put("max-associations", "25");
    d.put("idle-timeout", "60s");
    d.put("artim-timeout", "30s");
    d.put("max-object-size", "1GiB");
    d.put("disk-reserve", "2GB");
    d.put("series-stable", "5s");
    d.put("release-grace", "1s");
    d.put("axial-max-angle", "20");
    d.put("t2-min-te", "60");
    d.put("t2-min-tr", "1500");
    d.put("profile", "auto");
    d.put("gpu-retry", "30s");
    d.put("streaming", "on");
    d.put("stream-memory", "256MiB");
    d.put("grading-attempts", "3");
    d.put("grading-retry-delay", "1s");
    d.put("grading-retry-max-delay", "1m");
    d.put("boxes-api", "on");
    return d;
  }

  /**
   * Builds settings from defaults, then the YAML file (if any), then {@code overrides} (the flags
   * given).
   *
   * @throws ConfigException naming the first key that is unknown or cannot be used
   */
  public static Settings load(Path configFile, Map<String, String> overrides) {
    Map<String, String> values = defaults();
    if (configFile != null) {
      values.putAll(readYaml(configFile));
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        throw new ConfigException("unknown setting '" + e.getKey() + "'");
      }
      if (e.getValue() != null) {
        values.put(e.getKey(), e.getValue());
      }
    }
    return fromMap(values);
  }

  static Settings fromMap(Map<String, String> v) {
    return new Settings(
        Path.of(v.get("data-dir")),
        integer(v, "dicom-port"),
        integer(v, "http-port"),
        v.get("bind"),
        v.get("ae-title").trim(),
        list(v.get("allow-ae")),
        integer(v, "max-associations"),
        duration(v, "idle-timeout"),
        duration(v, "artim-timeout"),
        size(v, "max-object-size"),
        size(v, "disk-reserve"),
        duration(v, "series-stable"),
        duration(v, "release-grace"),
        number(v, "axial-max-angle"),
        number(v, "t2-min-te"),
        number(v, "t2-min-tr"),
        path(v, "bundle"),
        path(v, "boxes"),
        v.get("profile").strip(),
        path(v, "profiles"),
        duration(v, "gpu-retry"),
        bool(v, "streaming"),
        size(v, "stream-memory"),
        integer(v, "grading-attempts"),
        duration(v, "grading-retry-delay"),
        duration(v, "grading-retry-max-delay"),
        bool(v, "boxes-api"),
        path(v, "api-token-file"));
  }

  private static boolean bool(Map<String, String> v, String key) {
    String s = v.get(key) == null ? "" : v.get(key).strip().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> throw new ConfigException(key + ": '" + v.get(key) + "' is not on or off");
    };
  }

  private static Map<String, String> readYaml(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ConfigException(
          "config file " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return out;
    }
    if (!root.isObject()) {
      throw new ConfigException("config file " + file + ": expected a mapping of keys to values");
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!KEYS.contains(e.getKey())) {
        throw new ConfigException(
            "config file "
                + file
                + ": unknown key '"
                + e.getKey()
                + "' (known: "
                + String.join(", ", sorted())
                + ")");
      }
      JsonNode n = e.getValue();
      if (n.isArray()) {
        List<String> items = new ArrayList<>();
        n.forEach(x -> items.add(x.asText()));
        out.put(e.getKey(), String.join(",", items));
      } else if (n.isValueNode()) {
        out.put(e.getKey(), n.asText());
      } else {
        throw new ConfigException(
            "config file " + file + ": key '" + e.getKey() + "' must be a value or a list");
      }
    }
    return out;
  }

  private static List<String> sorted() {
    return KEYS.stream().sorted().toList();
  }

  private static void port(String key, int p) {
    if (p < 0 || p > 65535) {
      throw new ConfigException(
          key + ": " + p + " is not a TCP port (0-65535; 0 picks a free one)");
    }
  }

  private static List<String> list(String s) {
    List<String> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  /** An optional path: absent or blank means not set. */
  private static Path path(Map<String, String> v, String key) {
    String s = v.get(key);
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Path.of(s.strip());
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(key + ": '" + s + "' is not a path");
    }
  }

  private static int integer(Map<String, String> v, String key) {
    try {
      return Integer.parseInt(v.get(key).trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": '" + v.get(key) + "' is not a whole number");
    }
  }

  private static double number(Map<String, String> v, String key) {
    try {
      return Double.parseDouble(v.get(key).trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": '" + v.get(key) + "' is not a number");
    }
  }

  /** Parses sizes like {@code 2GB}, {@code 512MiB}, {@code 1048576}. */
  public static long parseSize(String key, String s) {
    Matcher m = SIZE.matcher(s == null ? "" : s);
    if (!m.matches()) {
      throw new ConfigException(key + ": '" + s + "' is not a size (e.g. 2GB, 512MiB, 1048576)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
    boolean binary = unit.contains("I");
    double base = binary ? 1024 : 1000;
    int power =
        unit.isEmpty() || unit.equals("B")
            ? 0
            : switch (unit.charAt(0)) {
              case 'K' -> 1;
              case 'M' -> 2;
              case 'G' -> 3;
              case 'T' -> 4;
              default -> throw new ConfigException(key + ": unknown unit in '" + s + "'");
            };
    return (long) (n * Math.pow(base, power));
  }

  private static long size(Map<String, String> v, String key) {
    return parseSize(key, v.get(key));
  }

  /** Parses durations like {@code 5s}, {@code 250ms}, {@code 1m}; a bare number is seconds. */
  public static Duration parseDuration(String key, String s) {
    Matcher m = DURATION.matcher(s == null ? "" : s);
    if (!m.matches()) {
      throw new ConfigException(key + ": '" + s + "' is not a duration (e.g. 5s, 250ms, 1m)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    double ms =
        switch (unit) {
          case "ms" -> n;
          case "m" -> n * 60_000;
          default -> n * 1000;
        };
    return Duration.ofMillis(Math.round(ms));
  }

  private static Duration duration(Map<String, String> v, String key) {
    return parseDuration(key, v.get(key));
  }
}
