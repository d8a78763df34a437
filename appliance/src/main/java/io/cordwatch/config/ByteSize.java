package io.cordwatch.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reading of a size written by a person, shared by the settings and the device profiles so
 * that a value accepted in one file is accepted, with the same meaning, in the other: a whole
 * number of bytes, or a number with a unit; {@code KB MB GB TB} are powers of 1000 and {@code KiB
 * MiB GiB TiB} powers of 1024 (IEC), {@code B} is bytes. Units are case-insensitive and may follow
 * a space; fractions are allowed ({@code 1.5GiB}) and rounded down to whole bytes.
 */
public final class ByteSize {
  /** How a size looks, for messages. */
  public static final String EXAMPLES = "2GB, 512MiB, 1048576";

  private static final Pattern SIZE =
      Pattern.compile(
          "\\s*(\\d+(?:\\.\\d+)?)\\s*(?:([KMGT])(i)?)?(B)?\\s*", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  /**
   * The number of bytes {@code text} says.
   *
   * @throws IllegalArgumentException when it is not a size, or more than a long holds; the caller's
   *     exception names the key
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text);
    if (!m.matches() || (m.group(2) == null && m.group(3) != null)) {
      throw new IllegalArgumentException("'" + text + "' is not a size (e.g. " + EXAMPLES + ")");
    }
    int power =
        m.group(2) == null ? 0 : "KMGT".indexOf(m.group(2).toUpperCase(Locale.ROOT).charAt(0)) + 1;
    BigDecimal base = BigDecimal.valueOf(m.group(3) != null ? 1024 : 1000);
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(base.pow(power));
    try {
      return bytes.toBigInteger().longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a size", e);
    }
  }
}
