package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cordwatch.app.Appliance;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finding of {@code cordwatch fuzz --target association}: a P-DATA-TF of a few bytes whose
 * presentation data value claims 2 GiB made PixelMed allocate it, and the connection's thread died
 * of an OutOfMemoryError. The receiver now aborts the association (A-ABORT) and keeps serving.
 */
class HostilePdvTest {
  @TempDir Path tmp;
  private Appliance appliance;

  @AfterEach
  void stop() {
    if (appliance != null) {
      appliance.close();
    }
  }

  @Test
  void aPdvLongerThanItsPduIsAbortedAndTheReceiverServesOn() throws Exception {
    appliance = RunningAppliance.start(tmp.resolve("data"));
    try (RawScu scu =
        RawScu.associate(appliance.dicomPort(), "RAWSCU", "CORDWATCH", "1.2.840.10008.1.1")) {
      // P-DATA-TF of 10 bytes: one PDV whose item length says 0x7FFFFFF0.
      scu.writeRaw(new byte[] {0x04, 0, 0, 0, 0, 10, 0x7F, -1, -1, -16, 1, 3, 0, 0, 0, 0});
      assertEquals(0x07, scu.nextPduType(10_000), "A-ABORT, not a dropped connection");
    }
    assertEquals(0, Peers.echoscu(appliance.dicomPort(), "ECHOSCU").exit());
  }
}
