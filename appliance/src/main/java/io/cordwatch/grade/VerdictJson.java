package io.cordwatch.grade;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/**
 * The one JSON shape of grading results: a {@link Verdict} and its {@link SliceResult}s as the
 * store keeps them, the API serves them and {@code cordwatch grade --json} prints them. Record
 * components become snake_case fields ({@code indeterminate_reason}, {@code counts.high_calls},
 * {@code model.limits}, a slice's {@code p_high}, ...) and nulls are written out, so a field a
 * client reads is always present, null or not (docs/api.md lists them).
 *
 * <p>Everything that writes that shape goes through this mapper (the grading worker into the store,
 * the web layer for every reply, the CLI's JSON output), and what reads a stored verdict back reads
 * it as the record with {@link #readVerdict}, so the writer and the readers cannot drift apart. The
 * mapper itself stays private: callers get immutable writers and readers, which nobody can
 * reconfigure for everyone else.
 */
public final class VerdictJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  private static final ObjectWriter WRITER = MAPPER.writer();
  private static final ObjectWriter PRETTY = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectReader READER = MAPPER.reader();
  private static final ObjectReader VERDICT = MAPPER.readerFor(Verdict.class);

  private VerdictJson() {}

  /** Writes one-line JSON (stored verdicts, API replies). */
  public static ObjectWriter writer() {
    return WRITER;
  }

  /** Writes indented JSON (what the CLI prints). */
  public static ObjectWriter prettyWriter() {
    return PRETTY;
  }

  /** {@code value} as one-line JSON. */
  public static String write(Object value) {
    try {
      return WRITER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          value.getClass().getSimpleName() + " does not serialise: " + e.getOriginalMessage(), e);
    }
  }

  /** A verdict as stored. */
  public static String verdict(Verdict v) {
    return write(v);
  }

  /** A slice's class probabilities as stored. */
  public static String probabilities(Map<String, Double> probabilities) {
    return write(probabilities);
  }

  /**
   * A stored verdict read back as the record. Fields it lacks (verdicts stored before a field was
   * added) are null, or 0 for counts.
   *
   * @throws IllegalArgumentException when {@code json} is not a verdict
   */
  public static Verdict readVerdict(String json) {
    try {
      return VERDICT.readValue(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a stored verdict: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Stored JSON as a tree, to pass on as JSON rather than as a string holding JSON.
   *
   * @throws IllegalStateException when {@code json} is not JSON
   */
  public static JsonNode tree(String json) {
    try {
      return READER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored result is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
