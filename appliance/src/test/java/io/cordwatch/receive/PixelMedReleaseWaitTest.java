package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The receiver's one reach into PixelMed's internals still lands: a PixelMed that renames or
 * retypes its post-release wait fails here, not as associations that quietly hold their slot for 5
 * s.
 */
class PixelMedReleaseWaitTest {
  @Test
  void pixelMedStillHasItsPostReleaseWaitAsAStaticInt() throws Exception {
    PixelMedReleaseWait.field();
  }

  @Test
  void theReceiverShortensPixelMedsPostReleaseWait() throws Exception {
    // DicomReceiver's initialiser applies the wait, as in the appliance.
    Class.forName(DicomReceiver.class.getName(), true, DicomReceiver.class.getClassLoader());
    assertNull(PixelMedReleaseWait.apply(), "the wait could not be set");
    assertEquals(PixelMedReleaseWait.MILLIS, PixelMedReleaseWait.field().getInt(null));
  }
}
