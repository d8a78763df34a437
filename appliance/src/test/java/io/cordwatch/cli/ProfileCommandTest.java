package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCommandTest {
  @TempDir Path tmp;

  private void write(String relative, String content) throws IOException {
    Path p = tmp.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void detectOnACopiedOrinNanoTreeNamesTheProfileTheReasonsAndThePublishedFigure()
      throws IOException {
    write(
        "proc/device-tree/model",
        "NVIDIA Jetson Orin Nano Engineering Reference Developer Kit Super\0");
    write(
        "etc/nv_tegra_release",
        "# R36 (release), REVISION: 4.3, GCID: 1, BOARD: generic, EABI: aarch64\n");
    write("proc/meminfo", "MemTotal:        7802812 kB\nMemAvailable:    5000000 kB\n");
    CliRun run = CliRun.run("profile", "detect", "--root", tmp.toString());
    assertEquals(0, run.exit(), run.all());
    assertTrue(
        run.out().startsWith("profile: jetson-orin-nano-8gb (NVIDIA Jetson Orin Nano 8GB)"),
        run.all());
    assertTrue(run.out().contains("  - /etc/nv_tegra_release: L4T R36.4.3"), run.all());
    assertTrue(
        run.out().contains("engine: tensorrt, fp16, dynamic batch 1..16, DLA off"), run.all());
    assertTrue(run.out().contains("power: MAXN_SUPER (sudo nvpmodel -m 2)"), run.all());
    assertTrue(run.out().contains("published ResNet-50: none (No NVIDIA-published"), run.all());

    CliRun json = CliRun.run("profile", "detect", "--root", tmp.toString(), "--json");
    assertEquals(0, json.exit(), json.all());
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertEquals("jetson-orin-nano-8gb", doc.get("profile").asText());
    assertEquals(16, doc.at("/engine/max_batch").asInt());
    assertEquals("36.4.3", doc.at("/facts/l4t").asText());
    assertTrue(doc.at("/reference_resnet50/images_per_second").isNull());
  }

  @Test
  void detectOnThisMachineFallsBackToCpuSayingWhyNvmlIsMissing() throws IOException {
    // The build machine has no NVIDIA driver: this is the real fail-soft path of NVML.
    CliRun run = CliRun.run("profile", "detect", "--json");
    assertEquals(0, run.exit(), run.all());
    JsonNode doc = new ObjectMapper().readTree(run.out());
    if (!doc.at("/facts/nvml").asText().equals("ok")) {
      assertEquals("cpu-only", doc.get("profile").asText(), run.out());
      assertTrue(doc.at("/facts/nvml").asText().contains("libnvidia-ml.so.1"), run.out());
    }
  }

  @Test
  void listShowsEveryProfileAndABrokenFolderIsAnError() throws IOException {
    CliRun run = CliRun.run("profile", "list");
    assertEquals(0, run.exit(), run.all());
    assertTrue(run.out().contains("x86-hopper: x86 server with an NVIDIA Hopper GPU"), run.all());
    assertTrue(run.out().contains("54851.4 images/s, int8"), run.all());

    write("bad/cpu-only.yaml", "id: cpu-only\nname: x\n");
    CliRun bad = CliRun.run("profile", "list", "--profiles", tmp.resolve("bad").toString());
    assertEquals(1, bad.exit(), bad.all());
    assertTrue(bad.err().contains("cpu-only.yaml: match is missing"), bad.all());
  }

  @Test
  void aForcedUnknownProfileIsRefusedWithTheKnownOnes() {
    CliRun run = CliRun.run("profile", "detect", "--profile", "jetson-thor");
    assertEquals(1, run.exit(), run.all());
    assertTrue(run.err().contains("no device profile 'jetson-thor' (known: "), run.all());
  }
}
