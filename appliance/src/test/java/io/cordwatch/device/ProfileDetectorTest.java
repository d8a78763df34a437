package io.cordwatch.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileDetectorTest {
  @TempDir Path tmp;

  private static final DeviceProfiles SHIPPED = DeviceProfiles.builtIn();

  private static ProfileDetector.Detection detect(Path root, GpuInventory gpus, String forced) {
    return new ProfileDetector(SHIPPED).detect(new HostProbe(root, gpus).read(), forced);
  }

  private static GpuInventory nvml(int major, int minor, String name) {
    GpuInventory.Inventory inv =
        new GpuInventory.Inventory(
            List.of(new GpuInventory.Gpu(0, name, major, minor, 24L << 30)), "570.86.15", null);
    return () -> inv;
  }

  private static final GpuInventory NO_NVML =
      GpuInventory.none("libnvidia-ml.so.1 cannot be opened");

  private static String why(ProfileDetector.Detection d) {
    return String.join("\n", d.reasons());
  }

  @Test
  void agxOrin64IsToldFromAgxOrin32ByItsMemory() throws IOException {
    Path big = tmp.resolve("big");
    new HostTree(big).jetson("NVIDIA Jetson AGX Orin Developer Kit", "36.4.3", 61.4);
    ProfileDetector.Detection d = detect(big, NO_NVML, null);
    assertEquals("jetson-agx-orin-64gb", d.profile().id(), why(d));
    assertTrue(why(d).contains("\"NVIDIA Jetson AGX Orin Developer Kit\""), why(d));
    assertTrue(why(d).contains("L4T R36.4.3"), why(d));
    assertTrue(d.warnings().isEmpty(), d.warnings().toString());
    // NVML is not asked on a Jetson: its GPU is integrated.
    assertTrue(d.facts().gpus().unavailableReason().contains("Jetson"));

    Path small = tmp.resolve("small");
    new HostTree(small).jetson("NVIDIA Jetson AGX Orin", "36.4.0", 30.6);
    assertEquals("jetson-agx-orin-32gb", detect(small, NO_NVML, null).profile().id());
  }

  @Test
  void orinNxAndOrinNanoAreRecognisedByModel() throws IOException {
    Path nx = tmp.resolve("nx");
    new HostTree(nx)
        .jetson("NVIDIA Jetson Orin NX Engineering Reference Developer Kit", "36.3.0", 15.3);
    assertEquals("jetson-orin-nx-16gb", detect(nx, NO_NVML, null).profile().id());

    Path nano = tmp.resolve("nano");
    new HostTree(nano)
        .jetson("NVIDIA Jetson Orin Nano Engineering Reference Developer Kit Super", "36.4.3", 7.4);
    ProfileDetector.Detection d = detect(nano, NO_NVML, null);
    assertEquals("jetson-orin-nano-8gb", d.profile().id(), why(d));
    assertTrue(d.profile().gpu());
    assertFalse(d.profile().dla().use(), "the Orin Nano has no DLA");
  }

  @Test
  void aJetsonNoProfileFitsFallsBackToCpuSayingWhichProfilesMissedAndWhy() throws IOException {
    // An Orin NX 8GB: the NX profile is for the 16GB module.
    new HostTree(tmp)
        .jetson("NVIDIA Jetson Orin NX Engineering Reference Developer Kit", "36.4.3", 7.4);
    ProfileDetector.Detection d = detect(tmp, NO_NVML, null);
    assertEquals("cpu-only", d.profile().id());
    assertTrue(why(d).contains("jetson-orin-nx-16gb (needs >= 12 GiB)"), why(d));
    assertTrue(why(d).contains("set profile to force one"), why(d));
  }

  @Test
  void aJetPack5ModuleGetsItsProfileAndAWarningThatTensorRt10CannotRunThere() throws IOException {
    new HostTree(tmp).jetson("NVIDIA Jetson AGX Orin Developer Kit", "35.3.1", 61.4);
    ProfileDetector.Detection d = detect(tmp, NO_NVML, null);
    assertEquals("jetson-agx-orin-64gb", d.profile().id());
    assertEquals(1, d.warnings().size());
    assertTrue(
        d.warnings().getFirst().contains("L4T R35.3.1 is older than JetPack 6"),
        d.warnings().toString());
  }

  @Test
  void aJetsonIsRecognisedByItsTegraReleaseEvenWithoutADeviceTreeModel() throws IOException {
    new HostTree(tmp).jetson("x", "36.4.3", 61.4).file(HostProbe.MODEL, "");
    ProfileDetector.Detection d = detect(tmp, NO_NVML, null);
    assertTrue(d.facts().jetson());
    assertEquals("cpu-only", d.profile().id(), why(d));
    assertTrue(why(d).contains("a Jetson, but no Jetson profile matches its model"), why(d));
  }

  @Test
  void x86GpusAreMatchedByComputeCapabilityOfGpuZero() throws IOException {
    new HostTree(tmp).memory(256, 200);
    assertEquals(
        "x86-ampere", detect(tmp, nvml(8, 0, "NVIDIA A100 80GB PCIe"), null).profile().id());
    assertEquals("x86-ampere", detect(tmp, nvml(8, 6, "NVIDIA A10"), null).profile().id());
    ProfileDetector.Detection ada = detect(tmp, nvml(8, 9, "NVIDIA L4"), null);
    assertEquals("x86-ada", ada.profile().id());
    assertTrue(why(ada).contains("GPU 0 \"NVIDIA L4\", compute capability 8.9"), why(ada));
    assertTrue(why(ada).contains("driver 570.86.15"), why(ada));
    assertEquals("x86-hopper", detect(tmp, nvml(9, 0, "NVIDIA H100 PCIe"), null).profile().id());
  }

  @Test
  void aGpuNoProfileListsRunsOnTheCpuAndSaysSo() throws IOException {
    new HostTree(tmp).memory(64, 60);
    ProfileDetector.Detection d = detect(tmp, nvml(12, 0, "NVIDIA RTX PRO 6000"), null);
    assertEquals("cpu-only", d.profile().id());
    assertTrue(why(d).contains("no profile lists compute capability 12.0"), why(d));
  }

  @Test
  void withoutNvmlAnX86HostIsCpuOnlyAndTheNvmlReasonIsShown() throws IOException {
    new HostTree(tmp).memory(24, 20);
    ProfileDetector.Detection d = detect(tmp, NO_NVML, null);
    assertEquals("cpu-only", d.profile().id());
    assertTrue(why(d).contains("NVML: libnvidia-ml.so.1 cannot be opened"), why(d));
    assertTrue(why(d).contains("/proc/device-tree/model: absent"), why(d));
  }

  @Test
  void aForcedProfileWinsButTheFactsAreStillReported() throws IOException {
    new HostTree(tmp).memory(24, 20);
    ProfileDetector.Detection d = detect(tmp, NO_NVML, "x86-ada");
    assertEquals("x86-ada", d.profile().id());
    assertTrue(d.forced());
    assertTrue(why(d).contains("NVML: libnvidia-ml.so.1"), why(d));
    assertEquals("cpu-only", detect(tmp, NO_NVML, "auto").profile().id());

    ProfileException e =
        assertThrows(ProfileException.class, () -> detect(tmp, NO_NVML, "jetson-thor"));
    assertTrue(e.getMessage().contains("no device profile 'jetson-thor'"), e.getMessage());
    assertTrue(e.getMessage().contains("x86-hopper"), e.getMessage());
  }
}
