package io.cordwatch.phantom.real;

import io.cordwatch.dicom.Uids;

/**
 * UIDs of the prepared series: {@link Uids#named} of (seed, name), as the phantom's, so the same
 * seed writes the same bytes and a different seed never collides.
 */
final class RealUids {
  private RealUids() {}

  static String of(long seed, String name) {
    return Uids.named("cordwatch-real/" + seed + "/" + name);
  }
}
