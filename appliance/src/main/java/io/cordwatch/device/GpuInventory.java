package io.cordwatch.device;

import java.util.List;
import java.util.Locale;

/**
 * The discrete NVIDIA GPUs a host has, as the driver (NVML) reports them. Implemented over NVML in
 * the appliance's wiring; {@link #none} stands for a host where NVML cannot be loaded.
 */
@FunctionalInterface
public interface GpuInventory {
  /** Reads the inventory; never throws: a failure is an {@link Inventory} with a reason. */
  Inventory read();

  /**
   * What was found.
   *
   * @param gpus the GPUs, in NVML index order; empty when none or unreadable
   * @param driverVersion the driver's version, or null
   * @param unavailableReason why there is no inventory (library missing, no driver), or null
   */
  record Inventory(List<Gpu> gpus, String driverVersion, String unavailableReason) {
    public Inventory {
      gpus = List.copyOf(gpus);
    }

    public static Inventory unavailable(String reason) {
      return new Inventory(List.of(), null, reason);
    }
  }

  /**
   * One GPU.
   *
   * @param index its NVML index
   * @param name the board name, e.g. "NVIDIA L4"
   * @param major compute capability major
   * @param minor compute capability minor
   * @param memoryBytes its memory
   */
  record Gpu(int index, String name, int major, int minor, long memoryBytes) {
    public String computeCapability() {
      return major + "." + minor;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "GPU %d \"%s\", compute capability %s, %.1f GiB",
          index,
          name,
          computeCapability(),
          memoryBytes / (double) (1L << 30));
    }
  }

  /** A host without NVML, with the reason to report. */
  static GpuInventory none(String reason) {
    Inventory inv = Inventory.unavailable(reason);
    return () -> inv;
  }
}
