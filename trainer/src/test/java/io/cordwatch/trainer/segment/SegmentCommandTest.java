package io.cordwatch.trainer.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.phantom.Tissue;
import io.cordwatch.roi.CanalLocator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch train-segmenter}: the phantom's tissue maps are read onto the right slices and
 * classes, a run trains, writes its weights and one measurement row per slice, a second run scores
 * the same slices from the weights file alone with the same figures, and a folder without maps is
 * refused by name.
 */
class SegmentCommandTest {
  @TempDir Path tmp;

  private record Run(int rc, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        SegmentCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path phantom(String name, boolean masks) throws Exception {
    Path d = tmp.resolve(name);
    Phantom.generate(
        new Phantom.Options(d, 2, 11, StudyPlan.Style.RANDOMIZED, 4, false, false, masks));
    return d;
  }

  @Test
  void tissuesMapOntoTheSegmenterClasses() {
    assertEquals(SegmentData.CSF, SegmentData.classOf(Tissue.CSF));
    assertEquals(SegmentData.CSF, SegmentData.classOf(Tissue.NERVE_ROOT));
    assertEquals(SegmentData.CORD, SegmentData.classOf(Tissue.CORD));
    assertEquals(SegmentData.TUMOUR, SegmentData.classOf(Tissue.TUMOUR));
    assertEquals(SegmentData.EPIDURAL, SegmentData.classOf(Tissue.LIGAMENT));
    assertEquals(SegmentData.OUTSIDE, SegmentData.classOf(Tissue.MARROW));
  }

  @Test
  void eachSliceGetsItsOwnMapWithCordAndCsfInsideItsCanalBox() throws Exception {
    SegmentData d = SegmentData.load(phantom("d", true), null, LocalizerSpec.defaults(), s -> {});
    assertEquals(8, d.samples().size());
    assertEquals(8, d.withMaps());
    for (SegmentData.Sample s : d.samples()) {
      int w = s.slice().columns();
      int cord = 0;
      int outsideBox = 0;
      for (int i = 0; i < s.classes().length; i++) {
        int x = i % w;
        int y = i / w;
        boolean inBox =
            x >= s.slice().box().x0() - 2
                && x <= s.slice().box().x1() + 2
                && y >= s.slice().box().y0() - 2
                && y <= s.slice().box().y1() + 2;
        if (s.classes()[i] == SegmentData.CORD) {
          cord++;
          outsideBox += inBox ? 0 : 1;
        }
      }
      assertTrue(cord > 0, s.slice().sopInstanceUid() + ": no cord in its map");
      assertEquals(0, outsideBox, "cord pixels outside the slice's canal box");
    }
  }

  @Test
  void aViewOfTheWholeSliceAtOnePixelPerPixelIsTheMapItself() {
    byte[] map = new byte[16 * 16];
    for (int i = 0; i < map.length; i++) {
      map[i] = (byte) (i % 6);
    }
    CanalLocator.View view = new CanalLocator.View(0, 0, 16, 16);
    byte[] same = SegmenterTraining.classesInView(map, 16, 16, view);
    for (int i = 0; i < map.length; i++) {
      assertEquals(map[i], same[i], "pixel " + i);
    }
    // A view shifted by half a slice shows outside (0) where it leaves the slice.
    byte[] shifted =
        SegmenterTraining.classesInView(map, 16, 16, new CanalLocator.View(8, 0, 16, 16));
    assertEquals(map[8], shifted[0]);
    assertEquals(SegmentData.OUTSIDE, shifted[15]);
  }

  @Test
  void measurementsReadDistancesAndAreasOffTheMap() {
    int size = 16;
    int[] arg = new int[size * size];
    arg[5 * size + 5] = SegmentData.CORD;
    arg[5 * size + 6] = SegmentData.CSF;
    arg[5 * size + 8] = SegmentData.TUMOUR; // 3 pixels from the cord, 2 from the CSF
    arg[12 * size + 12] = SegmentData.TUMOUR; // far from everything
    SegmentScore.Measures m = SegmentScore.measure(arg, size, 0.5);
    assertEquals(2, m.tumour());
    assertEquals(1, m.tumourAtSac(), "only the tumour pixel within 2 mm (4 pixels) of the sac");
    assertEquals(1.5, m.tumourCord(), 1e-9);
    assertEquals(1, m.cord());
    assertEquals(1, m.csf());
  }

  @Test
  void trainsWritesWeightsAndScoresTheSameFromTheWeightsAlone() throws Exception {
    Path d = phantom("d", true);
    Path first = tmp.resolve("first");
    Run r =
        run(
            "--data", d.toString(),
            "--out", first.toString(),
            "--epochs", "1",
            "--batch", "4",
            "--width", "4",
            "--size", "32",
            "--score", d.toString());
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().contains("Dice over 8 mapped slices"), r.out());
    Path weights = first.resolve("segmenter.weights");
    assertTrue(Files.size(weights) > 0);
    List<String> rows = Files.readAllLines(first.resolve("d.csv"));
    assertEquals(1 + 8, rows.size(), "a header and one row per slice");
    assertTrue(rows.getFirst().startsWith("study_instance_uid,sop_instance_uid,grade,tumour_mm2"));

    Path second = tmp.resolve("second");
    Run again =
        run(
            "--weights", weights.toString(),
            "--out", second.toString(),
            "--score", d.toString());
    assertEquals(0, again.rc(), again.err());
    assertEquals(rows, Files.readAllLines(second.resolve("d.csv")));
  }

  @Test
  void aFolderWithoutMapsIsRefusedByName() throws Exception {
    Path d = phantom("plain", false);
    Run r = run("--data", d.toString(), "--out", tmp.resolve("o").toString(), "--epochs", "1");
    assertEquals(2, r.rc());
    assertTrue(r.err().contains("no slice with a tissue map"), r.err());
    assertTrue(r.err().contains("phantom --masks"), r.err());
  }

  @Test
  void dataAndWeightsTogetherAreRefused() {
    Run r =
        run(
            "--data", "a",
            "--weights", "w",
            "--out", tmp.resolve("o").toString());
    assertEquals(2, r.rc());
    assertTrue(r.err().contains("either --data (to train) or --weights (to score)"), r.err());
  }

  @Test
  void aBadValueOrAMissingOptionIsNamed() {
    Run epochs = run("--data", "a", "--epochs", "many", "--out", tmp.resolve("o").toString());
    assertEquals(2, epochs.rc());
    assertTrue(
        epochs.err().contains("'--epochs'") && epochs.err().contains("'many'"), epochs.err());
    Run noOut = run("--data", "a");
    assertEquals(2, noOut.rc());
    assertTrue(noOut.err().contains("--out"), noOut.err());
    Run weight =
        run("--data", "a", "--class-weight", "dura=heavy", "--out", tmp.resolve("o").toString());
    assertEquals(2, weight.rc());
    assertTrue(weight.err().contains("dura=heavy: the weight is not a number"), weight.err());
    Run help = run("--help");
    assertEquals(0, help.rc(), help.err());
    assertTrue(help.out().contains("--class-weight=NAME=W"), help.out());
  }

  @Test
  void anUnknownClassWeightIsRefusedWithTheClassNames() {
    Run r =
        run(
            "--data", "a",
            "--class-weight", "bone=3",
            "--out", tmp.resolve("o").toString());
    assertEquals(2, r.rc());
    assertTrue(r.err().contains("--class-weight wants NAME=W"), r.err());
    assertTrue(r.err().contains("dura"), r.err());
  }

  @Test
  void theConfusionGivesEachTrueClassItsShares() {
    long[][] c = new long[6][6];
    c[SegmentData.DURA][SegmentData.TUMOUR] = 1;
    c[SegmentData.DURA][SegmentData.DURA] = 3;
    String text = SegmentCommand.confusion(c);
    String dura = text.lines().filter(l -> l.strip().startsWith("dura")).findFirst().orElseThrow();
    assertTrue(
        dura.matches("\\s*dura\\s+0\\.000\\s+0\\.000\\s+0\\.750\\s+0\\.000\\s+0\\.000\\s+0\\.250"),
        dura);
  }
}
