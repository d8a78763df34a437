package io.cordwatch.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelFilesTest {
  @TempDir Path dir;

  @Test
  void csvAndVocAgreeAndBoxesContainTheCanalInsideTheImage() throws Exception {
    Phantom.Result r =
        Phantom.generate(
            new Phantom.Options(dir, 3, 21, StudyPlan.Style.EXTERNAL, 30, true, false));
    List<String> rows = Files.readAllLines(r.labels());
    assertEquals("study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1", rows.getFirst());
    assertEquals(r.slices().size(), rows.size() - 1, "one row per graded slice");
    for (int i = 0; i < r.slices().size(); i++) {
      PhantomWriter.Written w = r.slices().get(i);
      String[] c = rows.get(i + 1).split(",");
      assertEquals(w.studyUid(), c[0]);
      assertEquals(w.sopUid(), c[1]);
      assertEquals(w.findings().grade().label(), c[2]);
      Path xml = w.file().resolveSibling(w.file().getFileName().toString().replace(".dcm", ".xml"));
      String voc = Files.readString(xml);
      assertEquals(c[2], tag(voc, "name"), xml.toString());
      assertEquals(c[3], tag(voc, "xmin"));
      assertEquals(c[4], tag(voc, "ymin"));
      assertEquals(c[5], tag(voc, "xmax"));
      assertEquals(c[6], tag(voc, "ymax"));
      assertEquals(w.file().getFileName().toString(), tag(voc, "filename"));
      int size = Integer.parseInt(tag(voc, "width"));
      int x0 = Integer.parseInt(c[3]);
      int y0 = Integer.parseInt(c[4]);
      int x1 = Integer.parseInt(c[5]);
      int y1 = Integer.parseInt(c[6]);
      assertTrue(
          0 <= x0 && x0 < x1 && x1 < size && 0 <= y0 && y0 < y1 && y1 < size, rows.get(i + 1));
    }
    assertTrue(ImageIO.read(dir.resolve("montage.png").toFile()).getWidth() > 0);
  }

  @Test
  void boxContainsEveryCanalPixelOfTheRenderedSlice() {
    for (long seed = 1; seed <= 6; seed++) {
      StudyPlan plan = StudyPlan.plan(seed, 0, StudyPlan.Style.INTERNAL, 12);
      for (int i = 0; i < plan.slices().size(); i++) {
        StudyPlan.Protocol p = plan.protocol();
        Acquisition.Image img =
            Acquisition.render(
                plan.model(i),
                p.matrix(),
                p.spacing(),
                plan.slices().get(i).pose(),
                plan.scanner(),
                plan.artefacts(),
                Acquisition.Contrast.of(Acquisition.Weighting.T2),
                null,
                StudyPlan.random(seed, 0, 9));
        int n = img.size();
        int canal = 0;
        for (int y = 0; y < n; y++) {
          for (int x = 0; x < n; x++) {
            Tissue t = Tissue.of(img.classes()[y * n + x]);
            if (t == Tissue.CSF || t == Tissue.CORD) {
              canal++;
              assertTrue(
                  x >= img.x0() && x <= img.x1() && y >= img.y0() && y <= img.y1(),
                  "sac pixel outside the box at " + x + "," + y);
            }
          }
        }
        assertTrue(canal > 20, "the sac is visible");
        double widthMm = (img.x1() - img.x0() + 1) * p.spacing();
        assertTrue(widthMm > 12 && widthMm < 30, "box is canal-sized: " + widthMm + " mm");
      }
    }
  }

  private static String tag(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
    assertTrue(m.find(), "no <" + name + ">");
    return m.group(1);
  }
}
