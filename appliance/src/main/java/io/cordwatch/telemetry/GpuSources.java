package io.cordwatch.telemetry;

import io.cordwatch.device.GpuInventory;
import io.cordwatch.gpu.nvml.Nvml;
import io.cordwatch.gpu.nvml.NvmlException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where GPU facts come from on this host, in one place: NVML for discrete GPUs, Jetson sysfs where
 * NVML is absent, else none with the reasons. Everything native here is reached lazily and fails
 * soft: a host without a driver gets a sentence, never an exception.
 */
public final class GpuSources {
  private GpuSources() {}

  /** The GPU inventory from NVML, for profile detection; opens and closes NVML. */
  public static GpuInventory inventory() {
    return () -> {
      try (Nvml nvml = Nvml.open()) {
        List<GpuInventory.Gpu> gpus = new ArrayList<>();
        for (Nvml.DeviceInfo d : nvml.devices()) {
          gpus.add(
              new GpuInventory.Gpu(
                  d.index(), d.name(), d.major(), d.minor(), d.memoryTotalBytes()));
        }
        return new GpuInventory.Inventory(gpus, nvml.driverVersion(), null);
      } catch (NvmlException | LinkageError e) {
        return GpuInventory.Inventory.unavailable(e.getMessage());
      }
    };
  }

  /**
   * The telemetry source for this host: NVML when it opens and sees a GPU, else the Jetson sysfs
   * reader under {@code root} when it finds a GPU there, else none. The caller closes the result
   * when it is {@link AutoCloseable}.
   */
  public static GpuTelemetry telemetry(Path root) {
    String nvmlWhy;
    try {
      return NvmlTelemetry.open();
    } catch (NvmlException | LinkageError e) {
      nvmlWhy = e.getMessage();
    }
    Optional<JetsonSysfsTelemetry> jetson = JetsonSysfsTelemetry.open(root);
    if (jetson.isPresent()) {
      return jetson.get();
    }
    return GpuTelemetry.none(
        "NVML: " + nvmlWhy + "; no Jetson GPU in " + root.resolve("sys/class/devfreq"));
  }
}
