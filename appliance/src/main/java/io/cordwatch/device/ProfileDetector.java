package io.cordwatch.device;

import io.cordwatch.device.DeviceProfile.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Picks the device profile for a host and says why, step by step, in words an operator can check
 * against the machine in front of them.
 *
 * <p>Order: a Jetson is recognised by /etc/nv_tegra_release or a device-tree model naming a Jetson,
 * and matched by model name and unified-memory size; otherwise NVML's first GPU is matched by
 * compute capability; otherwise, or when nothing matches, the CPU-only profile. The appliance
 * grades on one GPU (index 0), so only that one decides. A forced profile (the {@code profile}
 * setting) skips detection but is still reported with the facts, so a wrong force is visible.
 *
 * <p>Picking a GPU profile does not promise the GPU path will load: that needs the CUDA and
 * TensorRT libraries and our kernels, which the appliance tries at start-up (and falls back to the
 * CPU from, with the reason). Detection only warns where it already knows the answer, such as a
 * JetPack older than 6.
 */
public final class ProfileDetector {
  /** The first L4T major release with TensorRT 10 (JetPack 6). */
  public static final int MIN_L4T_MAJOR = 36;

  private final DeviceProfiles profiles;

  public ProfileDetector(DeviceProfiles profiles) {
    this.profiles = profiles;
  }

  /**
   * The outcome.
   *
   * @param profile the profile chosen
   * @param forced whether it was set rather than detected
   * @param reasons why, one fact or decision per line
   * @param warnings what will stop the GPU path on this host, as far as detection can tell
   * @param facts what was read
   */
  public record Detection(
      DeviceProfile profile,
      boolean forced,
      List<String> reasons,
      List<String> warnings,
      HostFacts facts) {
    public Detection {
      reasons = List.copyOf(reasons);
      warnings = List.copyOf(warnings);
    }
  }

  /** Detects from facts; {@code forcedId} (may be null or "auto") overrides the choice. */
  public Detection detect(HostFacts facts, String forcedId) {
    List<String> reasons = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    describe(facts, reasons);
    if (facts.jetson() && facts.l4tMajor() >= 0 && facts.l4tMajor() < MIN_L4T_MAJOR) {
      warnings.add(
          "L4T R"
              + facts.l4tVersion()
              + " is older than JetPack 6 (L4T R"
              + MIN_L4T_MAJOR
              + "): its TensorRT 8 cannot run CordWatch's TensorRT 10 engine; grading will use the"
              + " CPU until the module is reflashed with JetPack 6");
    }
    if (forcedId != null && !forcedId.isBlank() && !forcedId.equals("auto")) {
      DeviceProfile p = profiles.require(forcedId);
      reasons.add("profile " + p.id() + " set by the profile setting; detection skipped");
      return new Detection(p, true, reasons, warnings, facts);
    }
    DeviceProfile chosen = facts.jetson() ? jetson(facts, reasons) : gpu(facts, reasons);
    return new Detection(chosen, false, reasons, warnings, facts);
  }

  private static void describe(HostFacts f, List<String> reasons) {
    if (f.deviceTreeModel() != null) {
      reasons.add("/proc/device-tree/model: \"" + f.deviceTreeModel() + "\"");
    } else {
      reasons.add("/proc/device-tree/model: absent");
    }
    if (f.tegraRelease() != null) {
      reasons.add(
          "/etc/nv_tegra_release: "
              + (f.l4tVersion() == null
                  ? "unrecognised (" + f.tegraRelease() + ")"
                  : "L4T R" + f.l4tVersion()));
    } else {
      reasons.add("/etc/nv_tegra_release: absent");
    }
    if (f.memTotalBytes() > 0) {
      reasons.add(String.format(Locale.ROOT, "memory: %.1f GiB (MemTotal)", f.memTotalGib()));
    }
    if (!f.jetson()) {
      GpuInventory.Inventory inv = f.gpus();
      reasons.add(
          inv.unavailableReason() != null
              ? "NVML: " + inv.unavailableReason()
              : "NVML (driver " + inv.driverVersion() + "): " + inv.gpus().size() + " GPU(s)");
    }
  }

  private DeviceProfile jetson(HostFacts f, List<String> reasons) {
    String model = f.deviceTreeModel() == null ? "" : f.deviceTreeModel();
    String lower = model.toLowerCase(Locale.ROOT);
    List<String> misses = new ArrayList<>();
    for (DeviceProfile p : profiles.all()) {
      DeviceProfile.Match m = p.match();
      if (m.platform() != Platform.JETSON) {
        continue;
      }
      String hit =
          m.modelContains().stream()
              .filter(s -> lower.contains(s.toLowerCase(Locale.ROOT)))
              .findFirst()
              .orElse(null);
      if (hit == null) {
        continue;
      }
      if (f.memTotalBytes() <= 0 && (m.memoryGibMin() != null || m.memoryGibMax() != null)) {
        misses.add(p.id() + " (memory size unknown)");
        continue;
      }
      double gib = f.memTotalGib();
      if (m.memoryGibMin() != null && gib < m.memoryGibMin()) {
        misses.add(p.id() + String.format(Locale.ROOT, " (needs >= %.0f GiB)", m.memoryGibMin()));
        continue;
      }
      if (m.memoryGibMax() != null && gib >= m.memoryGibMax()) {
        misses.add(p.id() + String.format(Locale.ROOT, " (needs < %.0f GiB)", m.memoryGibMax()));
        continue;
      }
      reasons.add(
          "a Jetson: model contains \""
              + hit
              + "\""
              + (m.memoryGibMin() != null || m.memoryGibMax() != null
                  ? String.format(Locale.ROOT, " and %.1f GiB is in the profile's range", gib)
                  : "")
              + ": "
              + p.id());
      return p;
    }
    DeviceProfile cpu = profiles.cpuOnly();
    reasons.add(
        "a Jetson, but no Jetson profile matches"
            + (misses.isEmpty() ? " its model" : ": " + String.join(", ", misses))
            + "; using "
            + cpu.id()
            + " (set profile to force one)");
    return cpu;
  }

  private DeviceProfile gpu(HostFacts f, List<String> reasons) {
    GpuInventory.Inventory inv = f.gpus();
    DeviceProfile cpu = profiles.cpuOnly();
    if (inv.unavailableReason() != null) {
      reasons.add("not a Jetson; NVML: " + inv.unavailableReason());
      reasons.add("no NVIDIA GPU found: " + cpu.id());
      return cpu;
    }
    if (inv.gpus().isEmpty()) {
      reasons.add(
          "not a Jetson; NVML (driver " + inv.driverVersion() + ") reports no GPU: " + cpu.id());
      return cpu;
    }
    GpuInventory.Gpu g = inv.gpus().getFirst();
    reasons.add(
        "not a Jetson; NVML (driver "
            + inv.driverVersion()
            + ") reports "
            + inv.gpus().size()
            + " GPU(s); grading uses "
            + g);
    for (DeviceProfile p : profiles.all()) {
      if (p.match().platform() == Platform.NVIDIA_GPU
          && p.match().computeCapabilities().contains(g.computeCapability())) {
        reasons.add("compute capability " + g.computeCapability() + " matches " + p.id());
        return p;
      }
    }
    reasons.add(
        "no profile lists compute capability "
            + g.computeCapability()
            + "; using "
            + cpu.id()
            + " (add a profile or set profile to force one)");
    return cpu;
  }
}
