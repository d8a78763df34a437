package io.cordwatch.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson set up to read a document people write into records strictly, and its exceptions turned
 * into {@link Problem}s a reader can word for its own users.
 *
 * <p>Strict means: a duplicate key, trailing content, an unknown key, a missing {@code required}
 * key, an explicit null, or a value of the wrong type (no {@code "224"} for 224, no 2.5 for an
 * integer, no 7 for a string) is refused. Jackson cannot tell an explicit null from an absent
 * optional key once a record is built, so nulls are refused on the tree before binding; a record
 * component that means something by null says so with {@code @JsonSetter(nulls = Nulls.SET)}.
 *
 * <p>The readers differ in their error type and their words ("must be an integer" for a bundle,
 * "must be a whole number" for a profile a site engineer edits), so this class decides only the
 * kind of problem and where it is; the {@code error} function of {@link #bind} and {@link #tree}
 * writes the message.
 */
public final class StrictJson {
  private static final Pattern MISSING =
      Pattern.compile("Missing required creator property '([^']+)'");

  private StrictJson() {}

  /** What kind of problem a document has. */
  public enum Kind {
    /** Not well-formed (a duplicate key included): {@link Problem#detail} says why. */
    SYNTAX,
    /** The bytes could not be read at all: {@link Problem#detail} says why. */
    UNREADABLE,
    /** A key the record does not have: the last path element, {@link Problem#known} the others. */
    UNKNOWN_KEY,
    /** A required key is absent: the last path element. */
    MISSING,
    /** A value of the wrong type or an explicit null: {@link Problem#targetType} wanted. */
    WRONG_TYPE,
    /** A record's constructor refused the value: {@link Problem#detail} is its message. */
    BAD_VALUE,
    /** Anything else Jackson refused: {@link Problem#detail} is its message. */
    OTHER
  }

  /**
   * One problem in a document.
   *
   * @param kind what is wrong
   * @param path the keys from the bound node down to the problem, an array index written {@code
   *     [i]}; empty when the problem has no place
   * @param known for {@link Kind#UNKNOWN_KEY}, the keys the object does have, in record order
   * @param targetType for {@link Kind#WRONG_TYPE}, the Java type wanted (may be null)
   * @param found for {@link Kind#WRONG_TYPE}, the value found there, or null when it cannot be told
   * @param detail for {@link Kind#SYNTAX}, {@link Kind#UNREADABLE}, {@link Kind#BAD_VALUE} and
   *     {@link Kind#OTHER}, the message to show
   * @param cause Jackson's exception, or null when the problem was found on the tree
   */
  public record Problem(
      Kind kind,
      List<String> path,
      List<String> known,
      Class<?> targetType,
      JsonNode found,
      String detail,
      Exception cause) {
    public Problem {
      path = List.copyOf(path);
      known = List.copyOf(known);
    }

    /**
     * The path as people write it, after {@code prefix} (the bound node's own path, or ""): {@code
     * head.temperature}, {@code head.classes[2]}.
     */
    public String key(String prefix) {
      StringBuilder b = new StringBuilder(prefix);
      for (String n : path) {
        if (!b.isEmpty() && !n.startsWith("[")) {
          b.append('.');
        }
        b.append(n);
      }
      return b.toString();
    }
  }

  /**
   * Sets {@code builder} up for strict reading; the caller adds what it needs for writing.
   *
   * @return the same builder
   */
  public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B strict(B builder) {
    return builder
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .withCoercionConfig(
            LogicalType.Textual,
            c ->
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
  }

  /**
   * The document's tree; a {@link Kind#SYNTAX} or {@link Kind#UNREADABLE} problem goes to {@code
   * error}, whose exception is thrown. The root may be of any type (or null for an empty YAML
   * document): the caller says what it expects there.
   */
  public static <E extends RuntimeException> JsonNode tree(
      ObjectMapper mapper, byte[] document, Function<Problem, E> error) {
    try {
      return mapper.readTree(document);
    } catch (JsonProcessingException e) {
      throw error.apply(
          new Problem(Kind.SYNTAX, List.of(), List.of(), null, null, e.getOriginalMessage(), e));
    } catch (IOException e) {
      throw error.apply(
          new Problem(Kind.UNREADABLE, List.of(), List.of(), null, null, e.toString(), e));
    }
  }

  /**
   * {@code node} bound to {@code type}, strictly; the first problem goes to {@code error}, whose
   * exception is thrown.
   */
  public static <T, E extends RuntimeException> T bind(
      ObjectMapper mapper, JsonNode node, Class<T> type, Function<Problem, E> error) {
    refuseNulls(node, type, new ArrayList<>(), error);
    try {
      return mapper.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw error.apply(problem(e, node));
    }
  }

  /** Jackson's exception as a problem, the path taken from its references into {@code node}. */
  static Problem problem(JsonProcessingException e, JsonNode node) {
    if (!(e instanceof JsonMappingException m)) {
      return new Problem(Kind.OTHER, List.of(), List.of(), null, null, e.getOriginalMessage(), e);
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
        if (u.getReferringClass() != null && u.getReferringClass().isRecord()) {
          // Jackson's own list is in hash order; people read the keys in the order documented.
          for (RecordComponent c : u.getReferringClass().getRecordComponents()) {
            known.add(jsonName(u.getReferringClass(), c));
          }
        } else {
          for (Object k : (Collection<?>) u.getKnownPropertyIds()) {
            known.add(String.valueOf(k));
          }
        }
        return new Problem(Kind.UNKNOWN_KEY, names, known, null, null, null, e);
      }
      case ValueInstantiationException v
          when v.getCause() instanceof IllegalArgumentException a -> {
        return new Problem(Kind.BAD_VALUE, names, List.of(), null, null, a.getMessage(), e);
      }
      case MismatchedInputException mi -> {
        Matcher missing = MISSING.matcher(mi.getOriginalMessage());
        if (missing.find()) {
          if (names.isEmpty() || !names.getLast().equals(missing.group(1))) {
            names.add(missing.group(1));
          }
          return new Problem(Kind.MISSING, names, List.of(), null, null, null, e);
        }
        JsonNode found = node.at(pointer.toString());
        return new Problem(
            Kind.WRONG_TYPE,
            names,
            List.of(),
            mi.getTargetType(),
            found.isMissingNode() ? null : found,
            null,
            e);
      }
      case JsonMappingException w when w.getCause() instanceof InputCoercionException c -> {
        // A number too large for its type: wrapped with its path, it is a wrong type too.
        JsonNode found = node.at(pointer.toString());
        return new Problem(
            Kind.WRONG_TYPE,
            names,
            List.of(),
            c.getTargetType(),
            found.isMissingNode() ? null : found,
            null,
            e);
      }
      default -> {
        return new Problem(Kind.OTHER, names, List.of(), null, null, e.getOriginalMessage(), e);
      }
    }
  }

  /**
   * Refuses an explicit null anywhere under {@code node} (bound to the record {@code type}), or
   * inside a list or map there, except for a component that allows it with {@code @JsonSetter(nulls
   * = Nulls.SET)}.
   */
  private static <E extends RuntimeException> void refuseNulls(
      JsonNode node, Class<?> type, List<String> path, Function<Problem, E> error) {
    if (!type.isRecord() || !node.isObject()) {
      return;
    }
    for (RecordComponent c : type.getRecordComponents()) {
      Field f = field(type, c);
      String name = jsonName(type, c);
      JsonNode v = node.get(name);
      if (v == null) {
        continue;
      }
      List<String> at = new ArrayList<>(path);
      at.add(name);
      JsonSetter s = f.getAnnotation(JsonSetter.class);
      boolean nullable = s != null && s.nulls() == Nulls.SET;
      boolean nullInside = false;
      for (JsonNode e : v) {
        nullInside |= e.isNull() && (v.isArray() || Map.class.isAssignableFrom(c.getType()));
      }
      if ((v.isNull() && !nullable) || nullInside) {
        throw error.apply(new Problem(Kind.WRONG_TYPE, at, List.of(), c.getType(), v, null, null));
      }
      refuseNulls(v, c.getType(), at, error);
    }
  }

  private static Field field(Class<?> record, RecordComponent c) {
    try {
      return record.getDeclaredField(c.getName());
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("a record has a field per component", e);
    }
  }

  /** The key a record component is read from: its {@code @JsonProperty} name, or its own. */
  private static String jsonName(Class<?> record, RecordComponent c) {
    JsonProperty p = field(record, c).getAnnotation(JsonProperty.class);
    return p == null || p.value().isEmpty() ? c.getName() : p.value();
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
