package io.cordwatch.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the host facts detection needs from a file-system root: {@code /} on a real host, a temp
 * folder laid out like one in tests. Nothing here fails: an absent or unreadable file is a fact
 * ("not a Jetson", "memory unknown"), reported by the detector in words.
 */
public final class HostProbe {
  static final String MODEL = "proc/device-tree/model";
  static final String TEGRA_RELEASE = "etc/nv_tegra_release";
  static final String MEMINFO = "proc/meminfo";

  // "# R36 (release), REVISION: 4.3, GCID: ..., BOARD: generic, EABI: aarch64, DATE: ..."
  private static final Pattern RELEASE =
      Pattern.compile("#\\s*R(\\d+)\\s*\\(release\\),\\s*REVISION:\\s*([0-9.]+)");
  private static final Pattern MEM_TOTAL = Pattern.compile("(?m)^MemTotal:\\s+(\\d+)\\s*kB");

  static final GpuInventory.Inventory NOT_ASKED =
      GpuInventory.Inventory.unavailable("not asked on a Jetson (its GPU is integrated)");

  private final Path root;
  private final GpuInventory gpus;

  public HostProbe(Path root, GpuInventory gpus) {
    this.root = root;
    this.gpus = gpus;
  }

  public HostFacts read() {
    String model = text(MODEL);
    if (model != null) {
      // The device tree stores the string NUL-terminated.
      model = model.replace("\0", "").strip();
    }
    String release = text(TEGRA_RELEASE);
    String firstLine = release == null ? null : release.lines().findFirst().orElse("").strip();
    int major = -1;
    String version = null;
    if (firstLine != null) {
      Matcher m = RELEASE.matcher(firstLine);
      if (m.find()) {
        major = Integer.parseInt(m.group(1));
        version = m.group(1) + "." + m.group(2);
      }
    }
    long mem = -1;
    String meminfo = text(MEMINFO);
    if (meminfo != null) {
      Matcher m = MEM_TOTAL.matcher(meminfo);
      if (m.find()) {
        mem = Long.parseLong(m.group(1)) * 1024;
      }
    }
    HostFacts jetsonOnly = new HostFacts(model, firstLine, major, version, mem, NOT_ASKED);
    if (jetsonOnly.jetson()) {
      // Orin's integrated GPU is not an NVML device; the device tree says what the module is.
      return jetsonOnly;
    }
    return new HostFacts(model, firstLine, major, version, mem, gpus.read());
  }

  private String text(String relative) {
    try {
      return Files.readString(root.resolve(relative), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }
}
