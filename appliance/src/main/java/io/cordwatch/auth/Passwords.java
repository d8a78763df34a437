package io.cordwatch.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashing with the JDK's PBKDF2-HMAC-SHA256: a 16-byte random salt per password and {@link
 * #ITERATIONS} iterations (OWASP's 2023 floor for this function is 210,000), compared in constant
 * time.
 *
 * <p>The stored string names its algorithm and cost ({@code pbkdf2-sha256$210000$SALT$HASH},
 * base64), so the cost can be raised in a later release without locking anybody out: a login that
 * succeeds against an older, cheaper hash is re-hashed at the current cost ({@link #needsRehash}).
 */
public final class Passwords {
  /** The cost of new hashes. */
  public static final int ITERATIONS = 210_000;

  /** The shortest password accepted. */
  public static final int MIN_LENGTH = 12;

  private static final String ALGORITHM = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  /** Verified against when the user does not exist, so that "no such user" takes as long. */
  private static final String DUMMY = hash("no user has this password".toCharArray());

  private Passwords() {}

  /**
   * Refuses a password too weak to guard patient data.
   *
   * @throws AuthException saying what is missing
   */
  public static void checkStrength(char[] password) {
    if (password.length < MIN_LENGTH) {
      throw new AuthException(
          AuthException.Code.WEAK_PASSWORD,
          "the password must have at least "
              + MIN_LENGTH
              + " characters (it has "
              + password.length
              + "); a passphrase of four unrelated words is easy to type and hard to guess");
    }
    boolean allSame = true;
    for (char ch : password) {
      allSame &= ch == password[0];
    }
    if (allSame) {
      throw new AuthException(
          AuthException.Code.WEAK_PASSWORD, "the password must not repeat one character");
    }
  }

  /** A new salted hash of {@code password} at the current cost. */
  public static String hash(char[] password) {
    byte[] salt = Secrets.random(SALT_BYTES);
    byte[] hash = derive(password, salt, ITERATIONS);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return ALGORITHM
        + "$"
        + ITERATIONS
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  /** Whether {@code password} matches {@code stored}; false for a malformed stored string. */
  public static boolean verify(char[] password, String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(ALGORITHM)) {
      return false;
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      byte[] actual = derive(password, salt, iterations);
      return MessageDigest.isEqual(expected, actual);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Spends the time of one verification; for logins naming no (usable) user. */
  static void verifyNothing(char[] password) {
    verify(password, DUMMY);
  }

  /** Whether {@code stored} was made at a lower cost than new hashes get. */
  public static boolean needsRehash(String stored) {
    String[] parts = stored.split("\\$");
    try {
      return parts.length != 4
          || !parts[0].equals(ALGORITHM)
          || Integer.parseInt(parts[1]) < ITERATIONS;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
    }
  }
}
