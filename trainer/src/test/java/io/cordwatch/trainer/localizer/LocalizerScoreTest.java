package io.cordwatch.trainer.localizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.CanalLocator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch score-localizer}: the IoU figures of a localizer on labelled slices, whole or
 * cut into strips around the canal, through the appliance's own {@link CanalLocator}.
 */
class LocalizerScoreTest {
  private static final LocalizerSpec SPEC = LocalizerSpec.defaults();

  /** A "network" that returns its view: on a slice that is its canal box, a perfect one. */
  private static final CanalLocator IDENTITY =
      new CanalLocator(SPEC, (views, count) -> views.clone());

  @TempDir Path tmp;

  @Test
  void aPerfectNetMeetsEveryBoxWholeAndInStripsAndABlindOneNone() {
    LocalizerData data = boxes(30);
    LocalizerScore.Score whole = LocalizerScore.score(IDENTITY, data, 0);
    assertEquals(30, whole.atLeastHalf(), whole.toString());
    assertEquals(1.0, whole.stats().median(), 1e-12);
    LocalizerScore.Score strips = LocalizerScore.score(IDENTITY, data, 2.5);
    assertEquals(30, strips.atLeastHalf(), strips.toString());
    assertEquals(0, strips.stats().missed());
    CanalLocator blind = new CanalLocator(SPEC, (views, count) -> new float[views.length]);
    LocalizerScore.Score none = LocalizerScore.score(blind, data, 2.5);
    assertEquals(0, none.atLeastHalf());
    assertEquals(30, none.stats().missed());
    assertTrue(none.toString().startsWith("30 slices: IoU >= 0.5 on 0 (0.0%)"), none.toString());
  }

  @Test
  void boxesUnderSixMillimetresAreNoBoxWhereTheSliceStatesItsSpacingAsInTheAppliance() {
    // The boxes are 18 to 39 pixels a side: 1.8 to 3.9 mm at 0.1 mm pixels, 18 mm and up at 1 mm.
    LocalizerScore.Score fine =
        LocalizerScore.score(IDENTITY, boxes(10, new double[] {0.1, 0.1}), 0);
    assertEquals(10, fine.stats().missed(), fine.toString());
    assertEquals(
        0, LocalizerScore.score(IDENTITY, boxes(10, new double[] {0.1, 0.1}), 2.5).atLeastHalf());
    LocalizerScore.Score coarse = LocalizerScore.score(IDENTITY, boxes(10, new double[] {1, 1}), 0);
    assertEquals(10, coarse.atLeastHalf(), coarse.toString());
  }

  @Test
  void aStripHoldsTheCanalAndIsTheSameEveryTime() {
    for (LocalizerData.Sample s : boxes(20).samples()) {
      LocalizerScore.Cut a = LocalizerScore.strip(s, 2.5, IDENTITY);
      LocalizerScore.Cut b = LocalizerScore.strip(s, 2.5, IDENTITY);
      int boxWidth = s.box().x1() - s.box().x0() + 1;
      assertEquals(Math.round(2.5 * boxWidth), a.columns());
      assertEquals(s.rows(), a.rows());
      assertEquals(boxWidth, a.box().x1() - a.box().x0() + 1, "the whole box is in the strip");
      assertEquals(a.box(), b.box());
    }
  }

  @Test
  void theShippedBundlesLocalizerFindsThePhantomsCanals() throws Exception {
    Path bundle = Path.of("..", "appliance", "demo-bundle").toAbsolutePath().normalize();
    Assumptions.assumeTrue(Files.isRegularFile(bundle.resolve("localizer.onnx")), "no demo bundle");
    Path dir = tmp.resolve("phantoms");
    Phantom.generate(new Phantom.Options(dir, 2, 7, StudyPlan.Style.INTERNAL, 6, false, false));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        LocalizerScoreCommand.run(
            new String[] {bundle.toString(), dir.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    var m = java.util.regex.Pattern.compile("(\\d+) slices: IoU >= 0.5 on (\\d+) ").matcher(text);
    assertTrue(m.find(), text);
    int slices = Integer.parseInt(m.group(1));
    assertEquals(12, slices, text);
    assertTrue(Integer.parseInt(m.group(2)) >= 11, text);
  }

  @Test
  void unusableArgumentsAreExitTwoWithTheReason() {
    for (String[] args :
        List.of(
            new String[] {"only-a-bundle"},
            new String[] {"b", "d", "--strips", "0.5"},
            new String[] {"b", "d", "--strips", "wide"},
            new String[] {"b", "d", "--frobnicate"},
            new String[] {tmp.resolve("no-such-bundle").toString(), tmp.toString()})) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int rc =
          LocalizerScoreCommand.run(
              args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
      assertEquals(2, rc, String.join(" ", args));
      assertTrue(err.toString().startsWith("score-localizer: "), err.toString());
    }
  }

  /** Slices that are their own canal box (1 inside, 0 outside), of several sizes. */
  private static LocalizerData boxes(int n) {
    return boxes(n, null);
  }

  /** As {@link #boxes(int)}, each slice stating {@code spacing} (null: none). */
  private static LocalizerData boxes(int n, double[] spacing) {
    Random r = new Random(11);
    List<LocalizerData.Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int size = 192 + 64 * r.nextInt(6);
      int bw = 20 + r.nextInt(20);
      int bh = 18 + r.nextInt(20);
      int x0 = 30 + r.nextInt(size - 60 - bw);
      int y0 = 30 + r.nextInt(size - 60 - bh);
      char[] unit = new char[size * size];
      for (int y = y0; y < y0 + bh; y++) {
        for (int x = x0; x < x0 + bw; x++) {
          unit[y * size + x] = 65535;
        }
      }
      out.add(
          new LocalizerData.Sample(
              "study",
              "1.2.3." + i,
              1,
              size,
              size,
              unit,
              new CanalBox(x0, y0, x0 + bw - 1, y0 + bh - 1),
              "0",
              spacing,
              null));
    }
    return LocalizerData.of(out, "boxes");
  }
}
