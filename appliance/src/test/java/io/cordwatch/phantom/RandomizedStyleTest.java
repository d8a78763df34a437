package io.cordwatch.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.grade.bilsky.Grade;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The randomized style: determinism, geometry-derived labels, variety and the hold-out ranges. */
class RandomizedStyleTest {
  @TempDir Path tmp;

  @Test
  void sameSeedWritesSameBytes() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Phantom.generate(new Phantom.Options(a, 2, 77, StudyPlan.Style.RANDOMIZED, 6, false, false));
    Phantom.generate(new Phantom.Options(b, 2, 77, StudyPlan.Style.RANDOMIZED, 6, false, false));
    List<Path> files = dicomAndCsv(a);
    assertEquals(files.size(), dicomAndCsv(b).size());
    assertTrue(files.size() > 10, "files: " + files);
    for (Path f : files) {
      assertArrayEquals(
          Files.readAllBytes(f), Files.readAllBytes(b.resolve(a.relativize(f))), f.toString());
    }
    Path c = tmp.resolve("c");
    Phantom.generate(new Phantom.Options(c, 2, 78, StudyPlan.Style.RANDOMIZED, 6, false, false));
    assertFalse(
        Files.readString(a.resolve("labels.csv")).equals(Files.readString(c.resolve("labels.csv"))),
        "another seed, other studies");
  }

  @Test
  void labelsComeFromMasksWithBorderlineSlicesAndMimicsGradedZero() {
    Map<Grade, Integer> seen = new EnumMap<>(Grade.class);
    int borderline = 0;
    int mimicSlices = 0;
    int normalStudies = 0;
    int studiesWithoutHighGrade = 0;
    for (int s = 0; s < 16; s++) {
      StudyPlan plan = StudyPlan.plan(2026, s, StudyPlan.Style.RANDOMIZED, 40);
      boolean anyEpidural = false;
      boolean anyHigh = false;
      for (int i = 0; i < plan.slices().size(); i++) {
        SliceModel m = plan.model(i);
        BilskyGrader.Masks masks = BilskyGrader.masks(m, m.withoutEpidural());
        BilskyGrader.Findings f = BilskyGrader.grade(masks);
        seen.merge(f.grade(), 1, Integer::sum);
        anyEpidural |= m.disease().epidural();
        anyHigh |= f.grade().ordinal() >= Grade.G1C.ordinal();
        int tumourInCanal = 0;
        int mimicPixels = 0;
        for (int k = 0; k < masks.drawn().length; k++) {
          Tissue d = Tissue.of(masks.drawn()[k]);
          Tissue r = Tissue.of(masks.reference()[k]);
          if (d == Tissue.TUMOUR && r.inCanal()) {
            tumourInCanal++;
          }
          if (d == Tissue.LIGAMENT || d == Tissue.VEIN || d == Tissue.NERVE_ROOT) {
            mimicPixels++;
          }
        }
        assertEquals(tumourInCanal == 0, f.grade() == Grade.G0, "grade 0 iff no epidural tumour");
        if (!m.disease().epidural()) {
          assertEquals(Grade.G0, f.grade(), "no epidural tumour, grade 0 whatever the mimics");
          assertTrue(Double.isNaN(BoundaryDistance.of(m, f.grade())));
          if (mimicPixels > 0) {
            mimicSlices++;
          }
        } else if (f.grade() != Grade.G0) {
          double d = BoundaryDistance.of(m, f.grade());
          assertTrue(d >= 0 && d <= 2.5, "distance in severity units: " + d);
          if (d < 0.1) {
            borderline++;
          }
          // Within the distance the grade holds: the boundary is really that far away (to the
          // grader's 0.1 mm grid, which makes a grade flicker within about 0.02 of a boundary).
          double sigma = m.disease().sigma();
          for (double t : new double[] {sigma - (d - 0.03), sigma + (d - 0.03)}) {
            if (d > 0.05 && t > 0 && t < 5) {
              assertEquals(f.grade(), BilskyGrader.grade(m.withSeverity(t)).grade(), "at " + t);
            }
          }
        }
      }
      normalStudies += anyEpidural ? 0 : 1;
      studiesWithoutHighGrade += anyHigh ? 0 : 1;
    }
    for (Grade g : Grade.values()) {
      assertTrue(seen.getOrDefault(g, 0) >= 5, "too few slices of grade " + g + ": " + seen);
    }
    assertTrue(borderline >= 5, "borderline slices (distance < 0.1): " + borderline);
    assertTrue(mimicSlices >= 20, "grade-0 slices with mimics drawn: " + mimicSlices);
    assertTrue(normalStudies >= 1, "some studies have no lesion at all");
    assertTrue(studiesWithoutHighGrade >= 3, "not every study has a high-grade slice");
  }

  @Test
  void discBulgesAreDrawnAndGradedZero() {
    int bulges = 0;
    for (int s = 0; s < 30 && bulges < 3; s++) {
      StudyPlan plan = StudyPlan.plan(5, s, StudyPlan.Style.RANDOMIZED, 48);
      for (int i = 0; i < plan.slices().size(); i++) {
        SliceModel m = plan.model(i);
        if (m.disease().epidural() || !m.position().inDisc() || m.mimics().disc() == 0) {
          continue;
        }
        double[] c = m.canalEllipse();
        boolean discInCanal = false;
        for (double x = -c[0]; x <= c[0] && !discInCanal; x += 0.2) {
          for (double y = c[2] - c[1]; y <= c[2] + c[1]; y += 0.2) {
            int code = m.classify(x, y);
            if ((code & SliceModel.CANAL) != 0 && Tissue.of(code & 0xFF) == Tissue.DISC) {
              discInCanal = true;
              break;
            }
          }
        }
        if (discInCanal) {
          bulges++;
          assertEquals(Grade.G0, BilskyGrader.grade(m).grade());
        }
      }
    }
    assertTrue(bulges >= 3, "disc bulges in the canal: " + bulges);
  }

  @Test
  void anatomyVariesAcrossTheTrainingBand() {
    double minCanal = 9;
    double maxCanal = 0;
    double minCord = 9;
    double maxCord = 0;
    double maxOffset = 0;
    for (int s = 0; s < 80; s++) {
      StudyPlan plan = StudyPlan.plan(3, s, StudyPlan.Style.RANDOMIZED, 4);
      SliceModel m = plan.model(0);
      SliceModel average = new SliceModel(m.along(), m.habitus(), Lesion.SliceDisease.NONE);
      double[] c = m.canalEllipse();
      double[] c0 = average.canalEllipse();
      double canal = Math.sqrt(c[0] * c[1] / (c0[0] * c0[1]));
      assertTrue(FactorRange.CANAL_SCALE.training().contains(canal), "canal scale " + canal);
      minCanal = Math.min(minCanal, canal);
      maxCanal = Math.max(maxCanal, canal);
      AnatomyVariant v = plan.randomization().anatomy();
      minCord = Math.min(minCord, v.cordScale());
      maxCord = Math.max(maxCord, v.cordScale());
      maxOffset = Math.max(maxOffset, Math.hypot(v.cordX(), v.cordY()));
      assertTrue(
          v.room()[0] >= AnatomyVariant.MIN_CSF && v.room()[1] >= AnatomyVariant.MIN_CSF,
          "cord fits its sac: " + v);
    }
    assertTrue(minCanal < 0.76 && maxCanal > 1.24, "canal scale " + minCanal + ".." + maxCanal);
    assertTrue(minCord < 0.78 && maxCord > 1.2, "cord scale " + minCord + ".." + maxCord);
    assertTrue(maxOffset > 0.8, "cord off-centre before compression: " + maxOffset);
  }

  @Test
  void trainingAndHoldOutRangesAreDisjoint() {
    for (FactorRange r : FactorRange.values()) {
      for (FactorRange.Range h : r.holdOut()) {
        assertFalse(h.overlaps(r.training()), r + ": hold-out " + h + " meets " + r.training());
        assertTrue(h.lo() <= h.hi(), r.toString());
      }
    }
  }

  @Test
  void holdOutDrawsLieOutsideTheTrainingRanges() {
    for (int s = 0; s < 12; s++) {
      StudyPlan train = StudyPlan.plan(9, s, StudyPlan.Style.RANDOMIZED, 4);
      checkTraining(train);
      for (FactorRange.Factor f : FactorRange.Factor.values()) {
        StudyPlan held = StudyPlan.plan(9, s, StudyPlan.Style.RANDOMIZED, 4, f);
        assertEquals(f, held.randomization().heldOut());
        Randomization r = held.randomization();
        switch (f) {
          case CONTRAST -> {
            outside(FactorRange.REPETITION_TIME, held.protocol().repetitionTime(), 10);
            outside(FactorRange.ECHO_TIME, held.protocol().echoTime(), 1);
          }
          case TEXTURE -> {
            outside(FactorRange.TEXTURE_SCALE, r.texture().scale(), 0);
            outside(FactorRange.TEXTURE_AMPLITUDE, r.texture().amplitude(), 0);
            assertTrue(r.texture().ridged(), "hold-out texture family");
          }
          case ANATOMY -> {
            outside(FactorRange.CANAL_SCALE, r.anatomy().canalScale(), 0);
            outside(FactorRange.CORD_SCALE, r.anatomy().cordScale(), 0);
            outside(FactorRange.DURA, r.anatomy().dura(), 0);
            assertTrue(
                r.anatomy().room()[0] >= AnatomyVariant.MIN_CSF
                    && r.anatomy().room()[1] >= AnatomyVariant.MIN_CSF);
          }
          case ARTEFACT -> {
            outside(FactorRange.NOISE, held.scanner().noise(), 0);
            outside(FactorRange.KSPACE_KEPT, r.degradation().kept(), 0);
            outside(FactorRange.MOTION_BLUR, r.degradation().blur(), 0);
            outside(FactorRange.BIAS, held.artefacts().biasSlope(), 0);
          }
          case LEVEL -> {
            outside(FactorRange.LEVEL_CANAL_WIDTH, r.anatomy().levelCanalWidth(), 0);
            outside(FactorRange.LEVEL_CORD_WIDTH, r.anatomy().levelCordWidth(), 0);
          }
        }
      }
    }
  }

  private static void checkTraining(StudyPlan p) {
    Randomization r = p.randomization();
    assertTrue(FactorRange.REPETITION_TIME.training().contains(p.protocol().repetitionTime()));
    assertTrue(FactorRange.ECHO_TIME.training().contains(p.protocol().echoTime()));
    assertTrue(FactorRange.TEXTURE_SCALE.training().contains(r.texture().scale()));
    assertFalse(r.texture().ridged());
    assertTrue(FactorRange.CANAL_SCALE.training().contains(r.anatomy().canalScale()));
    assertTrue(FactorRange.NOISE.training().contains(p.scanner().noise()));
    assertTrue(FactorRange.KSPACE_KEPT.training().contains(r.degradation().kept()));
    assertEquals(1, r.anatomy().levelCanalWidth());
    assertTrue(p.protocol().matrix() >= 192 && p.protocol().matrix() <= 640);
    assertTrue(p.protocol().spacing() >= 0.4 && p.protocol().spacing() <= 1.2);
  }

  /** Outside the training range by more than the rounding the header applies. */
  private static void outside(FactorRange r, double v, double rounding) {
    FactorRange.Range t = r.training();
    assertTrue(v < t.lo() - rounding / 2 || v > t.hi() + rounding / 2, r + " " + v + " in " + t);
  }

  private static List<Path> dicomAndCsv(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> out = new ArrayList<>();
      s.filter(p -> p.toString().endsWith(".dcm") || p.toString().endsWith(".csv"))
          .sorted()
          .forEach(out::add);
      return out;
    }
  }
}
