package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.BundleException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bundle.json's {@code segmenter} entry: how it is read, checked, run and added to a bundle. */
class BundleSegmenterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SegmenterSpec SPEC =
      new SegmenterSpec(32, 0.5, 99.5, 2.0, List.of("rest", "tumour"), 12);

  @TempDir Path tmp;
  private Path dir;
  private Path onnx;
  private byte[] plain;

  @BeforeEach
  void bundleAndSegmenter() throws IOException {
    dir = tmp.resolve("bundle");
    TorchFixture.bundle(dir);
    plain = Files.readAllBytes(dir.resolve(Bundles.MANIFEST));
    onnx = TinySegmenter.write(tmp.resolve("seg.onnx"), 32, TinySegmenter.metadata(32));
  }

  /**
   * The bundle as made, with the segmenter added by {@code add-segmenter} and its entry then edited
   * by {@code edit}.
   */
  private void added(Consumer<ObjectNode> edit) throws IOException {
    Files.write(dir.resolve(Bundles.MANIFEST), plain);
    Bundles.addSegmenter(dir, onnx, OnnxSegmenter.storedSpec(onnx, 12).orElseThrow());
    ObjectNode root = (ObjectNode) JSON.readTree(dir.resolve(Bundles.MANIFEST).toFile());
    edit.accept((ObjectNode) root.get("segmenter"));
    Files.write(dir.resolve(Bundles.MANIFEST), JSON.writeValueAsBytes(root));
  }

  private void fails(Code code, String... parts) {
    BundleException e = assertThrows(BundleException.class, () -> Bundles.verify(dir));
    assertEquals(code, e.code(), e.getMessage());
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }

  @Test
  void addSegmenterReadsTheStoredSpecWritesTheEntryAndTheBundleRunsIt() throws IOException {
    Bundle b =
        Bundles.addSegmenter(dir, onnx, OnnxSegmenter.storedSpec(onnx, 12).orElseThrow()).bundle();
    assertEquals(SPEC, b.segmenter().orElseThrow().spec());
    assertEquals(1, SPEC.tumourChannel());
    assertEquals(Bundles.SEGMENTER_FILE, b.segmenter().get().file());
    assertEquals(
        Bundles.sha256(onnx), Bundles.sha256(dir.resolve(Bundles.SEGMENTER_FILE)), "copied");
    ObjectNode entry =
        (ObjectNode) JSON.readTree(dir.resolve(Bundles.MANIFEST).toFile()).get("segmenter");
    assertEquals(
        List.of(
            "file",
            "sha256",
            "input_size",
            "window_low_percentile",
            "window_high_percentile",
            "context",
            "classes",
            "veto_below_mm2"),
        List.copyOf(iterable(entry)));
    // The graph runs: a view of 0.25 everywhere is tumour 0.25, rest 0.75, per pixel.
    float[] view = new float[32 * 32];
    java.util.Arrays.fill(view, 0.25f);
    try (OnnxSegmenter s = OnnxSegmenter.open(b.segmenter().get().path(), SPEC)) {
      float[] p = s.probabilities(view, 1);
      assertEquals(2 * 32 * 32, p.length);
      assertEquals(0.75f, p[0]);
      assertEquals(0.25f, p[32 * 32]);
    }
  }

  private static List<String> iterable(ObjectNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void aSegmenterThatDoesNotFitItsSpecIsRefusedAndTheBundleIsLeftAlone() throws IOException {
    byte[] before = Files.readAllBytes(dir.resolve(Bundles.MANIFEST));
    SegmenterSpec threeClasses =
        new SegmenterSpec(32, 0.5, 99.5, 2.0, List.of("rest", "cord", "tumour"), 12);
    BundleException e =
        assertThrows(BundleException.class, () -> Bundles.addSegmenter(dir, onnx, threeClasses));
    assertEquals(Code.SEGMENTER_LAYOUT, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("must be [N, 3, 32, 32]"), e.getMessage());
    BundleException size =
        assertThrows(
            BundleException.class,
            () ->
                Bundles.addSegmenter(
                    dir, onnx, new SegmenterSpec(48, 0.5, 99.5, 2.0, SPEC.classes(), 5)));
    assertEquals(Code.SEGMENTER_LAYOUT, size.code(), size.getMessage());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(Bundles.MANIFEST)));
    assertFalse(Bundles.load(dir).segmenter().isPresent());
  }

  @Test
  void aLocalizerIsNotASegmenter() throws IOException {
    Path localizer =
        TinyLocalizer.passThrough(
            tmp.resolve("loc.onnx"),
            32,
            new LocalizerSpec(32, 1, 99, LocalizerSpec.BOX_PROBABILITY, 0.5, 2.0, 1));
    assertTrue(OnnxSegmenter.storedSpec(localizer, 12).isEmpty(), "no segmenter metadata");
    BundleException e =
        assertThrows(BundleException.class, () -> Bundles.addSegmenter(dir, localizer, SPEC));
    assertEquals(Code.SEGMENTER_LAYOUT, e.code(), e.getMessage());
  }

  @Test
  void badEntriesAreNamedByTheirKey() throws IOException {
    added(s -> s.put("veto_below_mm2", -1));
    fails(Code.BAD_VALUE, "segmenter.veto_below_mm2 must be 0..10000");
    added(s -> s.putArray("classes").add("rest").add("cord"));
    fails(Code.BAD_VALUE, "segmenter.classes", "\"tumour\"");
    added(s -> s.remove("context"));
    fails(Code.MALFORMED_MANIFEST, "segmenter.context is missing");
    added(s -> s.put("colour", "blue"));
    fails(Code.MALFORMED_MANIFEST, "unknown key segmenter.colour");
    added(s -> s.put("input_size", 30));
    fails(Code.BAD_VALUE, "segmenter.input_size must be a multiple of 8");
    added(s -> s.put("sha256", "0".repeat(64)));
    fails(Code.CHECKSUM_MISMATCH);
    added(s -> s.put("input_size", 48));
    fails(Code.SEGMENTER_LAYOUT, "must be [N, 1, 48, 48]");
  }

  @Test
  void theMetadataAloneCannotGrantAVetoOutOfRange() {
    BundleException e =
        assertThrows(BundleException.class, () -> OnnxSegmenter.storedSpec(onnx, -3));
    assertEquals(Code.BAD_VALUE, e.code());
    assertTrue(e.getMessage().contains("veto_below_mm2"), e.getMessage());
  }
}
