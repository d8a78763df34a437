package io.cordwatch.phantom.real;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.grade.bilsky.Grade;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lesions inserted into real slices are graded from their geometry. */
class RealSpineLesionTest {
  static RealSpine.Prepared crop;
  static RealSpine.Prepared pam;

  @BeforeAll
  static void prepare() throws IOException {
    crop = RealSpine.prepare(RealSpineNiftiTest.dir(), RealSource.CERVICAL_T2);
    pam = RealSpine.prepare(RealSpineNiftiTest.dir(), RealSource.PAM50_T2);
  }

  private static LesionInserter.Result insert(RealSpine.Prepared p, int i, Lesion l) {
    return LesionInserter.insert(p.slices().get(i), p.canals().get(i), l);
  }

  @Test
  void canalBoxesContainTheCord() {
    for (RealSpine.Prepared p : List.of(crop, pam)) {
      int found = 0;
      for (int i = 0; i < p.slices().size(); i++) {
        CanalFinder.Canal c = p.canals().get(i);
        if (c == null) {
          continue;
        }
        found++;
        int w = p.slices().get(i).width();
        for (int k = 0; k < c.cord().length; k++) {
          if (c.cord()[k]) {
            int x = k % w;
            int y = k / w;
            assertTrue(x >= c.box()[0] && x <= c.box()[2] && y >= c.box()[1] && y <= c.box()[3]);
          }
        }
      }
      assertTrue(found > p.slices().size() / 2, p.source() + ": canal found on " + found);
    }
  }

  @Test
  void severityZeroIsGradeZeroAndLeavesThePixels() {
    int i = 27;
    Lesion l = new Lesion(1.5 * Math.PI, Math.toRadians(60), 0, Lesion.Style.DARK, 7);
    LesionInserter.Result r = insert(crop, i, l);
    assertEquals(Grade.G0, r.findings().grade());
    assertArrayEquals(crop.slices().get(i).pixels(), r.pixels(), 1e-3f);
  }

  @Test
  void gradesRiseWithSeverityUpToCordCompression() {
    for (RealSpine.Prepared p : List.of(crop, pam)) {
      int i = p == crop ? 27 : 100;
      assertNotNull(p.canals().get(i));
      Lesion base = new Lesion(1.5 * Math.PI, Math.toRadians(80), 0, Lesion.Style.INTERMEDIATE, 3);
      int last = 0;
      for (double s = 0; s <= 1.0001; s += 0.05) {
        Grade g = insert(p, i, base.withSeverity(s)).findings().grade();
        assertTrue(g.ordinal() >= last, p.source() + " severity " + s + " fell to " + g);
        last = g.ordinal();
      }
      assertTrue(last >= Grade.G2.ordinal(), p.source() + ": a full anterior tumour compresses");
      Grade circ =
          insert(p, i, new Lesion(1.5 * Math.PI, Math.PI, 1, Lesion.Style.DARK, 3))
              .findings()
              .grade();
      assertEquals(Grade.G3, circ, p.source() + ": circumferential, fully compressing");
    }
  }

  @Test
  void warpDoesNotTear() {
    int i = 27;
    Lesion base = new Lesion(1.3 * Math.PI, Math.toRadians(70), 0, Lesion.Style.DARK, 5);
    double prevCord = insert(crop, i, base).cordArea();
    double prevSac = insert(crop, i, base).sacArea();
    for (double s = 0.02; s <= 1.0001; s += 0.02) {
      LesionInserter.Result r = insert(crop, i, base.withSeverity(s));
      // a 2% step in severity moves the masks a little, never by a torn chunk
      assertTrue(Math.abs(r.cordArea() - prevCord) <= 0.08 * prevCord + 1, "cord at " + s);
      assertTrue(Math.abs(r.sacArea() - prevSac) <= 0.08 * prevSac + 1, "sac at " + s);
      assertTrue(r.cordArea() > 0.1 * r.findings().cordReference(), "cord kept at " + s);
      prevCord = r.cordArea();
      prevSac = r.sacArea();
    }
  }

  @Test
  void drawnLesionsReachEveryGradeAboutEquallyAndLabelTheMeasuredGrade() {
    int[] counts = new int[Grade.values().length];
    int n = 0;
    for (int copy = 1; copy <= 2; copy++) {
      for (int i = 0; i < crop.slices().size(); i++) {
        if (crop.canals().get(i) == null) {
          continue;
        }
        LesionDraw.Drawn d =
            LesionDraw.draw(
                crop.slices().get(i),
                crop.canals().get(i),
                RealSpine.random(1, RealSource.CERVICAL_T2, i, copy));
        Grade g = d.result().findings().grade();
        assertEquals(
            g,
            insert(crop, i, d.lesion()).findings().grade(),
            "the label is the grade measured on the lesion written");
        counts[g.ordinal()]++;
        n++;
      }
    }
    for (Grade g : Grade.values()) {
      double share = counts[g.ordinal()] / (double) n;
      // 15% untouched; the five others aimed at equally (20% of the rest, 17% of all)
      assertTrue(share > 0.08 && share < 0.3, g + ": " + counts[g.ordinal()] + " of " + n);
    }
  }
}
