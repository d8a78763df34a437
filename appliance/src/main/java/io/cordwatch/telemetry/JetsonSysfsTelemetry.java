package io.cordwatch.telemetry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPU readings on a Jetson, where the integrated GPU is not an NVML device: from sysfs, under a
 * root folder ({@code /} in service, a temp tree in tests).
 *
 * <ul>
 *   <li>thermal zones: {@code sys/class/thermal/thermal_zone*}/{@code type} and {@code temp}
 *       (millidegrees Celsius); the GPU temperature is the zone whose type names the GPU;
 *   <li>GPU load and clock: the devfreq device of the GPU ({@code sys/class/devfreq/*} whose name
 *       ends in {@code .gpu} or names the Orin/Xavier GPU, {@code ga10b}/{@code gv11b}): {@code
 *       cur_freq} in Hz and {@code device/load} in tenths of a percent;
 *   <li>memory: unified, so {@code proc/meminfo} MemTotal less MemAvailable;
 *   <li>power: the INA3221 rail whose label names the GPU ({@code VDD_GPU_SOC} on Orin), volts
 *       times amps, where the carrier board has one.
 * </ul>
 *
 * <p>Files are found once, at {@link #open}; every reading reads only those files. A file that
 * cannot be read at sampling time leaves that figure null.
 */
public final class JetsonSysfsTelemetry implements GpuTelemetry {
  private static final Pattern MEM_TOTAL = Pattern.compile("(?m)^MemTotal:\\s+(\\d+)\\s*kB");
  private static final Pattern MEM_AVAILABLE =
      Pattern.compile("(?m)^MemAvailable:\\s+(\\d+)\\s*kB");
  private static final Pattern RAIL_LABEL = Pattern.compile("in(\\d+)_label");

  private final String name;
  private final Map<String, Path> zones;
  private final Path gpuZone;
  private final Path devfreq;
  private final Path meminfo;
  private final Path railVolts;
  private final Path railMilliamps;

  private JetsonSysfsTelemetry(
      String name,
      Map<String, Path> zones,
      Path gpuZone,
      Path devfreq,
      Path meminfo,
      Path railVolts,
      Path railMilliamps) {
    this.name = name;
    this.zones = zones;
    this.gpuZone = gpuZone;
    this.devfreq = devfreq;
    this.meminfo = meminfo;
    this.railVolts = railVolts;
    this.railMilliamps = railMilliamps;
  }

  /**
   * Finds the Jetson GPU's files under {@code root}; empty when there is no GPU devfreq device and
   * no GPU thermal zone (not a Jetson, or sysfs not mounted).
   */
  public static Optional<JetsonSysfsTelemetry> open(Path root) {
    Map<String, Path> zones = new TreeMap<>();
    Path gpuZone = null;
    for (Path z : list(root.resolve("sys/class/thermal"), "thermal_zone*")) {
      String type = read(z.resolve("type"));
      if (type == null || !Files.isReadable(z.resolve("temp"))) {
        continue;
      }
      String key = type.strip();
      zones.putIfAbsent(key, z.resolve("temp"));
      if (gpuZone == null && key.toLowerCase(Locale.ROOT).startsWith("gpu")) {
        gpuZone = z.resolve("temp");
      }
    }
    Path devfreq = null;
    for (Path d : list(root.resolve("sys/class/devfreq"), "*")) {
      String n = d.getFileName().toString().toLowerCase(Locale.ROOT);
      if (n.endsWith(".gpu") || n.contains("ga10b") || n.contains("gv11b") || n.contains("gp10b")) {
        devfreq = d;
        break;
      }
    }
    if (devfreq == null && gpuZone == null) {
      return Optional.empty();
    }
    Path volts = null;
    Path amps = null;
    for (Path hw : list(root.resolve("sys/bus/i2c/drivers/ina3221"), "*")) {
      for (Path mon : list(hw.resolve("hwmon"), "hwmon*")) {
        for (Path label : list(mon, "in*_label")) {
          String text = read(label);
          Matcher m = RAIL_LABEL.matcher(label.getFileName().toString());
          if (text != null && m.matches() && text.toUpperCase(Locale.ROOT).contains("GPU")) {
            volts = mon.resolve("in" + m.group(1) + "_input");
            amps = mon.resolve("curr" + m.group(1) + "_input");
          }
        }
      }
    }
    String model = read(root.resolve("proc/device-tree/model"));
    String name = model == null ? "Jetson GPU" : model.replace("\0", "").strip() + " GPU";
    return Optional.of(
        new JetsonSysfsTelemetry(
            name, zones, gpuZone, devfreq, root.resolve("proc/meminfo"), volts, amps));
  }

  @Override
  public Optional<GpuSample> sample() {
    Map<String, Double> temps = new LinkedHashMap<>();
    zones.forEach(
        (type, file) -> {
          Double c = number(file, 1e-3);
          if (c != null) {
            temps.put(type, c);
          }
        });
    Double gpuTemp = gpuZone == null ? null : number(gpuZone, 1e-3);
    Double load = devfreq == null ? null : number(devfreq.resolve("device/load"), 1e-3);
    Double clock = devfreq == null ? null : number(devfreq.resolve("cur_freq"), 1e-6);
    Long total = null;
    Long used = null;
    String mem = read(meminfo);
    if (mem != null) {
      Matcher t = MEM_TOTAL.matcher(mem);
      Matcher a = MEM_AVAILABLE.matcher(mem);
      if (t.find()) {
        total = Long.parseLong(t.group(1)) * 1024;
        if (a.find()) {
          used = total - Long.parseLong(a.group(1)) * 1024;
        }
      }
    }
    Double power = null;
    if (railVolts != null) {
      Double mv = number(railVolts, 1);
      Double ma = number(railMilliamps, 1);
      if (mv != null && ma != null) {
        power = mv * ma / 1e6;
      }
    }
    return Optional.of(
        new GpuSample("jetson-sysfs", name, gpuTemp, load, used, total, power, clock, null, temps));
  }

  @Override
  public String status() {
    return "jetson-sysfs: "
        + name
        + " ("
        + zones.size()
        + " thermal zones"
        + (devfreq == null ? ", no GPU devfreq" : ", devfreq " + devfreq.getFileName())
        + (railVolts == null ? ", no GPU power rail" : ", GPU power rail")
        + ")";
  }

  private static List<Path> list(Path dir, String glob) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
      s.forEach(out::add);
    } catch (IOException | SecurityException e) {
      return out;
    }
    out.sort(null);
    return out;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.ISO_8859_1);
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  private static Double number(Path p, double scale) {
    String s = read(p);
    if (s == null) {
      return null;
    }
    try {
      return Long.parseLong(s.strip()) * scale;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
