package io.cordwatch.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One setting: its key (the YAML key, and the {@code serve} flag with {@code --} in front), the
 * kind of value it takes, its default, what it does, and the checks on its value. Everything else
 * about configuration (the file reader, the flags, the defaults, the table in docs/operations.md)
 * is derived from the list of these in {@link Keys}, so a key is added, renamed or documented in
 * one place.
 *
 * <p>A value arrives as text (from YAML, a flag, or the default) and {@link #parse} turns it into
 * {@code T} or throws a {@link ConfigException} whose message starts with the key, so an operator
 * reads which setting to fix. Optional settings without a default parse an absent or blank value as
 * {@code null}.
 *
 * @param <T> the Java type of the value
 */
public final class Setting<T> {
  private static final Pattern AE = Pattern.compile("^[\\x20-\\x5B\\x5D-\\x7E]{1,16}$");
  private static final Pattern HOST =
      Pattern.compile("^[A-Za-z0-9._-]{1,253}$|^\\[?[0-9A-Fa-f:.]+]?$");
  private static final Pattern DESTINATION =
      Pattern.compile(
          "^[\\x20-\\x3F\\x41-\\x5B\\x5D-\\x7E]{1,16}@(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)"
              + ":([1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])$");
  private static final Pattern URL = Pattern.compile("^https?://[^\\s,]+$");
  private static final Pattern DURATION =
      Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?\\s*$", Pattern.CASE_INSENSITIVE);

  /** Text to value; {@code key} is for the message of a {@link ConfigException}. */
  @FunctionalInterface
  interface Parser<T> {
    T parse(String key, String text);
  }

  private final String key;
  private final String type;
  private final String defaultValue;
  private final String defaultText;
  private final String doc;
  private final Parser<T> parser;
  private final List<Check<T>> checks;

  private record Check<T>(Predicate<T> ok, Function<T, String> why) {}

  private Setting(
      String key,
      String type,
      String defaultValue,
      String defaultText,
      String doc,
      Parser<T> parser,
      List<Check<T>> checks) {
    this.key = Objects.requireNonNull(key);
    this.type = type;
    this.defaultValue = defaultValue;
    this.defaultText = defaultText;
    this.doc = doc;
    this.parser = parser;
    this.checks = List.copyOf(checks);
  }

  private static <T> Setting<T> of(
      String key, String type, String defaultValue, String doc, Parser<T> parser) {
    return new Setting<>(
        key, type, defaultValue, defaultValue == null ? "none" : null, doc, parser, List.of());
  }

  /** The key: YAML key and, with {@code --}, the {@code serve} flag. */
  public String key() {
    return key;
  }

  /** The flag that sets it on the command line. */
  public String flag() {
    return "--" + key;
  }

  /** The kind of value, as the docs and {@code --help} name it (size, duration, on/off...). */
  public String type() {
    return type;
  }

  /** The default as text a file or flag could hold, or null when there is none. */
  public String defaultValue() {
    return defaultValue;
  }

  /** The default as the docs say it: the value, or what not setting it means. */
  public String defaultText() {
    return defaultText != null ? defaultText : defaultValue;
  }

  /** What it does, one sentence or a few, for the docs table and {@code --help}. */
  public String doc() {
    return doc;
  }

  /** Parses and checks {@code text}; null or blank for an optional setting gives null. */
  public T parse(String text) {
    T value = parser.parse(key, text);
    for (Check<T> c : checks) {
      if (!c.ok().test(value)) {
        throw new ConfigException(key + ": " + c.why().apply(value));
      }
    }
    return value;
  }

  /** This setting with one more check on the parsed value; {@code why} ends the message. */
  Setting<T> check(Predicate<T> ok, Function<T, String> why) {
    List<Check<T>> more = new ArrayList<>(checks);
    more.add(new Check<>(ok, why));
    return new Setting<>(key, type, defaultValue, defaultText, doc, parser, more);
  }

  /** This setting with the docs saying {@code text} for its default (e.g. "the shipped set"). */
  Setting<T> defaultSays(String text) {
    return new Setting<>(key, type, defaultValue, text, doc, parser, checks);
  }

  @Override
  public String toString() {
    return key;
  }

  // The kinds of value. Messages keep the wording start-up has always used.

  static Setting<String> text(String key, String defaultValue, String doc) {
    return of(key, "text", defaultValue, doc, (k, s) -> s == null ? null : s.strip());
  }

  static Setting<Integer> port(String key, String defaultValue, String doc) {
    return of(key, "port", defaultValue, doc, Setting::integer)
        .check(
            p -> p >= 0 && p <= 65535, p -> p + " is not a TCP port (0-65535; 0 picks a free one)");
  }

  static Setting<Integer> wholeNumber(String key, String defaultValue, String doc) {
    return of(key, "whole number", defaultValue, doc, Setting::integer);
  }

  static Setting<Double> number(String key, String defaultValue, String doc) {
    return of(
        key,
        "number",
        defaultValue,
        doc,
        (k, s) -> {
          try {
            return Double.parseDouble(s.trim());
          } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(k + ": '" + s + "' is not a number");
          }
        });
  }

  /** A number with no default: null when not set. */
  static Setting<Double> optionalNumber(String key, String doc) {
    return of(
        key,
        "number",
        null,
        doc,
        (k, s) -> {
          if (s == null || s.isBlank()) {
            return null;
          }
          try {
            return Double.parseDouble(s.trim());
          } catch (NumberFormatException e) {
            throw new ConfigException(k + ": '" + s + "' is not a number");
          }
        });
  }

  static Setting<Long> size(String key, String defaultValue, String doc) {
    return of(key, "size", defaultValue, doc, Setting::parseSize);
  }

  static Setting<Duration> duration(String key, String defaultValue, String doc) {
    return of(key, "duration", defaultValue, doc, Setting::parseDuration);
  }

  static Setting<Boolean> onOff(String key, String defaultValue, String doc) {
    return of(
        key,
        "on/off",
        defaultValue,
        doc,
        (k, s) ->
            switch (s == null ? "" : s.strip().toLowerCase(Locale.ROOT)) {
              case "on", "true", "yes" -> true;
              case "off", "false", "no" -> false;
              default -> throw new ConfigException(k + ": '" + s + "' is not on or off");
            });
  }

  /** An optional path: absent or blank means not set (null). */
  static Setting<Path> path(String key, String defaultValue, String doc) {
    return of(
        key,
        "path",
        defaultValue,
        doc,
        (k, s) -> {
          if (s == null || s.isBlank()) {
            return null;
          }
          try {
            return Path.of(s.strip());
          } catch (InvalidPathException e) {
            throw new ConfigException(k + ": '" + s + "' is not a path");
          }
        });
  }

  static Setting<String> aeTitle(String key, String defaultValue, String doc) {
    return of(key, "AE title", defaultValue, doc, (k, s) -> s == null ? "" : s.trim())
        .check(
            Setting::isAeTitle,
            ae -> "'" + ae + "' is not a valid AE title (1-16 printable characters, no backslash)");
  }

  /** A comma-separated list (a YAML list is read as one) of AE titles. */
  static Setting<List<String>> aeTitles(String key, String defaultValue, String doc) {
    return of(key, "AE titles", defaultValue, doc, Setting::list)
        .check(
            list -> list.stream().allMatch(Setting::isAeTitle),
            list ->
                "'"
                    + list.stream().filter(ae -> !isAeTitle(ae)).findFirst().orElseThrow()
                    + "' is not a valid AE title");
  }

  /** A comma-separated list (a YAML list is read as one) of host names or addresses. */
  static Setting<List<String>> hostNames(String key, String defaultValue, String doc) {
    return of(key, "host names", defaultValue, doc, Setting::list)
        .check(
            list -> list.stream().allMatch(h -> HOST.matcher(h).matches()),
            list ->
                "'"
                    + list.stream()
                        .filter(h -> !HOST.matcher(h).matches())
                        .findFirst()
                        .orElseThrow()
                    + "' is not a host name or address (no port, no scheme)");
  }

  /**
   * A comma-separated list (a YAML list is read as one) of DICOM destinations, each {@code
   * AE@HOST:PORT}; {@code serve} takes the flag more than once.
   */
  static Setting<List<String>> destinations(String key, String defaultValue, String doc) {
    return of(key, "destinations", defaultValue, doc, Setting::list)
        .check(
            list -> list.stream().allMatch(d -> DESTINATION.matcher(d).matches()),
            list ->
                "'"
                    + list.stream()
                        .filter(d -> !DESTINATION.matcher(d).matches())
                        .findFirst()
                        .orElseThrow()
                    + "' is not a DICOM destination: write AE@HOST:PORT, e.g. PACS@10.0.0.5:104");
  }

  /** A comma-separated list (a YAML list is read as one) of http or https URLs. */
  static Setting<List<String>> urls(String key, String defaultValue, String doc) {
    return of(key, "URLs", defaultValue, doc, Setting::list)
        .check(
            list -> list.stream().allMatch(u -> URL.matcher(u).matches()),
            list ->
                "'"
                    + list.stream().filter(u -> !URL.matcher(u).matches()).findFirst().orElseThrow()
                    + "' is not an http or https URL");
  }

  /** A comma-separated list (a YAML list is read as one) of TLS protocol versions of BCP 195. */
  static Setting<List<String>> tlsProtocols(String key, String defaultValue, String doc) {
    return of(key, "TLS versions", defaultValue, doc, Setting::list)
        .check(
            list -> !list.isEmpty() && TLS_VERSIONS.containsAll(list),
            list ->
                list.isEmpty()
                    ? "name TLSv1.3, TLSv1.2 or both"
                    : "'"
                        + list.stream()
                            .filter(v -> !TLS_VERSIONS.contains(v))
                            .findFirst()
                            .orElseThrow()
                        + "' is not allowed (BCP 195: TLSv1.3 and TLSv1.2 only)");
  }

  private static final List<String> TLS_VERSIONS = List.of("TLSv1.3", "TLSv1.2");

  /** Whether the {@code serve} flag may be given more than once (list settings), values joined. */
  public boolean repeatable() {
    return type.equals("AE titles")
        || type.equals("host names")
        || type.equals("destinations")
        || type.equals("URLs");
  }

  private static boolean isAeTitle(String ae) {
    return AE.matcher(ae).matches() && !ae.isBlank();
  }

  private static int integer(String key, String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new ConfigException(key + ": '" + s + "' is not a whole number");
    }
  }

  private static List<String> list(String key, String s) {
    List<String> out = new ArrayList<>();
    if (s == null) {
      return List.copyOf(out);
    }
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return List.copyOf(out);
  }

  /** Parses sizes like {@code 2GB}, {@code 512MiB}, {@code 1048576} ({@link ByteSize}). */
  public static long parseSize(String key, String s) {
    try {
      return ByteSize.parse(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
  }

  /**
   * Parses durations like {@code 5s}, {@code 250ms}, {@code 1m}, {@code 30d}; a bare number is
   * seconds.
   */
  public static Duration parseDuration(String key, String s) {
    Matcher m = DURATION.matcher(s == null ? "" : s);
    if (!m.matches()) {
      throw new ConfigException(
          key + ": '" + s + "' is not a duration (e.g. 5s, 250ms, 1m, 12h, 30d)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    double ms =
        switch (unit) {
          case "ms" -> n;
          case "m" -> n * 60_000;
          case "h" -> n * 3_600_000;
          case "d" -> n * 86_400_000;
          default -> n * 1000;
        };
    return Duration.ofMillis(Math.round(ms));
  }
}
