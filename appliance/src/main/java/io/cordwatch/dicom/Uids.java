package io.cordwatch.dicom;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** DICOM UID rules (PS3.5 9.1) and the PHI-free short forms used in logs. */
public final class Uids {
  private static final Pattern LOOSE_UID = Pattern.compile("^[0-9]+(\\.[0-9]+)*$");

  public static final String MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4";
  public static final String ENHANCED_MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4.1";
  public static final String VERIFICATION = "1.2.840.10008.1.1";

  private Uids() {}

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
          MessageDigest.getInstance("SHA-256")
              .digest(uid.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
