package io.cordwatch.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordsTest {
  private static final char[] GOOD = "correct horse battery staple".toCharArray();

  @Test
  void hashIsSaltedSlowPbkdf2ThatNamesItsCost() {
    String a = Passwords.hash(GOOD);
    String b = Passwords.hash(GOOD);

    assertNotEquals(a, b, "each hash has its own salt");
    String[] parts = a.split("\\$");
    assertEquals("pbkdf2-sha256", parts[0]);
    assertTrue(Integer.parseInt(parts[1]) >= 210_000, a);
    assertEquals(16, Base64.getDecoder().decode(parts[2]).length, "16-byte salt");
    assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
    assertFalse(a.contains("horse"));
  }

  @Test
  void verifyAcceptsThePasswordOnly() {
    String stored = Passwords.hash(GOOD);

    assertTrue(Passwords.verify(GOOD, stored));
    assertFalse(Passwords.verify("correct horse battery stapl".toCharArray(), stored));
    assertFalse(Passwords.verify(GOOD, "garbage"));
    assertFalse(Passwords.verify(GOOD, null));
  }

  @Test
  void aHashMadeAtALowerCostStillVerifiesAndAsksToBeRehashed() {
    String stored = Passwords.hash(GOOD);
    assertFalse(Passwords.needsRehash(stored));

    // The same derivation at 1,000 iterations, as an older release might have stored it.
    String[] parts = stored.split("\\$");
    String cheap =
        "pbkdf2-sha256$1000$"
            + parts[2]
            + "$"
            + Base64.getEncoder()
                .withoutPadding()
                .encodeToString(derive(GOOD, Base64.getDecoder().decode(parts[2]), 1000));
    assertTrue(Passwords.verify(GOOD, cheap));
    assertTrue(Passwords.needsRehash(cheap));
  }

  @Test
  void weakPasswordsAreRefusedSayingWhy() {
    AuthException shortOne =
        assertThrows(
            AuthException.class, () -> Passwords.checkStrength("eleven char".toCharArray()));
    assertEquals(AuthException.Code.WEAK_PASSWORD, shortOne.code());
    assertTrue(shortOne.getMessage().contains("at least 12 characters"), shortOne.getMessage());
    assertThrows(
        AuthException.class, () -> Passwords.checkStrength("aaaaaaaaaaaaaaaa".toCharArray()));
    Passwords.checkStrength("twelve chars".toCharArray());
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    try {
      return javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new javax.crypto.spec.PBEKeySpec(password, salt, iterations, 256))
          .getEncoded();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
