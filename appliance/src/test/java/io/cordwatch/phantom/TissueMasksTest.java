package io.cordwatch.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.dicom.DicomPixels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code phantom --masks}: each axial T2 slice's tissue map lies beside it, on its pixel grid,
 * holds the cord and CSF inside the labelled canal box, and changes no byte of what is written
 * without it.
 */
class TissueMasksTest {
  @TempDir Path tmp;

  @Test
  void eachSliceHasItsMapOnItsGridWithTheCordInsideTheLabelledCanal() throws Exception {
    Path with = tmp.resolve("with");
    Phantom.generate(
        new Phantom.Options(with, 2, 5, StudyPlan.Style.RANDOMIZED, 4, false, false, true));
    Map<String, int[]> boxes = new HashMap<>();
    List<String> rows = Files.readAllLines(with.resolve("labels.csv"));
    for (String line : rows.subList(1, rows.size())) {
      String[] c = line.split(",");
      // The exact canal box (the x0..y1 columns are jittered the way a localizer errs).
      boxes.put(
          c[1],
          new int[] {
            Integer.parseInt(c[7]), Integer.parseInt(c[8]),
            Integer.parseInt(c[9]), Integer.parseInt(c[10])
          });
    }
    List<Path> slices;
    try (Stream<Path> s = Files.walk(with)) {
      slices = s.filter(p -> p.getFileName().toString().matches("ax-t2-\\d+\\.dcm")).toList();
    }
    assertEquals(8, slices.size());
    int cord = Tissue.CORD.ordinal();
    int csf = Tissue.CSF.ordinal();
    for (Path file : slices) {
      DicomPixels.Frame f = DicomPixels.read(file).getFirst();
      BufferedImage map = ImageIO.read(TissueMasks.path(file, 1, false).toFile());
      assertEquals(f.columns(), map.getWidth(), file.toString());
      assertEquals(f.rows(), map.getHeight(), file.toString());
      int[] b = boxes.get(f.sopInstanceUid());
      int cordIn = 0;
      int cordAll = 0;
      int csfIn = 0;
      for (int y = 0; y < map.getHeight(); y++) {
        for (int x = 0; x < map.getWidth(); x++) {
          int v = map.getRaster().getSample(x, y, 0);
          boolean in = x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
          cordAll += v == cord ? 1 : 0;
          cordIn += v == cord && in ? 1 : 0;
          csfIn += v == csf && in ? 1 : 0;
        }
      }
      assertTrue(cordAll > 20, file + ": " + cordAll + " cord pixels");
      assertEquals(cordAll, cordIn, file + ": every cord pixel lies in the canal box");
      assertTrue(csfIn > 0, file + ": CSF in the canal");
    }
    List<String> legend = Files.readAllLines(with.resolve(TissueMasks.LEGEND));
    assertEquals("value,tissue", legend.getFirst());
    assertTrue(legend.contains(cord + ",cord"), legend.toString());

    Path without = tmp.resolve("without");
    Phantom.generate(
        new Phantom.Options(without, 2, 5, StudyPlan.Style.RANDOMIZED, 4, false, false));
    for (Path file : slices) {
      Path same = without.resolve(with.relativize(file));
      assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(same), file.toString());
    }
    assertArrayEquals(
        Files.readAllBytes(with.resolve("labels.csv")),
        Files.readAllBytes(without.resolve("labels.csv")));
    try (Stream<Path> s = Files.walk(without)) {
      assertFalse(s.anyMatch(p -> p.toString().endsWith(".mask.png")), "no maps unless asked");
    }
  }

  @Test
  void anEnhancedFileHasOneMapPerFrame() throws Exception {
    Path out = tmp.resolve("enhanced");
    Phantom.generate(
        new Phantom.Options(out, 1, 3, StudyPlan.Style.INTERNAL, 3, false, true, true));
    Path file;
    try (Stream<Path> s = Files.walk(out)) {
      file =
          s.filter(p -> p.getFileName().toString().equals("ax-t2.dcm")).findFirst().orElseThrow();
    }
    List<DicomPixels.Frame> frames = DicomPixels.read(file);
    assertEquals(3, frames.size());
    for (DicomPixels.Frame f : frames) {
      BufferedImage map = ImageIO.read(TissueMasks.path(file, f.frame(), true).toFile());
      assertEquals(f.columns(), map.getWidth());
    }
    assertEquals(
        "ax-t2.frame-0002.mask.png", TissueMasks.path(file, 2, true).getFileName().toString());
  }
}
