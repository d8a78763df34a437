package io.cordwatch.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.infer.Provenance;
import io.cordwatch.infer.TorchFixture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard rails and the cross-validation on embeddings made here: the parent's prototypes sit on
 * the first six axes of the tiny backbone's 32-dimensional space, a site's slices of each grade
 * around the same points moved toward the next grade's axis (another scanner), so that the parent
 * misreads them and re-enrolment can read them again.
 */
class AdaptationTest {
  private static final int D = TorchFixture.D;
  @TempDir static Path tmp;
  static Bundle bundle;
  static float[][] parent;

  @BeforeAll
  static void bundle() throws Exception {
    parent = new float[6][D];
    ByteBuffer b = ByteBuffer.allocate(4 * 6 * D).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < 6; c++) {
      parent[c][c] = 4;
      for (int j = 0; j < D; j++) {
        b.putFloat(parent[c][j]);
      }
    }
    Path protos = tmp.resolve("protos.f32");
    Files.write(protos, b.array());
    bundle =
        Bundles.create(
                tmp.resolve("parent"),
                new Bundles.Recipe(
                    "axes",
                    TorchFixture.backbone(),
                    protos,
                    Bundle.DEFAULT_CLASSES,
                    Bundle.DEFAULT_HIGH_GRADE,
                    1,
                    4,
                    Double.POSITIVE_INFINITY,
                    new PreprocessingSpec(TorchFixture.SIZE, 0.5, 99.5, 0.1, "bilinear", 0.2, 0.15),
                    new Provenance("test", LocalDate.of(2026, 1, 2), Map.of(), false, null),
                    Double.NaN))
            .bundle();
  }

  /** Per study: 12 grade-0 slices and 2 of each other grade, around parent + shift. */
  private static List<EnrolledSlice> site(int studies, double shift, long seed) {
    Random r = new Random(seed);
    List<EnrolledSlice> out = new ArrayList<>();
    for (int st = 0; st < studies; st++) {
      for (int c = 0; c < 6; c++) {
        for (int i = 0; i < (c == 0 ? 12 : 2); i++) {
          float[] e = new float[D];
          for (int j = 0; j < D; j++) {
            e[j] = (float) (parent[c][j] + 0.3 * r.nextGaussian());
          }
          // Toward the next grade's axis, past the midpoint: the parent reads grade c as c + 1
          // (and grade 3 as grade 0).
          e[(c + 1) % 6] += (float) shift;
          out.add(new EnrolledSlice("study-" + st, "sop-" + st + "-" + c + "-" + i, 1, c, e));
        }
      }
    }
    return out;
  }

  @Test
  void aShiftedSiteIsReadAgainAfterReEnrolmentAndTheCrossValidationSaysSo() {
    Adaptation.Outcome o = Adaptation.defaults().run(bundle, site(6, 5, 1));
    assertTrue(o.accepted(), String.valueOf(o.refusals()));
    double parentAc1 = o.cv().parent().highLow().ac1().value();
    double adaptedAc1 = o.cv().adapted().highLow().ac1().value();
    assertTrue(adaptedAc1 > parentAc1 + 0.2, parentAc1 + " -> " + adaptedAc1);
    assertTrue(o.cv().adapted().exact() > 0.9, "exact " + o.cv().adapted().exact());
    assertEquals(5, o.cv().folds());
    assertEquals(6, o.studies());
    assertEquals(6 * 22, o.slices());
    // Every grade had at least 5 slices, so every prototype moved toward the site.
    for (int c = 0; c < 6; c++) {
      assertTrue(o.fit().prototypes()[c][(c + 1) % 6] > 1.5, "grade " + c + " moved");
    }
  }

  @Test
  void tooFewStudiesOrNoHighGradeSlicesAreRefusedBeforeAnyFit() {
    Adaptation.Outcome few = Adaptation.defaults().run(bundle, site(3, 5, 2));
    assertFalse(few.accepted());
    assertNull(few.cv());
    assertTrue(
        few.refusals().getFirst().contains("3 studies; at least 4"), few.refusals().toString());

    List<EnrolledSlice> lowOnly = site(6, 5, 3).stream().filter(s -> s.label() < 3).toList();
    Adaptation.Outcome noHigh = Adaptation.defaults().run(bundle, lowOnly);
    assertFalse(noHigh.accepted());
    assertTrue(
        noHigh.refusals().getFirst().startsWith("0 high-grade and"), noHigh.refusals().toString());
  }

  @Test
  void aSiteThatTheParentAlreadyReadsIsNotMadeWorse() {
    // No shift: the parent is right; whatever the adaptation makes must not score below it.
    Adaptation.Outcome o = Adaptation.defaults().run(bundle, site(6, 0, 4));
    double parentAc1 = o.cv().parent().highLow().ac1().value();
    double adaptedAc1 = o.cv().adapted().highLow().ac1().value();
    assertEquals(o.accepted(), adaptedAc1 >= parentAc1, o.refusals().toString());
    assertTrue(parentAc1 > 0.9, "parent AC1 " + parentAc1);
  }
}
