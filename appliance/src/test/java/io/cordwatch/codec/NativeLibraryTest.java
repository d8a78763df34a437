package io.cordwatch.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import org.junit.jupiter.api.Test;

/** Finding the system's codec libraries, and saying what is missing when one is not there. */
class NativeLibraryTest {
  @Test
  void missingLibraryIsReportedWithItsPackageNotThrown() {
    NativeLibrary lib =
        NativeLibrary.open("Nothing", "libcordwatch-absent.so.9", "cordwatch-absent");

    String problem = lib.problem();
    assertTrue(problem.startsWith("Nothing (libcordwatch-absent.so.9) cannot be loaded"), problem);
    assertTrue(problem.endsWith("install the Debian package cordwatch-absent"), problem);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> lib.function("anything", FunctionDescriptor.ofVoid()));
    assertEquals(problem, e.getMessage());
  }

  @Test
  void missingSymbolIsNamed() {
    NativeLibrary lib = NativeLibrary.open("OpenJPEG", "libopenjp2.so.7", "libopenjp2-7");
    assertNull(lib.problem(), "libopenjp2-7 is installed for the appliance and its tests");

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> lib.function("opj_no_such_function", FunctionDescriptor.ofVoid()));
    assertEquals("OpenJPEG has no function opj_no_such_function()", e.getMessage());
  }

  /** The launcher installs both for serve, demo and test; a run without them must say so. */
  @Test
  void bothCodecLibrariesLoadWithTheExpectedMajorVersions() {
    assertNull(NativeCodec.JPEG_LS.unavailableReason());
    assertNull(NativeCodec.JPEG_2000.unavailableReason());
    assertTrue(NativeCodec.JPEG_LS.version().startsWith("2."), NativeCodec.JPEG_LS.version());
    assertTrue(NativeCodec.JPEG_2000.version().startsWith("2."), NativeCodec.JPEG_2000.version());
  }
}
