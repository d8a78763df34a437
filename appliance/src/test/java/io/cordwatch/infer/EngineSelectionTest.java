package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cordwatch.device.DeviceProfile;
import io.cordwatch.device.DeviceProfiles;
import io.cordwatch.device.ProfileDetector;
import io.cordwatch.gpu.KernelException;
import io.cordwatch.gpu.KernelLibrary;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
  private EngineSelection.Options options;

  @BeforeEach
  void bundle() throws Exception {
    bundle = TorchFixture.bundle(tmp.resolve("bundle"));
    options =
        new EngineSelection.Options(tmp.resolve("data").resolve("engines"), Duration.ofSeconds(30));
  }

  private static ProfileDetector.Detection detected(DeviceProfile p) {
    return new ProfileDetector.Detection(p, true, List.of("forced for the test"), List.of(), null);
  }

  private FallbackEngine.State select(DeviceProfile p, Supplier<KernelLibrary> kernels) {
    BackboneEngine cpu = Bundles.openEngine(bundle);
    try (FallbackEngine e =
        EngineSelection.select(
            detected(p),
            bundle,
            cpu,
            options,
            FallbackEngine.Listener.none(),
            Clock.systemUTC(),
            kernels)) {
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

  private static DeviceProfile int8(DeviceProfile p) {
    return new DeviceProfile(
        p.id(),
        p.name(),
        p.match(),
        p.engine(),
        DeviceProfile.Precision.INT8,
        p.maxBatch(),
        p.dla(),
        p.workspaceBytes(),
        p.power(),
        p.clocks(),
        p.reference(),
        p.origin());
  }

  @Test
  void int8WithoutCalibrationSlicesGoesOnAsFp16AndSaysSo() {
    FallbackEngine.State s = select(int8(profile("x86-ada")), KernelLibrary::host);
    // Past the options, on to the next part: the presets, absent here.
    assertTrue(
        s.reason().contains("the JavaCPP presets for CUDA and TensorRT are not on the class path"),
        s.reason());
    assertTrue(
        s.reason().contains("int8 asked, fp16 built: the bundle has no calibration slices"),
        s.reason());
  }

  @Test
  void int8ReadsTheBundlesCalibrationSlices() throws Exception {
    Path dir = tmp.resolve("bundle");
    Bundles.addCalibration(dir, List.of(new short[64 * 64], new short[64 * 64]));
    bundle = Bundles.load(dir);
    // Damaged after the load: only a build that opens the slices can notice.
    java.nio.file.Files.write(
        dir.resolve(io.cordwatch.infer.BundleCalibration.FILE), new byte[] {1, 2, 3});
    FallbackEngine.State s =
        select(int8(profile("x86-ada")), () -> fail("the slices are read before the kernels"));
    assertTrue(s.degraded());
    assertTrue(s.reason().contains("calibration.u16: holds 3 bytes, not 2 planes"), s.reason());
    assertFalse(s.reason().contains("fp16 built"), s.reason());
  }

  @Test
  void aCpuProfileNeverLoadsTheGpuParts() {
    FallbackEngine.State s =
        select(profile("cpu-only"), () -> fail("the CPU profile must not load the CUDA kernels"));
    assertEquals(FallbackEngine.Mode.CPU, s.mode());
    assertFalse(s.degraded());
  }
}
