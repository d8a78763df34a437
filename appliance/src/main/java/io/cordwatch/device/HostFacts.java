package io.cordwatch.device;

import java.util.Locale;

/**
 * What detection read from the host.
 *
 * @param deviceTreeModel /proc/device-tree/model without its trailing NUL, or null when absent
 * @param tegraRelease the first line of /etc/nv_tegra_release, or null when absent
 * @param l4tMajor the L4T major release from it (36 for JetPack 6), or -1 when unknown
 * @param l4tVersion the L4T version from it ("36.4.3"), or null
 * @param memTotalBytes MemTotal from /proc/meminfo, or -1 when unreadable
 * @param gpus the NVIDIA GPU inventory (NVML)
 */
public record HostFacts(
    String deviceTreeModel,
    String tegraRelease,
    int l4tMajor,
    String l4tVersion,
    long memTotalBytes,
    GpuInventory.Inventory gpus) {

  /** A Jetson: a Tegra release file, or a device-tree model naming a Jetson. */
  public boolean jetson() {
    return tegraRelease != null
        || (deviceTreeModel != null && deviceTreeModel.toLowerCase(Locale.ROOT).contains("jetson"));
  }

  public double memTotalGib() {
    return memTotalBytes / (double) (1L << 30);
  }
}
