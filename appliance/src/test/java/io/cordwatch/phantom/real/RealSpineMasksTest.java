package io.cordwatch.phantom.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.phantom.BilskyGrader;
import io.cordwatch.phantom.Tissue;
import io.cordwatch.phantom.TissueMasks;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code realspine --masks}: every labelled slice gets its tissue map beside its file, the normal
 * slices' maps hold cord and CSF and no tumour, and a lesion slice's map graded against the normal
 * slice it was made from gives the grade labels.csv carries: the map is what the label was measured
 * from. Without the option no map is written.
 */
class RealSpineMasksTest {
  @TempDir static Path out;
  @TempDir static Path plain;

  @BeforeAll
  static void prepare() throws IOException {
    EnumSet<RealSource> cervical = EnumSet.of(RealSource.CERVICAL_T2);
    RealSpine.generate(new RealSpine.Options(RealSpineNiftiTest.dir(), out, 1, 3, cervical, true));
    RealSpine.generate(new RealSpine.Options(RealSpineNiftiTest.dir(), plain, 1, 3, cervical));
  }

  private static byte[] map(Path dcm) throws IOException {
    BufferedImage img = ImageIO.read(TissueMasks.path(dcm, 1, false).toFile());
    byte[] out = new byte[img.getWidth() * img.getHeight()];
    img.getRaster().getDataElements(0, 0, img.getWidth(), img.getHeight(), out);
    return out;
  }

  private static List<Path> files(String folder) throws IOException {
    try (Stream<Path> s = Files.list(out.resolve(folder))) {
      return s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
  }

  /** labels.csv's grade by SOP Instance UID. */
  private static Map<String, String> grades() throws IOException {
    Map<String, String> g = new HashMap<>();
    List<String> lines = Files.readAllLines(out.resolve("labels.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      g.put(c[1], c[2]);
    }
    return g;
  }

  @Test
  void normalMapsHoldCordAndCsfAndNoTumour() throws IOException {
    int mapped = 0;
    for (Path f : files("normal-cervical-3d-t2-crop")) {
      if (!Files.exists(TissueMasks.path(f, 1, false))) {
        continue;
      }
      mapped++;
      int cord = 0;
      int csf = 0;
      for (byte b : map(f)) {
        assertTrue(b != Tissue.TUMOUR.ordinal(), f + ": tumour in a normal slice's map");
        cord += b == Tissue.CORD.ordinal() ? 1 : 0;
        csf += b == Tissue.CSF.ordinal() ? 1 : 0;
      }
      assertTrue(cord > 0 && csf > 0, f + ": cord " + cord + ", CSF " + csf);
    }
    assertTrue(mapped > 10, "maps for the labelled slices: " + mapped);
    assertTrue(Files.exists(out.resolve(TissueMasks.LEGEND)));
  }

  @Test
  void aLesionMapGradedAgainstItsNormalSliceGivesTheLabelledGrade() throws IOException {
    Map<String, String> grades = grades();
    Map<String, byte[]> normalBySlice = new HashMap<>();
    for (Path f : files("normal-cervical-3d-t2-crop")) {
      if (Files.exists(TissueMasks.path(f, 1, false))) {
        normalBySlice.put(String.valueOf(DicomPixels.read(f).getFirst().position()), map(f));
      }
    }
    int checked = 0;
    int diseased = 0;
    for (Path f : files("lesion-cervical-3d-t2-crop-1")) {
      DicomPixels.Frame facts = DicomPixels.read(f).getFirst();
      byte[] ref = normalBySlice.get(String.valueOf(facts.position()));
      assertTrue(ref != null, f + ": no normal slice at its location");
      byte[] drawn = map(f);
      double mm = facts.pixelSpacing()[0];
      BilskyGrader.Findings g =
          BilskyGrader.grade(new BilskyGrader.Masks(facts.columns(), facts.rows(), drawn, ref), mm);
      assertEquals(grades.get(facts.sopInstanceUid()), g.grade().label(), f.toString());
      checked++;
      diseased += g.grade().ordinal() > 0 ? 1 : 0;
    }
    assertTrue(checked > 10 && diseased > 0, checked + " slices, " + diseased + " with tumour");
  }

  @Test
  void withoutTheOptionNoMapIsWritten() throws IOException {
    try (Stream<Path> s = Files.walk(plain)) {
      assertFalse(s.anyMatch(p -> p.toString().endsWith(".mask.png")));
    }
    assertFalse(Files.exists(plain.resolve(TissueMasks.LEGEND)));
  }
}
