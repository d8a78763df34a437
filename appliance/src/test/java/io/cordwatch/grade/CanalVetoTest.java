package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.FusedEngine;
import io.cordwatch.infer.SegmenterSpec;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.CanalTissue;
import io.cordwatch.roi.SuppliedBoxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canal segmenter's veto in the grader: which calls it is shown, which it withdraws, and what
 * the series verdict makes of a withdrawn call. The segmenter here is a stand-in whose tumour
 * probability is one number everywhere, so each test knows the measurement; the measurement itself
 * is {@code CanalTissueTest}'s, the model the one the bundle ships (docs/validation.md).
 */
class CanalVetoTest {
  @TempDir static Path tmp;
  private static Path dir;
  private static Bundle bundle;
  private static SuppliedBoxes boxes;
  private static List<SeriesGrader.Input> inputs;
  private static SeriesResult plain;
  private static double threshold;

  @BeforeAll
  static void phantomGradedWithoutTheVeto() throws Exception {
    dir = tmp.resolve("bundle");
    Bundle tiny = TorchFixture.bundle(dir);
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 17, StudyPlan.Style.INTERNAL, 14, false, false));
    boxes = SuppliedBoxes.load(phantom.resolve("labels.csv"));
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      inputs =
          s.filter(p -> p.getFileName().toString().matches("ax-t2-\\d+\\.dcm"))
              .sorted()
              .map(p -> new SeriesGrader.Input(null, p))
              .toList();
    }
    // The test head's P(high) values lie close together; a threshold at their median calls half
    // the slices high.
    double[] p =
        grade(tiny, null).slices().stream()
            .filter(SliceResult::isGraded)
            .mapToDouble(SliceResult::pHigh)
            .sorted()
            .toArray();
    threshold = p[p.length / 2];
    bundle = Bundles.setHighThreshold(dir, threshold, "set by the test").bundle();
    plain = grade(bundle, null);
    long high = plain.slices().stream().filter(s -> Boolean.TRUE.equals(s.highCall())).count();
    long low = plain.slices().stream().filter(s -> Boolean.FALSE.equals(s.highCall())).count();
    assertTrue(high >= 2 && low >= 1, "the series has high and low calls: " + high + ", " + low);
  }

  private static SeriesResult grade(Bundle b, CanalTissue tissue) {
    try (BackboneEngine engine = Bundles.openEngine(b)) {
      return new SeriesGrader(b, engine, boxes, tissue).grade("study", "series", inputs);
    }
  }

  /** A segmenter that sees tumour with probability {@code p} in every pixel. */
  private static CanalTissue everywhere(float p) {
    SegmenterSpec spec = new SegmenterSpec(32, 0.5, 99.5, 2.0, List.of("rest", "tumour"), 12);
    return new CanalTissue(
        spec,
        (views, n) -> {
          int plane = 32 * 32;
          float[] out = new float[n * 2 * plane];
          for (int i = 0; i < n; i++) {
            Arrays.fill(out, (2 * i) * plane, (2 * i + 1) * plane, 1 - p);
            Arrays.fill(out, (2 * i + 1) * plane, (2 * i + 2) * plane, p);
          }
          return out;
        });
  }

  @Test
  void noTumourAnywhereWithdrawsEveryHighCallAndTheSeriesGoesToAReader() {
    SeriesResult vetoed = grade(bundle, everywhere(0f));
    int withdrawn = 0;
    for (int i = 0; i < plain.slices().size(); i++) {
      SliceResult a = plain.slices().get(i);
      SliceResult b = vetoed.slices().get(i);
      assertEquals(a.probabilities(), b.probabilities(), "the veto changes no probability");
      assertEquals(a.grade(), b.grade());
      if (Boolean.TRUE.equals(a.highCall())) {
        withdrawn++;
        assertTrue(b.withdrawn(), "withdrawn: " + b);
        assertEquals(Boolean.FALSE, b.highCall());
        assertEquals(0.0, b.tumourInBoxMm2());
      } else {
        assertEquals(a.highCall(), b.highCall());
        assertNull(b.tumourInBoxMm2(), "a slice not called high is not shown to the segmenter");
        assertNull(b.callWithdrawn());
      }
    }
    Verdict v = vetoed.verdict();
    assertEquals(withdrawn, v.counts().withdrawnHighCalls());
    assertEquals(0, v.counts().highCalls() + v.counts().borderlineHighCalls());
    assertEquals(Verdict.INDETERMINATE, v.group(), "a withdrawn call is never a plain low");
    assertEquals(Verdict.REASON_HIGH_WITHDRAWN, v.indeterminateReason());
    assertTrue(v.indeterminateMessage().contains(withdrawn + " slices"), v.indeterminateMessage());
  }

  @Test
  void tumourInTheBoxKeepsEveryCallAndTheVerdict() {
    SeriesResult kept = grade(bundle, everywhere(1f));
    for (int i = 0; i < plain.slices().size(); i++) {
      SliceResult a = plain.slices().get(i);
      SliceResult b = kept.slices().get(i);
      assertEquals(a.highCall(), b.highCall());
      if (Boolean.TRUE.equals(a.highCall())) {
        assertEquals(Boolean.FALSE, b.callWithdrawn());
        assertTrue(b.tumourInBoxMm2() > 12, "the whole box is tumour: " + b.tumourInBoxMm2());
      }
    }
    assertEquals(plain.verdict().group(), kept.verdict().group());
    assertEquals(plain.verdict().counts(), kept.verdict().counts());
  }

  @Test
  void callsInTheConfidentBandAreNeverShownToTheSegmenter() throws Exception {
    double[] pHigh =
        plain.slices().stream()
            .filter(s -> Boolean.TRUE.equals(s.highCall()))
            .mapToDouble(SliceResult::pHigh)
            .sorted()
            .toArray();
    // A band between the lowest and the highest high call's P(high).
    double band = (pHigh[0] + pHigh[pHigh.length - 1]) / 2;
    assertTrue(pHigh[0] < band && band < pHigh[pHigh.length - 1], Arrays.toString(pHigh));
    Path banded = tmp.resolve("banded");
    TorchFixture.bundle(banded);
    Bundles.setHighThreshold(banded, threshold, "set by the test");
    Bundle b = Bundles.setConfidentHighThreshold(banded, band, "set by the test").bundle();
    SeriesResult r = grade(b, everywhere(0f));
    int spared = 0;
    for (SliceResult s : r.slices()) {
      if (s.pHigh() != null && s.pHigh() >= band) {
        spared++;
        assertEquals(Boolean.TRUE, s.highCall(), "a call in the band stands");
        assertNull(s.tumourInBoxMm2());
      } else if (s.pHigh() != null && s.pHigh() >= threshold) {
        assertTrue(s.withdrawn());
      }
    }
    assertTrue(spared > 0);
    assertEquals(Verdict.HIGH, r.verdict().group(), "a confident call still makes the series high");
  }

  @Test
  void theFusedPathWithdrawsTheSameCalls() {
    SeriesResult cpu = grade(bundle, everywhere(0f));
    SeriesResult fused;
    try (FusedEngine engine = FusedEngine.host(Bundles.openEngine(bundle), bundle, false, 4)) {
      fused =
          new SeriesGrader(bundle, engine, boxes, everywhere(0f)).grade("study", "series", inputs);
    }
    for (int i = 0; i < cpu.slices().size(); i++) {
      assertEquals(cpu.slices().get(i).callWithdrawn(), fused.slices().get(i).callWithdrawn());
    }
    assertEquals(cpu.verdict().counts(), fused.verdict().counts());
    assertNotEquals(0, fused.verdict().counts().withdrawnHighCalls());
  }
}
