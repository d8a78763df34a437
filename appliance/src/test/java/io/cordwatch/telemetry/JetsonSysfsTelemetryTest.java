package io.cordwatch.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JetsonSysfsTelemetryTest {
  @TempDir Path root;

  private void write(String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  /** The files of a Jetson AGX Orin on JetPack 6, with made-up readings. */
  private void orin() throws IOException {
    write("proc/device-tree/model", "NVIDIA Jetson AGX Orin Developer Kit\0");
    write("sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
    write("sys/class/thermal/thermal_zone0/temp", "48500\n");
    write("sys/class/thermal/thermal_zone1/type", "gpu-thermal\n");
    write("sys/class/thermal/thermal_zone1/temp", "51250\n");
    write("sys/class/thermal/thermal_zone8/type", "tj-thermal\n");
    write("sys/class/thermal/thermal_zone8/temp", "52000\n");
    write("sys/class/devfreq/17000000.gpu/cur_freq", "1300500000\n");
    write("sys/class/devfreq/17000000.gpu/device/load", "734\n");
    write("sys/class/devfreq/3d00000.nvdla0/cur_freq", "1600000000\n");
    String mon = "sys/bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon3/";
    write(mon + "in1_label", "VDD_GPU_SOC\n");
    write(mon + "in1_input", "5040\n");
    write(mon + "curr1_input", "2500\n");
    write(mon + "in2_label", "VDD_CPU_CV\n");
    write(mon + "in2_input", "5000\n");
    write(mon + "curr2_input", "900\n");
    write(
        "proc/meminfo",
        "MemTotal:       64335836 kB\nMemFree:        50000000 kB\nMemAvailable:   48251877 kB\n");
  }

  @Test
  void readsTemperaturesLoadClockPowerAndUnifiedMemoryFromSysfs() throws IOException {
    orin();
    JetsonSysfsTelemetry t = JetsonSysfsTelemetry.open(root).orElseThrow();
    GpuSample s = t.sample().orElseThrow();
    assertEquals("jetson-sysfs", s.source());
    assertEquals("NVIDIA Jetson AGX Orin Developer Kit GPU", s.name());
    assertEquals(51.25, s.temperatureC(), 1e-9);
    assertEquals(0.734, s.utilization(), 1e-9);
    assertEquals(1300.5, s.clockMhz(), 1e-9);
    assertEquals(5.040 * 2.5, s.powerWatts(), 1e-9);
    assertEquals(64335836L * 1024, s.memoryTotalBytes());
    assertEquals((64335836L - 48251877L) * 1024, s.memoryUsedBytes());
    assertEquals(3, s.thermalZonesC().size());
    assertEquals(52.0, s.thermalZonesC().get("tj-thermal"), 1e-9);
    assertNull(s.throttleReasons(), "sysfs cannot tell throttle reasons; null, not 'none'");
    assertTrue(t.status().contains("devfreq 17000000.gpu"), t.status());
    assertTrue(t.status().contains("GPU power rail"), t.status());
  }

  @Test
  void readingsFollowTheFilesAndAnUnreadableFigureIsNullNotZero() throws IOException {
    orin();
    JetsonSysfsTelemetry t = JetsonSysfsTelemetry.open(root).orElseThrow();
    write("sys/class/devfreq/17000000.gpu/device/load", "1000\n");
    write("sys/class/thermal/thermal_zone1/temp", "garbage\n");
    GpuSample s = t.sample().orElseThrow();
    assertEquals(1.0, s.utilization(), 1e-9);
    assertNull(s.temperatureC());
    assertTrue(!s.thermalZonesC().containsKey("gpu-thermal"));
  }

  @Test
  void aHostWithoutJetsonFilesHasNoJetsonTelemetry() throws IOException {
    write("sys/class/thermal/thermal_zone0/type", "x86_pkg_temp\n");
    write("sys/class/thermal/thermal_zone0/temp", "40000\n");
    assertTrue(JetsonSysfsTelemetry.open(root).isEmpty());
    GpuTelemetry none = GpuSources.telemetry(root);
    assertTrue(none.sample().isEmpty());
    assertTrue(none.status().startsWith("no GPU: NVML: libnvidia-ml.so.1"), none.status());
  }

  @Test
  void theCacheReadsTheSourceOncePerMaxAge() {
    AtomicInteger reads = new AtomicInteger();
    GpuTelemetry counting =
        new GpuTelemetry() {
          @Override
          public java.util.Optional<GpuSample> sample() {
            reads.incrementAndGet();
            return java.util.Optional.empty();
          }

          @Override
          public String status() {
            return "counting";
          }
        };
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    CachedGpuTelemetry cached = new CachedGpuTelemetry(counting, clock, Duration.ofSeconds(1));
    cached.sample();
    cached.sample();
    assertEquals(1, reads.get());
    clock.advance(1000);
    cached.sample();
    assertEquals(2, reads.get());
  }
}
