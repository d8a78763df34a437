package io.cordwatch.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer secrets (API tokens, session ids) and the hash they are kept under. A secret is 32
 * random bytes, base64url without padding (43 characters); only its SHA-256 is stored, which is
 * enough for 256-bit random values: there is nothing to guess a dictionary from, so a slow hash
 * would only slow every request.
 */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A fresh secret: 32 random bytes, base64url. */
  public static String newSecret() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
  }

  static byte[] random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return b;
  }

  /** The SHA-256 of the secret's UTF-8 bytes, as lower-case hex. */
  public static String sha256Hex(String secret) {
    return HexFormat.of().formatHex(sha256(secret.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
