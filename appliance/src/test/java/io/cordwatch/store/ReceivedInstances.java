package io.cordwatch.store;

import io.cordwatch.store.Records.InstanceRow;

/**
 * MR instances as the receiver records them, for tests that need index rows (no file behind it).
 */
public final class ReceivedInstances {
  private ReceivedInstances() {}

  /**
   * An axial T2 instance received at {@code atMs} from {@code callingAe}, recorded in the index.
   */
  static void receive(
      Index index, String study, String series, String sop, long atMs, String callingAe) {
    index.recordInstance(
        row(sop, study, series, "spool/" + sop + ".dcm", 1, atMs, callingAe), "MR", 1, "AX T2");
  }

  /** The row of an MR Image Storage instance in explicit little endian, stored at {@code path}. */
  public static InstanceRow row(
      String sop, String study, String series, String path, long bytes, long atMs, String ae) {
    return new InstanceRow(
        0,
        sop,
        "1.2.840.10008.5.1.4.1.1.4",
        study,
        series,
        "1.2.840.10008.1.2.1",
        path,
        bytes,
        "00",
        atMs,
        ae,
        "{}");
  }
}
