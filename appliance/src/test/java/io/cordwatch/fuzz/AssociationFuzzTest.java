package io.cordwatch.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Jazzer over the DICOM upper layer of a real receiver on loopback ({@link FuzzHost}): whatever a
 * peer writes on a connection, the receiver ends it within ARTIM plus its idle timeout, keeps
 * listening and logs nothing it did not declare ({@link AssociationFuzzer#one}); after the inputs a
 * well-behaved store still succeeds. In the suite it replays the inputs kept beside it ({@code
 * AssociationFuzzTestInputs/}: an echo, a phantom store, and each finding once fixed) in Jazzer's
 * regression mode; {@code install/cordwatch fuzz --jazzer MINUTES --target association} runs it as
 * a coverage-guided fuzzer. The long mutation run is {@code cordwatch fuzz --target association}.
 */
class AssociationFuzzTest {
  private static final JazzerAppliance APPLIANCE = new JazzerAppliance("association", 11);
  private static AssociationFuzzer fuzzer;

  /** The fuzzer over the appliance, both made on the first input ({@link JazzerAppliance}). */
  private static synchronized AssociationFuzzer fuzzer() throws Exception {
    if (APPLIANCE.start()) {
      fuzzer =
          new AssociationFuzzer(
              APPLIANCE.host(),
              APPLIANCE.log(),
              AssociationFuzzer.phantomSeeds(APPLIANCE.host()),
              1,
              null,
              Integer.MAX_VALUE);
    }
    return fuzzer;
  }

  @AfterAll
  static void stop() throws Exception {
    APPLIANCE.stop(
        h -> assertNull(h.storeProbe(h.phantomFiles().getFirst()), "a store after the inputs"));
  }

  @FuzzTest(maxDuration = "5m")
  void theReceiverEndsEveryConnectionWithinItsLimits(byte[] data) throws Exception {
    assertEquals(List.of(), fuzzer().one(data, true));
  }
}
