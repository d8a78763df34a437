package io.cordwatch.keyimage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one rule that colours a slice's call on the pages and on the images sent to the PACS. */
class OverlayCallTest {

  @Test
  void aConfidentHighCallIsHigh() {
    assertEquals(Overlay.Call.HIGH, Overlay.call(true, true, false, false, false));
  }

  @Test
  void anUncertainOrBorderlineHighCallIsCaution() {
    assertEquals(Overlay.Call.CAUTION, Overlay.call(true, true, true, false, false));
    assertEquals(Overlay.Call.CAUTION, Overlay.call(true, true, false, true, false));
  }

  @Test
  void aLowCallOnALowGradeIsLow() {
    assertEquals(Overlay.Call.LOW, Overlay.call(false, false, false, false, false));
    assertEquals(Overlay.Call.LOW, Overlay.call(false, false, true, false, false));
  }

  @Test
  void aHighGradeBelowTheThresholdIsStillMarked() {
    assertEquals(Overlay.Call.HIGH, Overlay.call(false, true, false, false, false));
  }

  @Test
  void aWithdrawnCallIsCautionNeverLow() {
    // The segmenter cleared the high call, so the slice is neither called high nor trusted low.
    assertEquals(Overlay.Call.CAUTION, Overlay.call(false, false, false, false, true));
    assertEquals(Overlay.Call.CAUTION, Overlay.call(false, true, false, false, true));
  }
}
