package io.cordwatch.gpu.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NvmlTest {
  @Test
  void throttleBitsDecodeToNvmlsNamesInBitOrder() {
    assertEquals(List.of(), Nvml.throttleReasons(0));
    assertEquals(List.of("gpu_idle"), Nvml.throttleReasons(0x1));
    assertEquals(
        List.of("sw_power_cap", "sw_thermal_slowdown", "display_clock_setting"),
        Nvml.throttleReasons(0x4 | 0x20 | 0x100));
    // Bits NVML may add later are ignored rather than misnamed.
    assertEquals(List.of("hw_slowdown"), Nvml.throttleReasons(0x8 | 0x10000));
  }

  @Test
  void aMissingLibraryIsAClearExceptionNotACrash() {
    String old = System.getProperty(Nvml.LIBRARY_PROPERTY);
    System.setProperty(Nvml.LIBRARY_PROPERTY, "/nonexistent/libnvidia-ml.so.1");
    try {
      NvmlException e = assertThrows(NvmlException.class, Nvml::open);
      assertEquals(NvmlException.LIBRARY_NOT_FOUND, e.code());
      assertTrue(
          e.getMessage().contains("/nonexistent/libnvidia-ml.so.1 cannot be opened"),
          e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(Nvml.LIBRARY_PROPERTY);
      } else {
        System.setProperty(Nvml.LIBRARY_PROPERTY, old);
      }
    }
  }

  @Test
  void onAMachineWithADriverEveryGpuDescribesItselfAndSamples() {
    Nvml nvml;
    try {
      nvml = Nvml.open();
    } catch (NvmlException e) {
      org.junit.jupiter.api.Assumptions.abort("no NVML here (" + e.getMessage() + ")");
      return;
    }
    try (nvml) {
      assertFalse(nvml.driverVersion().isBlank());
      for (Nvml.DeviceInfo d : nvml.devices()) {
        assertFalse(d.name().isBlank());
        assertTrue(d.major() >= 5, d.toString());
        Nvml.Sample s = nvml.sample(d.index());
        assertTrue(s.memoryTotalBytes() == null || s.memoryTotalBytes() > 0);
      }
    }
    assertThrows(IllegalStateException.class, nvml::deviceCount);
  }
}
