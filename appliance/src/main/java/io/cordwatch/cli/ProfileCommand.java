package io.cordwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cordwatch.device.DeviceProfile;
import io.cordwatch.device.DeviceProfiles;
import io.cordwatch.device.GpuInventory;
import io.cordwatch.device.HostProbe;
import io.cordwatch.device.ProfileDetector;
import io.cordwatch.device.ProfileException;
import io.cordwatch.telemetry.GpuSources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch profile detect|list}: which device profile this machine gets and why, and the
 * profiles there are (docs/gpu.md). Exit status 0, or 1 when a profile file is unusable.
 */
@Command(
    name = "profile",
    description = "Device profiles: detect this machine's, list the shipped ones.",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    subcommands = {ProfileCommand.Detect.class, ProfileCommand.ListProfiles.class})
final class ProfileCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static DeviceProfiles profiles(Path dir) {
    return dir == null ? DeviceProfiles.builtIn() : DeviceProfiles.load(dir);
  }

  /** Detects the profile and explains the choice. */
  @Command(
      name = "detect",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Pick this machine's device profile and say why: /proc/device-tree/model and",
        "/etc/nv_tegra_release for Jetson, NVML for x86 GPUs, else CPU only."
      })
  static final class Detect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Option(
        names = "--profiles",
        paramLabel = "DIR",
        description = "Read profiles from this folder instead of the shipped ones.")
    Path profilesDir;

    @Option(
        names = "--profile",
        paramLabel = "ID",
        description = "Force a profile, as the profile setting does (default: auto).")
    String forced;

    @Option(
        names = "--root",
        paramLabel = "DIR",
        hidden = true,
        description = "Read /proc and /etc under this folder (a copy of another machine's files).")
    Path root = Path.of("/");

    @Override
    public Integer call() throws JsonProcessingException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        DeviceProfiles all = profiles(profilesDir);
        GpuInventory gpus =
            root.equals(Path.of("/"))
                ? GpuSources.inventory()
                : GpuInventory.none("not asked: --root reads another machine's files");
        ProfileDetector.Detection d =
            new ProfileDetector(all).detect(new HostProbe(root, gpus).read(), forced);
        if (json) {
          out.println(GradeCommand.JSON.writeValueAsString(document(d)));
        } else {
          print(d, out);
        }
        return 0;
      } catch (ProfileException e) {
        err.println("cordwatch profile detect: " + e.getMessage());
        return 1;
      } finally {
        out.flush();
        err.flush();
      }
    }
  }

  /** Lists the profiles with their engine line and reference figure. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = "List the device profiles: id, engine settings, published ResNet-50 figure.")
  static final class ListProfiles implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--profiles",
        paramLabel = "DIR",
        description = "Read profiles from this folder instead of the shipped ones.")
    Path profilesDir;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        for (DeviceProfile p : profiles(profilesDir).all()) {
          out.println(p.id() + ": " + p.name());
          out.println("  " + p.engineLine());
          out.println("  published ResNet-50: " + reference(p.reference()));
        }
        return 0;
      } catch (ProfileException e) {
        err.println("cordwatch profile list: " + e.getMessage());
        return 1;
      } finally {
        out.flush();
        err.flush();
      }
    }
  }

  static void print(ProfileDetector.Detection d, PrintWriter out) {
    DeviceProfile p = d.profile();
    out.println("profile: " + p.id() + " (" + p.name() + ")" + (d.forced() ? " [forced]" : ""));
    out.println("why:");
    for (String r : d.reasons()) {
      out.println("  - " + r);
    }
    for (String w : d.warnings()) {
      out.println("warning: " + w);
    }
    out.println("engine: " + p.engineLine());
    out.println(
        "power: " + p.power().mode() + " (" + p.power().command() + "): " + p.power().advice());
    out.println("clocks: " + p.clocks().command() + ": " + p.clocks().advice());
    out.println("published ResNet-50: " + reference(p.reference()));
  }

  static String reference(DeviceProfile.Reference r) {
    if (!r.published()) {
      return "none (" + r.notFound() + ")";
    }
    return String.format(
            Locale.ROOT,
            "%.1f images/s, %s; %s",
            r.imagesPerSecond(),
            r.precision(),
            r.conditions())
        + " Source: "
        + r.source();
  }

  static Map<String, Object> document(ProfileDetector.Detection d) {
    DeviceProfile p = d.profile();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("profile", p.id());
    doc.put("name", p.name());
    doc.put("forced", d.forced());
    doc.put("reasons", d.reasons());
    doc.put("warnings", d.warnings());
    Map<String, Object> engine = new LinkedHashMap<>();
    engine.put("engine", p.engine().key());
    engine.put("precision", p.precision().key());
    engine.put("max_batch", p.maxBatch());
    engine.put("dla", Map.of("use", p.dla().use(), "cores", p.dla().cores()));
    engine.put("workspace_bytes", p.workspaceBytes());
    doc.put("engine", engine);
    doc.put(
        "power",
        Map.of(
            "mode",
            p.power().mode(),
            "command",
            p.power().command(),
            "advice",
            p.power().advice()));
    doc.put("clocks", Map.of("command", p.clocks().command(), "advice", p.clocks().advice()));
    Map<String, Object> ref = new LinkedHashMap<>();
    DeviceProfile.Reference r = p.reference();
    ref.put("images_per_second", r.imagesPerSecond());
    if (r.published()) {
      ref.put("precision", r.precision());
      ref.put("conditions", r.conditions());
      ref.put("source", r.source());
    } else {
      ref.put("not_found", r.notFound());
    }
    doc.put("reference_resnet50", ref);
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("device_tree_model", d.facts().deviceTreeModel());
    facts.put("l4t", d.facts().l4tVersion());
    facts.put("mem_total_bytes", d.facts().memTotalBytes() < 0 ? null : d.facts().memTotalBytes());
    List<Map<String, Object>> gpus =
        d.facts().gpus().gpus().stream()
            .map(
                g -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("index", g.index());
                  m.put("name", g.name());
                  m.put("compute_capability", g.computeCapability());
                  m.put("memory_bytes", g.memoryBytes());
                  return m;
                })
            .toList();
    facts.put("gpus", gpus);
    facts.put(
        "nvml",
        d.facts().gpus().unavailableReason() == null ? "ok" : d.facts().gpus().unavailableReason());
    doc.put("facts", facts);
    return doc;
  }
}
