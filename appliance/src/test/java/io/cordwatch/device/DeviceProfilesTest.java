package io.cordwatch.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceProfilesTest {
  /** The source folder; surefire runs in appliance/. */
  static final Path SHIPPED_DIR = Path.of("..", "firmware-config", "profiles");

  @TempDir Path tmp;

  private static final String VALID =
      """
      id: test-gpu
      name: Test GPU
      match:
        platform: nvidia-gpu
        compute_capability: ["8.9"]
      engine: tensorrt
      precision: fp16
      max_batch: 32
      dla:
        use: false
        cores: 0
      workspace: 2GiB
      power:
        mode: default
        command: nvidia-smi -q -d POWER
        advice: leave it
      clocks:
        command: sudo nvidia-smi -pm 1
        advice: persistence
      reference_resnet50:
        images_per_second: 100.5
        precision: int8
        conditions: somewhere
        source: https://example.org/result
      """;

  private static DeviceProfile parse(String yaml) {
    return DeviceProfiles.parse(yaml, "test-gpu.yaml", "test-gpu.yaml");
  }

  private static String failure(String yaml) {
    return assertThrows(ProfileException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void theIndexListsExactlyTheShippedFilesAndTheJarCarriesThemAll() throws IOException {
    List<String> files;
    try (Stream<Path> s = Files.list(SHIPPED_DIR)) {
      files =
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
    }
    List<String> index =
        DeviceProfiles.index(
            Files.readString(SHIPPED_DIR.resolve(DeviceProfiles.INDEX), StandardCharsets.UTF_8),
            "");
    assertEquals(files, index.stream().sorted().toList());
    DeviceProfiles jar = DeviceProfiles.builtIn();
    DeviceProfiles dir = DeviceProfiles.load(SHIPPED_DIR);
    assertEquals(
        dir.all().stream().map(DeviceProfile::id).sorted().toList(),
        jar.all().stream().map(DeviceProfile::id).sorted().toList());
    assertEquals(8, jar.all().size());
  }

  @Test
  void everyShippedProfileEitherCitesItsFigureOrSaysWhyThereIsNone() {
    for (DeviceProfile p : DeviceProfiles.builtIn().all()) {
      DeviceProfile.Reference r = p.reference();
      if (r.published()) {
        assertTrue(
            r.source().startsWith("https://github.com/mlcommons/"), p.id() + ": " + r.source());
        assertTrue(r.conditions().contains("MLPerf Inference"), p.id());
        assertNull(r.notFound());
      } else {
        assertNotNull(r.notFound(), p.id());
      }
    }
    DeviceProfiles all = DeviceProfiles.builtIn();
    assertEquals(6423.63, all.require("jetson-agx-orin-64gb").reference().imagesPerSecond());
    assertEquals("cpu-only", all.cpuOnly().id());
    assertEquals(4L << 30, all.require("jetson-agx-orin-64gb").workspaceBytes());
    assertEquals(512L << 20, all.require("jetson-orin-nano-8gb").workspaceBytes());
  }

  @Test
  void aValidProfileParsesWithEveryField() {
    DeviceProfile p = parse(VALID);
    assertEquals("test-gpu", p.id());
    assertEquals(DeviceProfile.Platform.NVIDIA_GPU, p.match().platform());
    assertEquals(List.of("8.9"), p.match().computeCapabilities());
    assertEquals(DeviceProfile.Engine.TENSORRT, p.engine());
    assertEquals(DeviceProfile.Precision.FP16, p.precision());
    assertEquals(32, p.maxBatch());
    assertEquals(2L << 30, p.workspaceBytes());
    assertEquals(100.5, p.reference().imagesPerSecond());
    assertEquals("tensorrt, fp16, dynamic batch 1..32, DLA off, workspace 2.0 GiB", p.engineLine());
  }

  @Test
  void unknownAndMissingKeysAreNamedWithTheirFile() {
    String unknown = failure(VALID.replace("max_batch: 32", "max_batch: 32\nmax_bacth: 16"));
    assertTrue(unknown.startsWith("test-gpu.yaml: unknown key max_bacth"), unknown);
    String nested = failure(VALID.replace("  use: false", "  use: false\n  core: 1"));
    assertTrue(nested.contains("unknown key dla.core (known here: use, cores)"), nested);
    String missing = failure(VALID.replace("precision: fp16\n", ""));
    assertTrue(missing.contains("precision is missing"), missing);
    String duplicate = failure(VALID + "engine: tensorrt\n");
    assertTrue(duplicate.contains("not valid YAML"), duplicate);
  }

  @Test
  void wrongTypesNullsAndUnknownKeysNameTheKeyTheValueAndTheKeysInDocumentOrder() {
    String huge = failure(VALID.replace("max_batch: 32", "max_batch: 10000000000"));
    assertTrue(huge.contains("max_batch must be a whole number, got 10000000000"), huge);
    String noName = failure(VALID.replace("name: Test GPU", "name:"));
    assertTrue(noName.contains("name must be text, got null"), noName);
    String use = failure(VALID.replace("use: false", "use: 1"));
    assertTrue(use.contains("dla.use must be true or false, got 1"), use);
    String cc = failure(VALID.replace("[\"8.9\"]", "[null]"));
    assertTrue(cc.contains("match.compute_capability must be a list such as"), cc);
    String extra = failure(VALID + "extra: 1\n");
    assertTrue(
        extra.contains(
            "unknown key extra (known here: id, name, match, engine, precision, max_batch, dla,"
                + " workspace, power, clocks, reference_resnet50)"),
        extra);
  }

  @Test
  void theWorkspaceIsReadLikeEveryOtherSize() {
    assertEquals(
        2_000_000_000L, parse(VALID.replace("workspace: 2GiB", "workspace: 2GB")).workspaceBytes());
    assertEquals(
        3L << 29, parse(VALID.replace("workspace: 2GiB", "workspace: 1.5GiB")).workspaceBytes());
    assertEquals(
        io.cordwatch.config.ByteSize.parse("512MiB"),
        parse(VALID.replace("workspace: 2GiB", "workspace: 512MiB")).workspaceBytes());
  }

  @Test
  void valuesOutOfRangeOrOfTheWrongTypeAreRefused() {
    assertTrue(
        failure(VALID.replace("max_batch: 32", "max_batch: 65"))
            .contains("max_batch must be 1 to 64"));
    assertTrue(
        failure(VALID.replace("max_batch: 32", "max_batch: lots"))
            .contains("max_batch must be a whole number"));
    assertTrue(
        failure(VALID.replace("precision: fp16", "precision: fp8"))
            .contains("precision must be fp32, fp16 or int8"));
    assertTrue(
        failure(VALID.replace("engine: tensorrt", "engine: openvino"))
            .contains("engine must be tensorrt or onnxruntime-cpu"));
    assertTrue(
        failure(VALID.replace("workspace: 2GiB", "workspace: 2 gigs"))
            .contains("workspace must be a size"));
    assertTrue(
        failure(VALID.replace("workspace: 2GiB", "workspace: 1MiB")).contains("at least 16MiB"));
    assertTrue(
        failure(VALID.replace("[\"8.9\"]", "[\"sm89\"]")).contains("entries look like \"8.6\""));
    assertTrue(failure(VALID.replace("id: test-gpu", "id: other")).contains("they must agree"));
    assertEquals(
        List.of("8.9"), parse(VALID.replace("[\"8.9\"]", "[8.9]")).match().computeCapabilities());
  }

  @Test
  void combinationsThatCannotRunAreRefused() {
    String dlaOnX86 = failure(VALID.replace("cores: 0", "cores: 2"));
    assertTrue(dlaOnX86.contains("only Jetson modules have DLA cores"), dlaOnX86);
    String jetson =
        VALID.replace(
            "platform: nvidia-gpu\n  compute_capability: [\"8.9\"]",
            "platform: jetson\n  model_contains: [AGX Orin]");
    assertEquals(DeviceProfile.Platform.JETSON, parse(jetson).match().platform());
    String dlaNoCores = failure(jetson.replace("use: false", "use: true"));
    assertTrue(dlaNoCores.contains("no DLA core"), dlaNoCores);
    String dlaFp32 =
        failure(
            jetson
                .replace("use: false", "use: true")
                .replace("cores: 0", "cores: 2")
                .replace("precision: fp16", "precision: fp32"));
    assertTrue(dlaFp32.contains("DLA runs only fp16 or int8"), dlaFp32);
    String cpuTrt =
        failure(
            VALID.replace(
                "platform: nvidia-gpu\n  compute_capability: [\"8.9\"]", "platform: cpu"));
    assertTrue(cpuTrt.contains("tensorrt needs a GPU"), cpuTrt);
    String cpuInt8 =
        failure(
            VALID
                .replace("platform: nvidia-gpu\n  compute_capability: [\"8.9\"]", "platform: cpu")
                .replace("engine: tensorrt", "engine: onnxruntime-cpu")
                .replace("precision: fp16", "precision: int8"));
    assertTrue(cpuInt8.contains("must be fp32 for the onnxruntime-cpu engine"), cpuInt8);
    String jetsonNoModel =
        failure(jetson.replace("model_contains: [AGX Orin]", "memory_gib_min: 4"));
    assertTrue(jetsonNoModel.contains("model_contains must list at least one"), jetsonNoModel);
  }

  @Test
  void theReferenceFigureIsEitherCitedOrExplainedNeverBoth() {
    String both =
        failure(
            VALID.replace(
                "source: https://example.org/result",
                "source: https://example.org/result\n  not_found: x"));
    assertTrue(both.contains("not_found must not be given when a figure is given"), both);
    String noSource =
        failure(VALID.replace("source: https://example.org/result", "source: example.org"));
    assertTrue(noSource.contains("source must be an https address"), noSource);
    String nullWithSource =
        failure(VALID.replace("images_per_second: 100.5", "images_per_second: null"));
    assertTrue(
        nullWithSource.contains("must not be given when images_per_second is null"),
        nullWithSource);
    DeviceProfile none =
        parse(
            VALID.replace(
                """
                  images_per_second: 100.5
                  precision: int8
                  conditions: somewhere
                  source: https://example.org/result
                """,
                """
                  images_per_second: null
                  not_found: nobody published one
                """));
    assertEquals("nobody published one", none.reference().notFound());
  }

  @Test
  void aFolderOfProfilesNeedsACpuProfileAndDistinctIds() throws IOException {
    Files.writeString(tmp.resolve("test-gpu.yaml"), VALID);
    String noCpu =
        assertThrows(ProfileException.class, () -> DeviceProfiles.load(tmp)).getMessage();
    assertTrue(noCpu.contains("no profile with match.platform cpu"), noCpu);
    Files.copy(SHIPPED_DIR.resolve("cpu-only.yaml"), tmp.resolve("cpu-only.yaml"));
    assertEquals(2, DeviceProfiles.load(tmp).all().size());
    String empty =
        assertThrows(ProfileException.class, () -> DeviceProfiles.load(tmp.resolve("none")))
            .getMessage();
    assertTrue(empty.contains("no such profile folder"), empty);
  }
}
