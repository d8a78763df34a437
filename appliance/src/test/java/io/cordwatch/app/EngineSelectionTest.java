package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cordwatch.device.DeviceProfile;
import io.cordwatch.device.DeviceProfiles;
import io.cordwatch.device.ProfileDetector;
import io.cordwatch.gpu.KernelException;
import io.cordwatch.gpu.KernelLibrary;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.FallbackEngine;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.telemetry.Meters;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up choice: the GPU only when our CUDA kernels (with the right ABI), CUDA and TensorRT
 * and the kernels' probe on the device all come up, else the CPU with the first missing part as the
 * reason. This machine has no GPU and no presets, so every GPU profile ends on the CPU here; what
 * is checked is which reason is given, in which order, and that a CPU profile touches none of it.
 */
class EngineSelectionTest {
  @TempDir Path tmp;
  private Bundle bundle;
  private Settings settings;

  @BeforeEach
  void bundle() throws Exception {
    bundle = TorchFixture.bundle(tmp.resolve("bundle"));
    settings = Settings.load(null, java.util.Map.of("data-dir", tmp.resolve("data").toString()));
  }

  private static ProfileDetector.Detection detected(DeviceProfile p) {
    return new ProfileDetector.Detection(p, true, List.of("forced for the test"), List.of(), null);
  }

  private FallbackEngine.State select(DeviceProfile p, Supplier<KernelLibrary> kernels) {
    BackboneEngine cpu = Bundles.openEngine(bundle);
    try (FallbackEngine e =
        EngineSelection.select(
            settings, detected(p), bundle, cpu, new Meters(), Clock.systemUTC(), kernels)) {
      return e.state();
    }
  }

  private static DeviceProfile profile(String id) {
    return DeviceProfiles.builtIn().require(id);
  }

  @Test
  void withoutOurKernelsTheGpuIsNotUsedAndTheReasonNamesThem() {
    FallbackEngine.State s =
        select(
            profile("x86-ada"),
            () -> {
              throw new KernelException(
                  KernelException.Code.ABI_MISMATCH,
                  "libcordwatch_kernels_cuda.so implements kernel ABI 2, this binding needs 1");
            });
    assertEquals(FallbackEngine.Mode.CPU, s.mode());
    assertTrue(s.degraded(), "a GPU profile on the CPU is degraded");
    assertTrue(s.reason().startsWith("profile x86-ada asks for the GPU, but "), s.reason());
    assertTrue(
        s.reason().contains("our CUDA kernel library did not load (libcordwatch_kernels_cuda.so"),
        s.reason());
    assertTrue(s.reason().contains("kernel ABI 2"), s.reason());
  }

  @Test
  void withOurKernelsTheNextReasonIsTensorRt() {
    // Any loaded library passes the first check; the presets are not on this class path.
    FallbackEngine.State s = select(profile("x86-hopper"), KernelLibrary::host);
    assertEquals(FallbackEngine.Mode.CPU, s.mode());
    assertTrue(s.degraded());
    assertTrue(
        s.reason().contains("the JavaCPP presets for CUDA and TensorRT are not on the class path"),
        s.reason());
  }

  @Test
  void int8FallsBackToTheCpuSayingWhy() {
    DeviceProfile ada = profile("x86-ada");
    DeviceProfile int8 =
        new DeviceProfile(
            ada.id(),
            ada.name(),
            ada.match(),
            ada.engine(),
            DeviceProfile.Precision.INT8,
            ada.maxBatch(),
            ada.dla(),
            ada.workspaceBytes(),
            ada.power(),
            ada.clocks(),
            ada.reference(),
            ada.origin());
    FallbackEngine.State s = select(int8, () -> fail("INT8 is refused before the kernels load"));
    assertTrue(s.degraded());
    assertTrue(s.reason().contains("its precision is int8, which needs calibration"), s.reason());
  }

  @Test
  void aCpuProfileNeverLoadsTheGpuParts() {
    FallbackEngine.State s =
        select(profile("cpu-only"), () -> fail("the CPU profile must not load the CUDA kernels"));
    assertEquals(FallbackEngine.Mode.CPU, s.mode());
    assertFalse(s.degraded());
  }
}
