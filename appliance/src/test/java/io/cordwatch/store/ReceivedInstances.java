package io.cordwatch.store;

import io.cordwatch.store.Records.InstanceRow;

/** An axial T2 MR instance recorded in an index as the receiver records one (no file behind it). */
final class ReceivedInstances {
  private ReceivedInstances() {}

  static void receive(
      Index index, String study, String series, String sop, long atMs, String callingAe) {
    index.recordInstance(
        new InstanceRow(
            0,
            sop,
            "1.2.840.10008.5.1.4.1.1.4",
            study,
            series,
            "1.2.840.10008.1.2.1",
            "spool/" + sop + ".dcm",
            1,
            "00",
            atMs,
            callingAe,
            "{}"),
        "MR",
        1,
        "AX T2");
  }
}
