package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.BundleException.Code;
import io.cordwatch.testing.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundlesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path dir;

  /** A valid bundle around the torch fixture: K = 6, D = 32, input 64. */
  @BeforeEach
  void writeValidBundle() throws IOException {
    dir = Files.createDirectories(tmp.resolve("bundle"));
    Files.copy(TorchFixture.backbone(), dir.resolve("backbone.onnx"));
    TorchFixture.writePrototypes(dir.resolve("prototypes.f32"), 6, 32, 1);
    writeManifest(m -> {});
  }

  private void writeManifest(Consumer<ObjectNode> edit) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format_version", 1);
    root.put("name", "tiny-test");
    ObjectNode bb = root.putObject("backbone");
    bb.put("file", "backbone.onnx");
    bb.put("sha256", Bundles.sha256(dir.resolve("backbone.onnx")));
    bb.put("embedding_width", 32);
    ObjectNode head = root.putObject("head");
    ObjectNode p = head.putObject("prototypes");
    p.put("file", "prototypes.f32");
    p.put("sha256", Bundles.sha256(dir.resolve("prototypes.f32")));
    head.put("temperature", 2.0);
    head.put("ood_scale", 10.0);
    head.put("ood_threshold", 3.5);
    ObjectNode pre = root.putObject("preprocessing");
    pre.put("input_size", 64);
    pre.put("window_low_percentile", 0.5);
    pre.put("window_high_percentile", 99.5);
    pre.put("roi_margin", 0.1);
    pre.put("resize", "bilinear");
    pre.put("mean", 0.1937);
    pre.put("std", 0.142);
    ObjectNode prov = root.putObject("provenance");
    prov.put("training_data", "phantoms, seed 7");
    prov.put("date", "2026-06-01");
    prov.putObject("metrics").put("gwet_ac1", 0.91);
    prov.put("clinical_use", false);
    edit.accept(root);
    Files.write(dir.resolve(Bundles.MANIFEST), JSON.writeValueAsBytes(root));
  }

  private BundleException failsToLoad(Code code, String... messageParts) {
    BundleException e = assertThrows(BundleException.class, () -> Bundles.load(dir));
    assertEquals(code, e.code(), e.getMessage());
    for (String part : messageParts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
    return e;
  }

  private static ObjectNode head(ObjectNode root) {
    return (ObjectNode) root.get("head");
  }

  @Test
  void validBundleLoadsWithDefaultsForClassesAndHighGrade() {
    Bundle b = Bundles.load(dir);

    assertEquals("tiny-test", b.name());
    assertEquals(Bundle.DEFAULT_CLASSES, b.classes());
    assertEquals(List.of("1c", "2", "3"), b.highGrade());
    assertEquals(6, b.prototypes().length);
    assertEquals(32, b.prototypes()[0].length);
    assertEquals(2.0, b.temperature());
    assertEquals(3.5, b.oodThreshold());
    assertEquals(64, b.preprocessing().inputSize());
    assertFalse(b.provenance().clinicalUse());
    assertTrue(b.isHighGrade(3));
    assertFalse(b.isHighGrade(2));
  }

  @Test
  void verifyRunsTheBackboneAndReportsItsShape() {
    Bundles.Verified v = Bundles.verify(dir);

    assertEquals("onnxruntime-cpu", v.engine());
    assertEquals(new InputShape(3, 64, 64), v.inputShape());
    assertEquals(32, v.embeddingWidth());
  }

  @Test
  void nullOodThresholdTurnsTheCheckOff() throws IOException {
    writeManifest(m -> head(m).putNull("ood_threshold"));
    assertFalse(Bundles.load(dir).oodEnabled());
  }

  @Test
  void missingManifestIsAMissingFile() throws IOException {
    Files.delete(dir.resolve("bundle.json"));
    failsToLoad(Code.MISSING_FILE, "bundle.json is missing");
  }

  @Test
  void missingBundlePathIsAMissingFile() {
    BundleException e =
        assertThrows(BundleException.class, () -> Bundles.load(tmp.resolve("nowhere")));
    assertEquals(Code.MISSING_FILE, e.code());
    assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
  }

  @Test
  void missingBackboneIsNamed() throws IOException {
    Files.delete(dir.resolve("backbone.onnx"));
    failsToLoad(Code.MISSING_FILE, "backbone.onnx is missing", "backbone.file");
  }

  @Test
  void changedPrototypesFileIsAChecksumMismatchNamingTheFile() throws IOException {
    byte[] bytes = Files.readAllBytes(dir.resolve("prototypes.f32"));
    bytes[5] ^= 1;
    Files.write(dir.resolve("prototypes.f32"), bytes);
    failsToLoad(Code.CHECKSUM_MISMATCH, "prototypes.f32 has sha256", "head.prototypes.sha256");
  }

  @Test
  void manifestThatIsNotJsonIsMalformed() throws IOException {
    Files.writeString(dir.resolve("bundle.json"), "{\"format_version\": 1,");
    failsToLoad(Code.MALFORMED_MANIFEST, "not valid JSON");
  }

  @Test
  void missingKeyIsMalformedAndNamesTheKey() throws IOException {
    writeManifest(m -> head(m).remove("temperature"));
    failsToLoad(Code.MALFORMED_MANIFEST, "head.temperature is missing");
  }

  @Test
  void wrongTypeIsMalformedAndNamesTheKey() throws IOException {
    writeManifest(m -> ((ObjectNode) m.get("preprocessing")).put("input_size", "224"));
    failsToLoad(Code.MALFORMED_MANIFEST, "preprocessing.input_size must be an integer");
  }

  @Test
  void misspeltKeyIsRejectedRatherThanDefaulted() throws IOException {
    writeManifest(m -> head(m).put("temprature", 2.0));
    failsToLoad(Code.MALFORMED_MANIFEST, "unknown key head.temprature");
  }

  @Test
  void anExplicitNullIsRefusedExceptForTheOodThreshold() throws IOException {
    writeManifest(m -> head(m).putNull("high_threshold"));
    failsToLoad(Code.MALFORMED_MANIFEST, "head.high_threshold must be a number, got null");
    writeManifest(m -> head(m).putArray("classes").add("0").addNull());
    failsToLoad(Code.MALFORMED_MANIFEST, "head.classes must be an array of strings");
  }

  @Test
  void aNumberWhereTextBelongsIsMalformed() throws IOException {
    writeManifest(m -> m.put("name", 7));
    failsToLoad(Code.MALFORMED_MANIFEST, "name must be a string, got 7");
    writeManifest(m -> ((ObjectNode) m.get("preprocessing")).put("input_size", 64.5));
    failsToLoad(Code.MALFORMED_MANIFEST, "preprocessing.input_size must be an integer, got 64.5");
  }

  @Test
  void clinicalUseMustBeABoolean() throws IOException {
    writeManifest(m -> ((ObjectNode) m.get("provenance")).put("clinical_use", "no"));
    failsToLoad(Code.MALFORMED_MANIFEST, "provenance.clinical_use must be true or false");
  }

  @Test
  void fileOutsideTheBundleFolderIsMalformed() throws IOException {
    writeManifest(m -> ((ObjectNode) m.get("backbone")).put("file", "../backbone.onnx"));
    failsToLoad(Code.MALFORMED_MANIFEST, "backbone.file must name a file inside");
  }

  @Test
  void newerFormatVersionIsUnsupported() throws IOException {
    writeManifest(m -> m.put("format_version", 2));
    failsToLoad(Code.UNSUPPORTED_FORMAT, "format_version is 2", "reads format_version 1");
  }

  @Test
  void prototypesNotAWholeNumberOfRowsSayTheNumbers() throws IOException {
    Files.write(dir.resolve("prototypes.f32"), new byte[6 * 32 * 4 - 4]);
    writeManifest(m -> {});
    failsToLoad(Code.PROTOTYPES_SHAPE, "holds 764 bytes", "D = 32", "K x D = 6 x 32 = 768 bytes");
  }

  @Test
  void fivePrototypesForSixClassesIsAClassCountError() throws IOException {
    TorchFixture.writePrototypes(dir.resolve("prototypes.f32"), 5, 32, 1);
    writeManifest(m -> {});
    failsToLoad(Code.CLASS_COUNT, "K = 5 prototypes of D = 32", "names 6 classes");
  }

  @Test
  void nanInPrototypesIsRefusedNamingClassAndIndex() throws IOException {
    ByteBuffer b =
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve("prototypes.f32")))
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat((2 * 32 + 7) * 4, Float.NaN);
    Files.write(dir.resolve("prototypes.f32"), b.array());
    writeManifest(m -> {});
    failsToLoad(Code.NON_FINITE_PROTOTYPES, "prototype 2 (class 1b) holds NaN at index 7");
  }

  @Test
  void infinityInPrototypesIsRefused() throws IOException {
    ByteBuffer b =
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve("prototypes.f32")))
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(0, Float.NEGATIVE_INFINITY);
    Files.write(dir.resolve("prototypes.f32"), b.array());
    writeManifest(m -> {});
    failsToLoad(Code.NON_FINITE_PROTOTYPES, "prototype 0 (class 0) holds -Infinity");
  }

  @Test
  void withoutAHighThresholdSlicesAreCalledByNearestPrototypeUnderDefaultLimits() {
    Bundle b = Bundles.load(dir);
    assertTrue(b.highThreshold().isEmpty());
    assertEquals(VerdictLimits.DEFAULTS, b.verdictLimits());
  }

  @Test
  void highThresholdAndLimitsAreReadFromTheHead() throws IOException {
    writeManifest(
        m ->
            head(m)
                .put("high_threshold", 0.23)
                .put("max_uncertain_fraction", 0.1)
                .put("max_no_roi_fraction", 0.4));
    Bundle b = Bundles.load(dir);
    assertEquals(0.23, b.highThreshold().getAsDouble());
    assertEquals(new VerdictLimits(0.1, 0.4), b.verdictLimits());
  }

  @Test
  void highThresholdOutsideZeroToOneIsABadValueNamingTheField() throws IOException {
    for (double bad : new double[] {0.0, 1.0, 1.5, -0.2}) {
      writeManifest(m -> head(m).put("high_threshold", bad));
      failsToLoad(
          Code.BAD_VALUE,
          "head.high_threshold must be a probability strictly between 0 and 1, got " + bad);
    }
  }

  @Test
  void highThresholdThatIsNotANumberIsMalformed() throws IOException {
    writeManifest(m -> head(m).put("high_threshold", "high"));
    failsToLoad(Code.MALFORMED_MANIFEST, "head.high_threshold");
  }

  @Test
  void theConfidentBandIsReadAndMustLieAboveTheTriageThreshold() throws IOException {
    writeManifest(m -> head(m).put("high_threshold", 0.25).put("confident_high_threshold", 0.67));
    assertEquals(0.67, Bundles.load(dir).verdictLimits().confidentHighThreshold());
    writeManifest(m -> head(m).put("high_threshold", 0.25).put("confident_high_threshold", 0.2));
    failsToLoad(
        Code.BAD_VALUE, "head.confident_high_threshold must be at least head.high_threshold");
    writeManifest(m -> head(m).put("confident_high_threshold", 0.6));
    failsToLoad(Code.BAD_VALUE, "head.confident_high_threshold needs head.high_threshold");
  }

  @Test
  void aLimitAboveOneIsABadValueNamingTheField() throws IOException {
    writeManifest(m -> head(m).put("max_no_roi_fraction", 1.5));
    failsToLoad(Code.BAD_VALUE, "head.max_no_roi_fraction must be a share between 0 and 1");
  }

  @Test
  void zeroTemperatureIsABadValue() throws IOException {
    writeManifest(m -> head(m).put("temperature", 0.0));
    failsToLoad(Code.BAD_VALUE, "head.temperature must be a finite number > 0, got 0.0");
  }

  @Test
  void negativeTemperatureIsABadValue() throws IOException {
    writeManifest(m -> head(m).put("temperature", -2.0));
    failsToLoad(Code.BAD_VALUE, "head.temperature", "got -2.0");
  }

  @Test
  void highGradeClassNotAmongTheClassesIsABadValue() throws IOException {
    writeManifest(m -> head(m).putArray("high_grade").add("4"));
    failsToLoad(Code.BAD_VALUE, "head.high_grade names class '4'");
  }

  @Test
  void preprocessingOutOfRangeIsABadValueNamingTheKey() throws IOException {
    writeManifest(m -> ((ObjectNode) m.get("preprocessing")).put("std", -1.0));
    failsToLoad(Code.BAD_VALUE, "preprocessing.std must be a finite number > 0");
  }

  @Test
  void backboneWidthOtherThanDeclaredIsAnEmbeddingWidthError() throws IOException {
    TorchFixture.writePrototypes(dir.resolve("prototypes.f32"), 6, 16, 1);
    writeManifest(m -> ((ObjectNode) m.get("backbone")).put("embedding_width", 16));
    BundleException e = assertThrows(BundleException.class, () -> Bundles.verify(dir));
    assertEquals(Code.EMBEDDING_WIDTH, e.code());
    assertTrue(e.getMessage().contains("output width is 32"), e.getMessage());
    assertTrue(e.getMessage().contains("embedding_width (D of the prototypes) is 16"));
  }

  @Test
  void backboneWithUnsupportedLayoutFailsVerify() throws IOException {
    TinyOnnx.globalAveragePool(dir.resolve("backbone.onnx"), 0, 64, 64, 3);
    writeManifest(m -> {});
    BundleException e = assertThrows(BundleException.class, () -> Bundles.verify(dir));
    assertEquals(Code.INPUT_LAYOUT, e.code());
    assertTrue(e.getMessage().contains("backbone.onnx"), e.getMessage());
  }

  @Test
  void zipOfTheBundleFolderLoads() throws IOException {
    Path zip = tmp.resolve("bundle.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (String f : List.of("bundle.json", "backbone.onnx", "prototypes.f32")) {
        z.putNextEntry(new ZipEntry("bundle/" + f));
        Files.copy(dir.resolve(f), z);
        z.closeEntry();
      }
    }
    Bundle b = Bundles.load(zip);
    assertEquals(zip, b.source());
    assertEquals(6, b.classCount());
  }

  @Test
  void zipEntryEscapingTheFolderIsRefusedBeforeItIsWritten() throws IOException {
    Path zip = tmp.resolve("evil.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("../../escaped.txt"));
      z.write(new byte[] {1});
      z.closeEntry();
    }
    BundleException e = assertThrows(BundleException.class, () -> Bundles.load(zip));
    assertEquals(Code.UNSAFE_ZIP, e.code());
    assertTrue(e.getMessage().contains("'../../escaped.txt'"), e.getMessage());
    assertFalse(Files.exists(Path.of(System.getProperty("java.io.tmpdir")).resolve("escaped.txt")));
  }

  @Test
  void fileThatIsNotAZipIsAMissingBundle() throws IOException {
    Path notZip = Files.writeString(tmp.resolve("model.txt"), "hello");
    BundleException e = assertThrows(BundleException.class, () -> Bundles.load(notZip));
    assertEquals(Code.MISSING_FILE, e.code());
  }

  @Test
  void createWritesABundleThatLoadsWithTheBackbonesMeasuredWidth() throws IOException {
    Path protos = TorchFixture.writePrototypes(tmp.resolve("p.f32"), 6, 32, 3);
    Path out = tmp.resolve("made");
    Bundles.Recipe r =
        new Bundles.Recipe(
            "made",
            TorchFixture.backbone(),
            protos,
            Bundle.DEFAULT_CLASSES,
            Bundle.DEFAULT_HIGH_GRADE,
            2,
            1,
            Double.POSITIVE_INFINITY,
            new PreprocessingSpec(64, 0.5, 99.5, 0.1, "bilinear", 0.1937, 0.142),
            new Provenance(
                "test", java.time.LocalDate.of(2026, 1, 2), java.util.Map.of(), false, null),
            Double.NaN);

    Bundles.Verified v = Bundles.create(out, r);

    assertEquals(32, v.bundle().embeddingWidth());
    assertTrue(v.bundle().highThreshold().isEmpty(), "no threshold unless the recipe has one");
    assertTrue(Files.readString(out.resolve("bundle.json")).contains("\"ood_threshold\" : null"));
    assertEquals(Sha256.of(protos), v.bundle().prototypesFile().sha256());
  }
}
