package io.cordwatch.roi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.TinyLocalizer;
import io.cordwatch.infer.TorchFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle's localizer as a box source, through ONNX Runtime: {@link TinyLocalizer}'s threshold
 * model finds a bright rectangle drawn on a dark slice, which is enough to prove the plumbing
 * (bundle entry, session, views, decoding, source precedence) without a trained model.
 */
class LocalizerBoxesTest {
  private static final LocalizerSpec SPEC =
      new LocalizerSpec(32, 1, 99, LocalizerSpec.BOX_PROBABILITY, 0.5, 2.0, 1);

  @TempDir Path tmp;
  private Bundle bundle;

  @BeforeEach
  void bundleWithPassThroughLocalizer() throws IOException {
    Path dir = tmp.resolve("bundle");
    TorchFixture.bundle(dir);
    Path model = TinyLocalizer.passThrough(tmp.resolve("pass-through.onnx"), 32, SPEC);
    bundle = Bundles.addLocalizer(dir, model, SPEC).bundle();
  }

  @Test
  void findsABrightRectangleOnADarkSliceToThePixel() {
    CanalBox truth = new CanalBox(41, 57, 66, 78);
    try (LocalizerBoxes boxes = LocalizerBoxes.open(bundle)) {
      BoxSource.Located found = boxes.locate("1.2.3", 1, () -> slice(160, 128, truth));
      assertTrue(found.found(), found.reason());
      assertEquals(truth, found.box());
      assertEquals(BoxSource.LOCALIZER, found.source());
      assertTrue(boxes.box("1.2.3", 1).isEmpty(), "the localizer needs the pixels");
    }
  }

  @Test
  void aSliceWithNothingBrightIsNoRoiWithTheLocalizersReason() {
    float[] flat = new float[100 * 100];
    try (LocalizerBoxes boxes = LocalizerBoxes.open(bundle)) {
      BoxSource.Located none =
          boxes.locate("1.2.3", 1, () -> new SlicePixels(flat, 100, 100, false));
      assertFalse(none.found());
      assertTrue(none.reason().startsWith("localizer found no canal"), none.reason());
    }
  }

  @Test
  void suppliedBoxesWinAndTheLocalizerFillsTheRest() {
    CanalBox drawn = new CanalBox(1, 2, 30, 40);
    CanalBox bright = new CanalBox(41, 57, 66, 78);
    SuppliedBoxes supplied = SuppliedBoxes.of(Map.of("1.2.3.1", drawn), "test");
    try (LocalizerBoxes model = LocalizerBoxes.open(bundle)) {
      BoxSource both = BoxSources.firstOf(supplied, model);
      BoxSource.Located a = both.locate("1.2.3.1", 1, () -> slice(160, 128, bright));
      assertEquals(drawn, a.box());
      assertEquals(BoxSource.SUPPLIED, a.source());
      BoxSource.Located b = both.locate("1.2.3.2", 1, () -> slice(160, 128, bright));
      assertEquals(bright, b.box());
      assertEquals(BoxSource.LOCALIZER, b.source());
    }
  }

  @Test
  void layeredSourcesKeepTheirOrderAndComputeThePixelsOnlyForTheLocalizer() {
    CanalBox fromApi = new CanalBox(3, 4, 20, 30);
    CanalBox drawn = new CanalBox(1, 2, 30, 40);
    CanalBox bright = new CanalBox(41, 57, 66, 78);
    BoxSource api =
        new BoxSource() {
          @Override
          public Optional<CanalBox> box(String sop, int frame) {
            return sop.equals("1.2.3.1") ? Optional.of(fromApi) : Optional.empty();
          }

          @Override
          public Located locate(String sop, int frame, Supplier<SlicePixels> pixels) {
            return box(sop, frame)
                .map(b -> Located.found(b, API))
                .orElseGet(() -> Located.none(NO_BOX));
          }
        };
    SuppliedBoxes file = SuppliedBoxes.of(Map.of("1.2.3.1", drawn, "1.2.3.2", drawn), "test");
    try (LocalizerBoxes model = LocalizerBoxes.open(bundle)) {
      BoxSource all = BoxSources.firstOf(api, file, model);
      AtomicInteger computed = new AtomicInteger();
      Supplier<SlicePixels> pixels =
          () -> {
            computed.incrementAndGet();
            return slice(160, 128, bright);
          };
      BoxSource.Located a = all.locate("1.2.3.1", 1, pixels);
      assertEquals(fromApi, a.box());
      assertEquals(BoxSource.API, a.source());
      BoxSource.Located b = all.locate("1.2.3.2", 1, pixels);
      assertEquals(drawn, b.box());
      assertEquals(BoxSource.SUPPLIED, b.source());
      assertEquals(0, computed.get(), "no pixels computed for supplied boxes");
      BoxSource.Located c = all.locate("1.2.3.3", 1, pixels);
      assertEquals(bright, c.box());
      assertEquals(BoxSource.LOCALIZER, c.source());
      assertEquals(1, computed.get());
      float[] flat = new float[100 * 100];
      BoxSource.Located none =
          all.locate("1.2.3.4", 1, () -> new SlicePixels(flat, 100, 100, false));
      assertFalse(none.found());
      assertTrue(none.reason().startsWith("localizer found no canal"), none.reason());
    }
  }

  @Test
  void configuredBoxesSayWhatRuns() throws IOException {
    Path csv = tmp.resolve("labels.csv");
    Files.writeString(csv, "sop_instance_uid,x0,y0,x1,y1\n1.2.3.1,1,2,30,40\n");
    try (ConfiguredBoxes both = ConfiguredBoxes.open(bundle, csv)) {
      assertTrue(both.any());
      assertTrue(both.localizes());
      assertTrue(
          both.description().contains("labels.csv (1), the rest from the localizer localizer.onnx"),
          both.description());
    }
    Bundle without = Bundles.load(TorchFixture.bundle(tmp.resolve("plain")).source());
    try (ConfiguredBoxes none = ConfiguredBoxes.open(without, null)) {
      assertFalse(none.any());
      assertFalse(none.localizes());
      assertTrue(none.description().startsWith("no canal boxes"), none.description());
    }
  }

  private static SlicePixels slice(int w, int h, CanalBox bright) {
    float[] v = new float[w * h];
    for (int y = bright.y0(); y <= bright.y1(); y++) {
      for (int x = bright.x0(); x <= bright.x1(); x++) {
        v[y * w + x] = 1000;
      }
    }
    return new SlicePixels(v, w, h, false);
  }
}
