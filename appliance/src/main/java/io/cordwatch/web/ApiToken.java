package io.cordwatch.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The shared secret that API writes must carry ({@code Authorization: Bearer TOKEN}), read from the
 * file the {@code api-token-file} setting names; or none, when the setting is not given, and then
 * writes are open to whoever reaches the HTTP port (the status page and the reads always are).
 * Compared in constant time.
 */
public final class ApiToken {
  /** The shortest token accepted: a guessable one would protect nothing. */
  public static final int MIN_LENGTH = 16;

  private static final int MAX_LENGTH = 256;
  private static final String SCHEME = "Bearer ";

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

  /** Whether writes need the token. */
  public boolean required() {
    return token != null;
  }

  /**
   * Whether a request with this Authorization header may write.
   *
   * @return empty when it may; else why not, for the 401's message
   */
  Optional<String> refusal(Optional<String> authorization) {
    if (token == null) {
      return Optional.empty();
    }
    if (authorization.isEmpty() || !authorization.get().startsWith(SCHEME)) {
      return Optional.of(
          "this appliance takes changes through the API only with its token: send"
              + " 'Authorization: Bearer TOKEN' (the token is in the file api-token-file names)");
    }
    byte[] given =
        authorization.get().substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(token, given)
        ? Optional.empty()
        : Optional.of("the API token sent does not match this appliance's (api-token-file)");
  }
}
