package io.cordwatch.phantom.real;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * UIDs of the prepared series: name-based UUIDs of (seed, name) under the 2.25 root, as the
 * phantom's, so the same seed writes the same bytes and a different seed never collides.
 */
final class RealUids {
  private RealUids() {}

  static String of(long seed, String name) {
    UUID u =
        UUID.nameUUIDFromBytes(
            ("cordwatch-real/" + seed + "/" + name).getBytes(StandardCharsets.UTF_8));
    byte[] b = new byte[16];
    long hi = u.getMostSignificantBits();
    long lo = u.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return "2.25." + new BigInteger(1, b);
  }
}
