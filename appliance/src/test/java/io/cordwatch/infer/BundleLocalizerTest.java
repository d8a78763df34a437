package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.BundleException.Code;
import io.cordwatch.testing.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bundle.json's {@code localizer} entry: how it is read, checked, run and added to a bundle. */
class BundleLocalizerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalizerSpec SPEC =
      new LocalizerSpec(32, 1, 99, LocalizerSpec.BOX_PROBABILITY, 0.5, 2.0, 1);

  @TempDir Path tmp;
  private Path dir;

  @BeforeEach
  void bundleWithoutLocalizer() throws IOException {
    dir = tmp.resolve("bundle");
    TorchFixture.bundle(dir);
  }

  /** Adds a localizer entry for the 32-px pass-through localizer, edited by {@code edit}. */
  private void withLocalizer(Consumer<ObjectNode> edit) throws IOException {
    TinyLocalizer.passThrough(dir.resolve("localizer.onnx"), 32, SPEC);
    ObjectNode root = (ObjectNode) JSON.readTree(dir.resolve(Bundles.MANIFEST).toFile());
    ObjectNode l = root.putObject("localizer");
    l.put("file", "localizer.onnx");
    l.put("sha256", Bundles.sha256(dir.resolve("localizer.onnx")));
    l.put("input_size", 32);
    l.put("window_low_percentile", 1.0);
    l.put("window_high_percentile", 99.0);
    l.put("output", "box_probability");
    l.put("threshold", 0.5);
    l.put("context", 2.0);
    l.put("refinements", 1);
    edit.accept(l);
    Files.write(dir.resolve(Bundles.MANIFEST), JSON.writeValueAsBytes(root));
  }

  private BundleException fails(Code code, String... parts) {
    BundleException e = assertThrows(BundleException.class, () -> Bundles.verify(dir));
    assertEquals(code, e.code(), e.getMessage());
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
    return e;
  }

  @Test
  void aLocalizerEntryLoadsWithHowToRunIt() throws IOException {
    withLocalizer(l -> {});
    Bundle b = Bundles.verify(dir).bundle();
    assertTrue(b.localizer().isPresent());
    assertEquals(SPEC, b.localizer().get().spec());
    assertEquals("localizer.onnx", b.localizer().get().file());
  }

  @Test
  void eachWitherChangesItsOneNumberAndIsCheckedLikeTheManifest() {
    assertEquals(
        new LocalizerSpec(48, 1, 99, LocalizerSpec.BOX_PROBABILITY, 0.4, 2.0, 3),
        SPEC.withInputSize(48).withThreshold(0.4).withRefinements(3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SPEC.withThreshold(1.5));
    assertTrue(e.getMessage().startsWith("threshold must lie strictly between 0 and 1"));
    assertThrows(IllegalArgumentException.class, () -> SPEC.withInputSize(30));
    assertThrows(IllegalArgumentException.class, () -> SPEC.withRefinements(5));
  }

  @Test
  void aBundleWithoutALocalizerStillLoads() {
    assertFalse(Bundles.verify(dir).bundle().localizer().isPresent());
  }

  @Test
  void anEntryNamingOnlyTheFileIsRefusedSayingWhatItLacks() throws IOException {
    // What bundles written before the run-time keys existed hold.
    withLocalizer(BundleLocalizerTest::onlyFile);
    fails(Code.MALFORMED_MANIFEST, "localizer.input_size is missing", "threshold", "add-localizer");
  }

  @Test
  void aMissingKeyIsNamed() throws IOException {
    withLocalizer(l -> l.remove("context"));
    fails(Code.MALFORMED_MANIFEST, "localizer.context is missing");
  }

  @Test
  void anUnknownKeyIsRefused() throws IOException {
    withLocalizer(l -> l.put("treshold", 0.5));
    fails(Code.MALFORMED_MANIFEST, "unknown key localizer.treshold");
  }

  @Test
  void aThresholdOutsideZeroToOneIsABadValue() throws IOException {
    withLocalizer(l -> l.put("threshold", 1.5));
    fails(Code.BAD_VALUE, "localizer.threshold must lie strictly between 0 and 1");
  }

  @Test
  void anInputSizeNotAMultipleOfEightIsABadValue() throws IOException {
    withLocalizer(l -> l.put("input_size", 30));
    fails(Code.BAD_VALUE, "localizer.input_size must be a multiple of 8");
  }

  @Test
  void anOutputOtherThanBoxProbabilityIsABadValue() throws IOException {
    withLocalizer(l -> l.put("output", "box_corners"));
    fails(Code.BAD_VALUE, "localizer.output must be \"box_probability\"");
  }

  @Test
  void aWindowTheWrongWayRoundIsABadValue() throws IOException {
    withLocalizer(l -> l.put("window_low_percentile", 99.5));
    fails(Code.BAD_VALUE, "localizer.window_low_percentile");
  }

  @Test
  void aMissingLocalizerFileIsNamed() throws IOException {
    withLocalizer(l -> {});
    Files.delete(dir.resolve("localizer.onnx"));
    fails(Code.MISSING_FILE, "localizer.onnx is missing");
  }

  @Test
  void aChangedLocalizerFileIsAChecksumMismatch() throws IOException {
    withLocalizer(l -> {});
    TinyLocalizer.passThrough(dir.resolve("localizer.onnx"), 32, null);
    fails(Code.CHECKSUM_MISMATCH, "localizer.onnx has sha256");
  }

  @Test
  void aModelOfAnotherInputSizeIsALayoutError() throws IOException {
    withLocalizer(l -> l.put("input_size", 48));
    fails(Code.LOCALIZER_LAYOUT, "must be [N, 1, 48, 48]", "[-1, 1, 32, 32]");
  }

  @Test
  void aModelWithAnotherOutputIsALayoutError() throws IOException {
    withLocalizer(l -> {});
    TinyLocalizer.write(dir.resolve("localizer.onnx"), "mask", null, 0, 1, 32, 32);
    withLocalizerKeepingFile();
    fails(Code.LOCALIZER_LAYOUT, "output must be named 'box_probability'", "'mask'");
  }

  @Test
  void aFileThatIsNotOnnxIsUnloadable() throws IOException {
    withLocalizer(l -> {});
    Files.writeString(dir.resolve("localizer.onnx"), "not a model");
    withLocalizerKeepingFile();
    fails(Code.MODEL_UNLOADABLE, "localizer.onnx");
  }

  @Test
  void theRunningModelAnswersEveryViewPixel() throws IOException {
    withLocalizer(l -> {});
    Bundle b = Bundles.load(dir);
    float[] views = new float[2 * 32 * 32];
    views[5] = 1;
    OnnxLocalizer l = Bundles.openLocalizer(b);
    float[] p = l.probabilities(views, 2);
    assertEquals(2 * 32 * 32, p.length);
    assertEquals(1.0, p[5], 1e-6);
    assertEquals(0.0, p[6], 1e-6);
    EngineException e = assertThrows(EngineException.class, () -> l.probabilities(views, 3));
    assertEquals(EngineException.Code.BAD_INPUT, e.code());
    l.close();
    l.close();
    assertEquals(
        EngineException.Code.CLOSED,
        assertThrows(EngineException.class, () -> l.probabilities(views, 2)).code());
  }

  @Test
  void addLocalizerPutsATrainedModelIntoABundleUsingItsStoredSpec() throws IOException {
    Path model = TinyLocalizer.passThrough(tmp.resolve("trained.onnx"), 32, SPEC);
    LocalizerSpec stored = OnnxLocalizer.storedSpec(model).orElseThrow();
    assertEquals(SPEC, stored);
    Files.writeString(dir.resolve(BundleCard.FILE), "# Model card: b\n");

    Bundles.Verified v = Bundles.addLocalizer(dir, model, stored);

    assertEquals(SPEC, v.bundle().localizer().orElseThrow().spec());
    assertEquals(Sha256.of(model), v.bundle().localizer().orElseThrow().sha256());
    String manifest = Files.readString(dir.resolve(Bundles.MANIFEST));
    assertTrue(
        manifest.indexOf("\"backbone\"") < manifest.indexOf("\"localizer\"")
            && manifest.indexOf("\"localizer\"") < manifest.indexOf("\"head\""),
        manifest);
    String card = Files.readString(dir.resolve(BundleCard.FILE));
    assertTrue(
        card.contains(
            ": canal localizer localizer.onnx added (SHA-256 "
                + Sha256.of(model).substring(0, 12)
                + ", box threshold "
                + SPEC.threshold()
                + ", "
                + SPEC.refinements()
                + " refinement(s))\n"),
        card);
  }

  @Test
  void aCardThatCannotBeWrittenDoesNotUndoTheChange() throws IOException {
    Files.createDirectories(dir.resolve(BundleCard.FILE)); // unreadable as a file
    Path model = TinyLocalizer.passThrough(tmp.resolve("trained.onnx"), 32, SPEC);

    Bundles.Verified v = Bundles.addLocalizer(dir, model, SPEC);

    assertEquals(SPEC, v.bundle().localizer().orElseThrow().spec());
    assertEquals(SPEC, Bundles.load(dir).localizer().orElseThrow().spec());
  }

  @Test
  void addLocalizerRepairsAnOldStyleEntry() throws IOException {
    withLocalizer(BundleLocalizerTest::onlyFile);
    Path model = TinyLocalizer.passThrough(tmp.resolve("trained.onnx"), 32, SPEC);
    assertEquals(SPEC, Bundles.addLocalizer(dir, model, SPEC).bundle().localizer().get().spec());
  }

  @Test
  void addLocalizerRefusesAModelThatDoesNotFitItsSpecAndLeavesTheBundleAlone() throws IOException {
    byte[] before = Files.readAllBytes(dir.resolve(Bundles.MANIFEST));
    Files.writeString(dir.resolve(BundleCard.FILE), "# Model card: b\n");
    Path model = TinyLocalizer.passThrough(tmp.resolve("trained.onnx"), 32, SPEC);
    LocalizerSpec other = new LocalizerSpec(64, 1, 99, LocalizerSpec.BOX_PROBABILITY, 0.5, 2, 1);
    BundleException e =
        assertThrows(BundleException.class, () -> Bundles.addLocalizer(dir, model, other));
    assertEquals(Code.LOCALIZER_LAYOUT, e.code());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(Bundles.MANIFEST)));
    assertFalse(Files.exists(dir.resolve("localizer.onnx")));
    assertEquals("# Model card: b\n", Files.readString(dir.resolve(BundleCard.FILE)));
  }

  @Test
  void aSpecRoundTripsThroughItsJsonAndBadJsonIsNamed() {
    assertEquals(SPEC, Bundles.localizerSpecFromJson(Bundles.localizerSpecJson(SPEC), "test"));
    BundleException e =
        assertThrows(
            BundleException.class,
            () -> Bundles.localizerSpecFromJson("{\"input_size\": 32}", "model.onnx metadata"));
    assertEquals(Code.MALFORMED_MANIFEST, e.code());
    assertTrue(e.getMessage().contains("model.onnx metadata"), e.getMessage());
  }

  @Test
  void aModelWithoutStoredSpecSaysSo() throws IOException {
    assertTrue(
        OnnxLocalizer.storedSpec(TinyLocalizer.passThrough(tmp.resolve("bare.onnx"), 32, null))
            .isEmpty());
  }

  /** Records the current localizer.onnx's checksum in bundle.json, keeping the file as it is. */
  private void withLocalizerKeepingFile() throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(dir.resolve(Bundles.MANIFEST).toFile());
    ((ObjectNode) root.get("localizer")).put("sha256", sha(dir.resolve("localizer.onnx")));
    Files.write(dir.resolve(Bundles.MANIFEST), JSON.writeValueAsBytes(root));
  }

  private static void onlyFile(ObjectNode l) {
    for (String k : SPEC_KEYS) {
      l.remove(k);
    }
  }

  private static final java.util.List<String> SPEC_KEYS =
      java.util.List.of(
          "input_size",
          "window_low_percentile",
          "window_high_percentile",
          "output",
          "threshold",
          "context",
          "refinements");

  private static String sha(Path p) {
    return Bundles.sha256(p);
  }
}
