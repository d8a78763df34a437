package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.Appliance;
import io.cordwatch.dicom.Uids;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one sender can hold of the listener once associated: its share of the association slots
 * ({@code max-associations-per-ae}) and, per association, one idle budget per PDU ({@code
 * idle-timeout}) however its bytes trickle in.
 */
class AssociationLimitsTest {
  /** A-ASSOCIATE-RJ body: rejected-transient, service-provider (presentation), local limit. */
  private static final String LOCAL_LIMIT_REJECT = "[0, 2, 3, 2]";

  @TempDir Path tmp;
  private Appliance appliance;
  private final List<RawScu> held = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (RawScu scu : held) {
      scu.close();
    }
    if (appliance != null) {
      appliance.close();
    }
  }

  private RawScu associate(String calling) throws IOException {
    RawScu scu =
        RawScu.associate(appliance.dicomPort(), calling, "CORDWATCH", Uids.MR_IMAGE_STORAGE);
    held.add(scu);
    return scu;
  }

  @Test
  void oneCallingAeHoldsAtMostHalfTheSlotsAndOtherSendersStillGetIn() throws Exception {
    // max-associations 4: one calling AE may hold 2 (half, the default).
    appliance = RunningAppliance.start(tmp.resolve("data"), Map.of("max-associations", "4"));
    associate("RAWSCU");
    RawScu second = associate("RAWSCU");

    IOException third = assertThrows(IOException.class, () -> associate("RAWSCU"));
    assertTrue(third.getMessage().contains("PDU type 3"), third.getMessage());
    assertTrue(third.getMessage().endsWith(LOCAL_LIMIT_REJECT), third.getMessage());
    assertEquals(1, appliance.meters().associationsRejected("per_ae_limit"));

    // Two slots are still free for everybody else: DCMTK's echoscu associates and is answered.
    assertEquals(0, Peers.echoscu(appliance.dicomPort(), "ECHOSCU").exit());

    // A released association gives its slot back to its sender (once the receiver has seen the
    // release through, which may be just after the A-RELEASE-RP reached us).
    second.release();
    held.remove(second);
    second.close();
    assertTrue(associatesWithin("RAWSCU", 10_000), "RAWSCU associates again after a release");
  }

  /**
   * The associations counted as aborted for idleness, once {@code expected} are or 10 s passed (the
   * peer may see the abort just before the receiver counts it).
   */
  private double idleTimeoutsCounted(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    double n = appliance.meters().associationsRejected("idle_timeout");
    while (n < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      n = appliance.meters().associationsRejected("idle_timeout");
    }
    return n;
  }

  private boolean associatesWithin(String calling, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        associate(calling);
        return true;
      } catch (IOException stillHeld) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  @Test
  void aConfiguredPerAeLimitRefusesDcmtkAsLocalLimitExceeded() throws Exception {
    appliance =
        RunningAppliance.start(
            tmp.resolve("data"), Map.of("max-associations", "4", "max-associations-per-ae", "1"));
    associate("ECHOSCU");

    Peers.Run refused = Peers.echoscu(appliance.dicomPort(), "ECHOSCU");
    assertNotEquals(0, refused.exit(), refused.output());
    assertTrue(refused.output().contains("Association Rejected"), refused.output());
    assertTrue(refused.output().contains("Local Limit Exceeded"), refused.output());
    assertEquals(1, appliance.meters().associationsRejected("per_ae_limit"));
    assertEquals(0, Peers.echoscu(appliance.dicomPort(), "STORESCU").exit());
  }

  @Test
  void aSilentAssociationIsAbortedWhenTheIdleTimeoutEnds() throws Exception {
    appliance = RunningAppliance.start(tmp.resolve("data"), Map.of("idle-timeout", "1s"));
    RawScu scu = associate("RAWSCU");

    assertEquals(0x07, scu.nextPduType(15_000), "an A-ABORT PDU");
    assertEquals(1, idleTimeoutsCounted(1));
  }

  @Test
  void anAssociationDrippingItsPduIsAbortedWhenTheIdleTimeoutEnds() throws Exception {
    // idle-timeout 2 s. A P-DATA-TF header announcing 1000 bytes and its PDV's header (item length
    // 996, context 1, a data fragment), then one byte of the value every 300 ms: every read ends
    // well inside 2 s, the PDU would take 5 minutes. (The PDV header must be valid: the PDU guard
    // refuses an item length that does not fit, and that would end the association first.)
    appliance = RunningAppliance.start(tmp.resolve("data"), Map.of("idle-timeout", "2s"));
    RawScu scu = associate("RAWSCU");
    scu.writeRaw(new byte[] {0x04, 0, 0, 0, 0x03, (byte) 0xe8, 0, 0, 0x03, (byte) 0xe4, 1, 0});
    long deadline = System.nanoTime() + 15_000_000_000L;
    boolean ended = false;
    while (!ended && System.nanoTime() < deadline) {
      Thread.sleep(300);
      int next = scu.nextPduType(1);
      ended = next == 0x07 || next == -1;
      if (!ended) {
        try {
          scu.writeRaw(new byte[] {0});
        } catch (IOException reset) {
          ended = true;
        }
      }
    }
    assertTrue(ended, "an association dripping one PDU is still open after 15 s");
    assertEquals(1, idleTimeoutsCounted(1));
    assertEquals(0, Peers.echoscu(appliance.dicomPort(), "ECHOSCU").exit());
  }
}
