package io.cordwatch.publish;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DICOM storage destination: the called AE title, host and port, written {@code AE@HOST:PORT}
 * (e.g. {@code PACS@10.0.0.5:104}, {@code ARCHIVE@[fd00::5]:11112}). The text form is what the
 * outbox stores, so a row names its destination even after the configuration changes.
 */
public record Destination(String aeTitle, String host, int port) {
  private static final Pattern FORM =
      Pattern.compile(
          "^([\\x20-\\x3F\\x41-\\x5B\\x5D-\\x7E]{1,16})@(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})$");

  public Destination {
    if (aeTitle.isBlank() || aeTitle.length() > 16 || host.isBlank() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("not a destination: " + aeTitle + "@" + host + ":" + port);
    }
  }

  /**
   * Parses {@code AE@HOST:PORT}.
   *
   * @throws IllegalArgumentException saying what is wrong, with an example
   */
  public static Destination parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a DICOM destination: write AE@HOST:PORT, e.g. PACS@10.0.0.5:104 (AE"
              + " title 1-16 characters without @ or backslash)");
    }
    int port = Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "': port must be 1-65535");
    }
    String host = m.group(2);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return new Destination(m.group(1).strip(), host, port);
  }

  /** Whether {@code text} parses. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return aeTitle + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
