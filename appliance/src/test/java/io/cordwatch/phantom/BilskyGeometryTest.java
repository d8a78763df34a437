package io.cordwatch.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.grade.bilsky.Grade;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Bilsky definitions checked on the masks of many planned slices, per grade. */
class BilskyGeometryTest {
  @Test
  void everyGradeMeetsItsDefinitionOnTheMasksOverManySeeds() {
    Map<Grade, Integer> seen = new EnumMap<>(Grade.class);
    int agree = 0;
    int total = 0;
    for (long seed = 1; seed <= 40; seed++) {
      StudyPlan.Style style = seed % 2 == 0 ? StudyPlan.Style.INTERNAL : StudyPlan.Style.EXTERNAL;
      StudyPlan plan = StudyPlan.plan(seed, 0, style, 40);
      for (int i = 0; i < plan.slices().size(); i++) {
        SliceModel m = plan.model(i);
        SliceModel ref = new SliceModel(m.along(), m.habitus(), m.disease().withoutEpidural());
        BilskyGrader.Masks masks = BilskyGrader.masks(m, ref);
        BilskyGrader.Findings f = BilskyGrader.grade(masks);
        check(f, masks);
        seen.merge(f.grade(), 1, Integer::sum);
        total++;
        if (f.grade() == plan.slices().get(i).planned()) {
          agree++;
        }
      }
    }
    for (Grade g : Grade.values()) {
      assertTrue(seen.getOrDefault(g, 0) >= 10, "too few slices of grade " + g + ": " + seen);
    }
    assertTrue(
        agree >= 0.98 * total, "planned and measured grades agree on " + agree + "/" + total);
  }

  private static void check(BilskyGrader.Findings f, BilskyGrader.Masks m) {
    String at = f.toString();
    int ring = csfNextToCord(m);
    switch (f.grade()) {
      case G0 -> assertEquals(0, f.epiduralTumour(), at);
      case G1A -> {
        assertTrue(f.epiduralTumour() > 0, at);
        assertEquals(f.sacReference(), f.sacArea(), 1e-9, "1a: sac area unchanged " + at);
        assertEquals(0, f.sacLost(), "1a: no sac pixel lost " + at);
      }
      case G1B -> {
        assertTrue(f.sacLost() >= 1.0, "1b: sac deformed " + at);
        assertTrue(f.tumourToCord() > 0.6, "1b: cord not touched " + at);
        assertEquals(f.cordReference(), f.cordArea(), 1e-9, "1b: cord untouched " + at);
      }
      case G1C -> {
        assertTrue(f.tumourToCord() <= 0.6, "1c: tumour abuts the cord " + at);
        assertEquals(1, f.cordArea() / f.cordReference(), 0.02, "1c: cord area unchanged " + at);
      }
      case G2 -> {
        assertTrue(f.cordArea() < 0.95 * f.cordReference(), "2: cord compressed " + at);
        assertTrue(ring > 0 && f.csfAroundCord() >= 0.5, "2: CSF still around the cord " + at);
      }
      case G3 -> {
        assertTrue(f.cordArea() < 0.95 * f.cordReference(), "3: cord compressed " + at);
        assertEquals(0, ring, "3: no CSF pixel around the cord " + at);
      }
    }
  }

  /** CSF pixels within 1 mm of the cord, counted directly on the mask. */
  private static int csfNextToCord(BilskyGrader.Masks m) {
    int w = m.width();
    int h = m.height();
    int r = (int) Math.round(1.0 / BilskyGrader.STEP_MM);
    int count = 0;
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < w; i++) {
        if (Tissue.of(m.drawn()[j * w + i]) != Tissue.CSF) {
          continue;
        }
        search:
        for (int dj = -r; dj <= r; dj++) {
          for (int di = -r; di <= r; di++) {
            int y = j + dj;
            int x = i + di;
            if (di * di + dj * dj <= r * r
                && x >= 0
                && y >= 0
                && x < w
                && y < h
                && Tissue.of(m.drawn()[y * w + x]) == Tissue.CORD) {
              count++;
              break search;
            }
          }
        }
      }
    }
    return count;
  }

  @Test
  void gradesRiseToOnePeakAndFallBackAlongEachLesion() {
    for (long seed = 100; seed < 130; seed++) {
      StudyPlan plan = StudyPlan.plan(seed, 0, StudyPlan.Style.EXTERNAL, 48);
      int[] g = new int[plan.slices().size()];
      for (int i = 0; i < g.length; i++) {
        g[i] = BilskyGrader.grade(plan.model(i)).grade().ordinal();
      }
      int runs = 0;
      for (int i = 0; i < g.length; ) {
        if (g[i] == 0) {
          i++;
          continue;
        }
        int j = i;
        while (j + 1 < g.length && g[j + 1] != 0) {
          j++;
        }
        runs++;
        assertTrue(j - i + 1 <= 16, "a lesion spans at most about three levels: " + (j - i + 1));
        int k = i;
        while (k < j && g[k + 1] >= g[k]) {
          k++;
        }
        while (k < j && g[k + 1] <= g[k]) {
          k++;
        }
        assertEquals(
            j, k, "seed " + seed + ": grades not unimodal in " + java.util.Arrays.toString(g));
        i = j + 1;
      }
      assertTrue(runs >= 1 && runs <= 3, "seed " + seed + ": " + runs + " lesions");
    }
  }

  @Test
  void boneOnlyDiseaseIsGradeZero() {
    SliceModel.Habitus h = new SliceModel.Habitus(150, 105, 12, 58, 26);
    for (Lesion.Direction d : Lesion.Direction.values()) {
      SliceModel m = new SliceModel(100, h, new Lesion.SliceDisease(-1, d, 7, 1.0));
      assertEquals(Grade.G0, BilskyGrader.grade(m).grade(), d.toString());
    }
  }

  @Test
  void severityMovesThroughTheGradesInOrder() {
    SliceModel.Habitus h = new SliceModel.Habitus(150, 105, 12, 58, 26);
    for (Lesion.Direction d : Lesion.Direction.values()) {
      Grade last = Grade.G1A;
      for (double s = 0.1; s <= 5; s += 0.1) {
        Grade g =
            BilskyGrader.grade(new SliceModel(150, h, new Lesion.SliceDisease(s, d, 7, 0.8)))
                .grade();
        assertTrue(g.ordinal() >= last.ordinal(), d + " at " + s + ": " + g + " after " + last);
        last = g;
      }
      assertEquals(Grade.G3, last, d.toString());
    }
  }
}
