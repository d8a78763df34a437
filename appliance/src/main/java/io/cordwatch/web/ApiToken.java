package io.cordwatch.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The deprecated single shared token, read from the file the {@code api-token-file} setting names,
 * and accepted as one more write-scope API token (named {@code api-token-file} in logs and audit
 * rows) so appliances set up before per-client tokens keep working; or none. Compared in constant
 * time.
 */
public final class ApiToken {
  /** The shortest token accepted: a guessable one would protect nothing. */
  public static final int MIN_LENGTH = 16;

  private static final int MAX_LENGTH = 256;

  private final byte[] token;

  private ApiToken(byte[] token) {
    this.token = token;
  }

  /**
   * The token in {@code file} (its whole content, surrounding white space removed), or none for a
   * null file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static ApiToken of(Path file) {
    if (file == null) {
      return new ApiToken(null);
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (text.length() < MIN_LENGTH || text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          file
              + ": the token must be "
              + MIN_LENGTH
              + " to "
              + MAX_LENGTH
              + " characters, it has "
              + text.length()
              + " (e.g. openssl rand -hex 32 > "
              + file
              + ")");
    }
    if (!text.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          file + ": the token must be printable ASCII without spaces (one line)");
    }
    return new ApiToken(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether a token file is configured. */
  public boolean required() {
    return token != null;
  }

  /** Whether {@code bearer} (the part after "Bearer ") is this token; compared in constant time. */
  boolean matches(String bearer) {
    return token != null
        && bearer != null
        && MessageDigest.isEqual(token, bearer.getBytes(StandardCharsets.UTF_8));
  }
}
