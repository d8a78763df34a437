package io.cordwatch.dicom;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * DICOM UID rules (PS3.5 9.1), the PHI-free short forms used in logs, and the one way this code
 * base makes UIDs: a UUID under the 2.25 root (PS3.5 B.2), random or derived from a name.
 */
public final class Uids {
  private static final Pattern LOOSE_UID = Pattern.compile("^[0-9]+(\\.[0-9]+)*$");

  public static final String MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4";
  public static final String ENHANCED_MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4.1";
  public static final String VERIFICATION = "1.2.840.10008.1.1";

  private Uids() {}

  /** A fresh UID from a random UUID under the 2.25 root. */
  public static String random() {
    return of(UUID.randomUUID());
  }

  /**
   * The UID of a name-based (MD5, version 3) UUID of {@code name} under the 2.25 root: the same
   * name always gives the same UID, so generated data is reproducible byte for byte.
   */
  public static String named(String name) {
    return of(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code u} as a UID: "2.25." and the UUID's 128 bits as an unsigned decimal integer. */
  public static String of(UUID u) {
    byte[] b = new byte[16];
    long hi = u.getMostSignificantBits();
    long lo = u.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return "2.25." + new BigInteger(1, b);
  }

  /**
   * Whether {@code uid} is acceptable as a UID: digits and dots, at most 64 characters. Leading
   * zeros in a component are tolerated although PS3.5 forbids them: real scanners emit them.
   */
  public static boolean isValid(String uid) {
    return uid != null && !uid.isEmpty() && uid.length() <= 64 && LOOSE_UID.matcher(uid).matches();
  }

  /**
   * A short, stable, non-reversible tag for a UID, for logs: the first 12 hex digits of its
   * SHA-256. UIDs can embed dates or device serials, so they are never logged whole.
   */
  public static String tag(String uid) {
    if (uid == null) {
      return "-";
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(uid.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
