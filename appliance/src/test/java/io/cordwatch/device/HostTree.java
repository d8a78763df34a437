package io.cordwatch.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a fake host's /proc, /etc and /sys under a temp folder. */
final class HostTree {
  private final Path root;

  HostTree(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  HostTree file(String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.ISO_8859_1);
    return this;
  }

  /** A Jetson: device-tree model (NUL-terminated, as the kernel stores it), L4T release, memory. */
  HostTree jetson(String model, String release, double memGib) throws IOException {
    file(HostProbe.MODEL, model + "\0");
    if (release != null) {
      file(
          HostProbe.TEGRA_RELEASE,
          "# R"
              + release.replaceFirst("\\.", " (release), REVISION: ")
              + ", GCID: 38968081, BOARD: generic, EABI: aarch64, DATE: Tue Jan  7 17:07:21 UTC 2025\n"
              + "# KERNEL_VARIANT: oot\n");
    }
    return memory(memGib, memGib * 0.75);
  }

  HostTree memory(double totalGib, double availableGib) throws IOException {
    long totalKb = (long) (totalGib * 1024 * 1024);
    long availKb = (long) (availableGib * 1024 * 1024);
    return file(
        HostProbe.MEMINFO,
        "MemTotal:       "
            + totalKb
            + " kB\nMemFree:         1000000 kB\nMemAvailable:   "
            + availKb
            + " kB\nBuffers:           12345 kB\n");
  }
}
