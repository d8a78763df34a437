package io.cordwatch.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loading order of {@link KernelLibrary}, against the libraries this build made. */
class KernelLibraryTest {

  @Test
  void hostLibraryLoadsFromTheBundledResourceAndSaysWhatItIs() {
    KernelLibrary lib = KernelLibrary.host();
    assertSame(lib, KernelLibrary.host(), "loaded once per process");
    assertEquals(KernelLibrary.Flavour.HOST, lib.flavour());
    assertTrue(lib.source().startsWith("bundled /io/cordwatch/kernels/linux-"), lib.source());
    assertTrue(lib.build().startsWith("host (plain C"), lib.build());
  }

  @Test
  void explicitPathWinsAndIsUsedAsGiven(@TempDir Path dir) throws Exception {
    Path copy = dir.resolve("libpinned.so");
    try (InputStream in =
        KernelLibrary.class.getResourceAsStream(
            KernelLibrary.resourceName(KernelLibrary.Flavour.HOST))) {
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    KernelLibrary lib = KernelLibrary.open(KernelLibrary.Flavour.HOST, copy.toString());
    assertEquals("-Dcordwatch.kernels.host.path=" + copy, lib.source());
  }

  @Test
  void explicitPathThatDoesNotLoadFailsWithoutFallingThrough(@TempDir Path dir) {
    Path notALibrary = dir.resolve("libcordwatch_kernels_host.so");
    KernelException e =
        assertThrows(
            KernelException.class,
            () -> KernelLibrary.open(KernelLibrary.Flavour.HOST, notALibrary.toString()));
    assertEquals(KernelException.Code.LIBRARY_MISSING, e.code());
    assertTrue(e.getMessage().contains(notALibrary.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("-Dcordwatch.kernels.host.path"), e.getMessage());
  }

  @Test
  void cudaLibraryLoadsWithoutAGpuAndHoldsEveryTargetArchitecture() {
    assumeTrue(
        KernelLibrary.class.getResource(KernelLibrary.resourceName(KernelLibrary.Flavour.CUDA))
            != null,
        "the CUDA library was not built (no nvcc when kernels/ was built): nothing to load");
    KernelLibrary lib = KernelLibrary.cuda();
    assertEquals(KernelLibrary.Flavour.CUDA, lib.flavour());
    assertTrue(lib.build().startsWith("cuda (archs 80 86 87 89 90, ptx 90"), lib.build());
  }

  @Test
  void cudaCallWithoutADeviceIsAStatusNotACrash() {
    assumeTrue(
        KernelLibrary.class.getResource(KernelLibrary.resourceName(KernelLibrary.Flavour.CUDA))
            != null,
        "the CUDA library was not built (no nvcc when kernels/ was built)");
    assumeTrue(
        CudaRuntime.find().isEmpty(), "this machine has a CUDA device; the GPU tests cover it");
    KernelLibrary lib = KernelLibrary.cuda();
    // Valid arguments, so the call reaches the CUDA runtime, which finds no driver or device.
    KernelException e =
        assertThrows(
            KernelException.class,
            () ->
                lib.histogramClear(
                    java.lang.foreign.MemorySegment.ofAddress(4096),
                    12,
                    java.lang.foreign.MemorySegment.NULL));
    assertEquals(KernelException.Code.CUDA, e.code());
    assertTrue(e.getMessage().contains("CUDA error"), e.getMessage());
  }
}
