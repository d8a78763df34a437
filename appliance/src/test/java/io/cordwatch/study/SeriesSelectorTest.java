package io.cordwatch.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.Fixtures;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.Uids;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeriesSelectorTest {
  private static final double[] AXIAL = {1, 0, 0, 0, 1, 0};
  private static final double[] SAGITTAL = {0, 1, 0, 0, 0, -1};
  private static final double[] CORONAL = {1, 0, 0, 0, 0, -1};

  private final SeriesSelector selector = new SeriesSelector(SelectionRules.defaults());

  @Test
  void axialT2SeriesIsSelectedWithAngleAndTimingsInTheSummary() {
    SeriesDecision d = selector.decide(series(20, mr().tilt(3).te(102).tr(4000)));

    assertTrue(d.selected());
    assertEquals("selected: axial 3 deg, TE 102 ms, TR 4000 ms", d.summary());
    assertEquals("modality MR", d.reasons().get(0));
    assertTrue(d.reasons().get(1).startsWith("axial: slice normal up to 3 deg"), d::toString);
    assertTrue(d.reasons().get(2).startsWith("T2-weighted: TE 102 ms >= 60 ms"), d::toString);
  }

  @Test
  void aSpineBodyPartIsAcceptedAndSaidInTheReasons() {
    SeriesDecision d = selector.decide(series(20, mr().te(102).tr(4000).bodyPart("TSPINE")));
    assertTrue(d.selected(), d::toString);
    assertEquals("body part TSPINE: spine", d.reasons().getLast());
  }

  @Test
  void aLumbarBodyPartIsGradedAndTheReasonsSayItsVerdictWillBeIndeterminate() {
    SeriesDecision d = selector.decide(series(20, mr().te(102).tr(4000).bodyPart("LSPINE")));
    assertTrue(d.selected(), d::toString);
    assertEquals(
        "body part LSPINE: lumbar or sacral spine, below the conus: graded, but its verdict is"
            + " indeterminate (no cord to grade)",
        d.reasons().getLast());
  }

  @Test
  void anAbsentBodyPartIsNoReasonToSkip() {
    SeriesDecision d = selector.decide(series(20, mr().te(102).tr(4000)));
    assertTrue(d.selected(), d::toString);
    assertEquals("body part not stated: coverage not checked", d.reasons().getLast());
  }

  @Test
  void aHeadOrKneeSeriesIsSkippedNamingTheBodyPart() {
    for (String part : List.of("HEAD", "brain", "KNEE")) {
      SeriesDecision d = selector.decide(series(20, mr().te(102).tr(4000).bodyPart(part)));
      assertFalse(d.selected(), d::toString);
      String upper = part.toUpperCase(java.util.Locale.ROOT);
      assertEquals("skipped: body part " + upper + " (not spine)", d.summary());
      assertEquals("body part " + upper + ": not the spine", d.reasons().getLast());
    }
  }

  @Test
  void anUnrecognisedBodyPartIsReportedButDoesNotDecide() {
    SeriesDecision d = selector.decide(series(20, mr().te(102).tr(4000).bodyPart("WIRBELSAEULE")));
    assertTrue(d.selected(), d::toString);
    assertEquals(
        "body part WIRBELSAEULE: not recognised, not used to decide", d.reasons().getLast());
  }

  @Test
  void sagittalSeriesIsSkippedAndSaysWhy() {
    SeriesDecision d = selector.decide(series(15, mr().orientation(SAGITTAL).te(100).tr(3500)));

    assertFalse(d.selected());
    assertEquals("skipped: sagittal", d.summary());
    assertTrue(
        d.reasons().stream().anyMatch(r -> r.startsWith("sagittal: slice normal up to 0 deg")),
        d::toString);
  }

  @Test
  void coronalSeriesIsSkippedAndSaysWhy() {
    SeriesDecision d = selector.decide(series(15, mr().orientation(CORONAL).te(100).tr(3500)));

    assertFalse(d.selected());
    assertEquals("skipped: coronal", d.summary());
    assertTrue(d.reasons().stream().anyMatch(r -> r.contains("patient y-axis")), d::toString);
  }

  @Test
  void obliqueAxialWithinTheAngleIsSelected() {
    SeriesDecision d = selector.decide(series(10, mr().tilt(15).te(90).tr(3000)));

    assertTrue(d.selected(), d::toString);
    assertEquals("selected: axial 15 deg, TE 90 ms, TR 3000 ms", d.summary());
  }

  @Test
  void obliqueAxialBeyondTheAngleIsSkippedWithItsAngle() {
    SeriesDecision d = selector.decide(series(10, mr().tilt(30).te(90).tr(3000)));

    assertFalse(d.selected());
    assertEquals("skipped: oblique 30 deg from axial", d.summary());
  }

  @Test
  void angleJustOverTheLimitIsNotPrintedAsTheLimit() {
    SeriesDecision d = selector.decide(series(1, mr().tilt(20.3).te(90).tr(3000)));

    assertEquals("skipped: oblique 20.3 deg from axial", d.summary());
  }

  @Test
  void stricterAngleFromTheRulesSkipsWhatTheDefaultAccepts() {
    SeriesSelector strict = new SeriesSelector(new SelectionRules(10, 60, 1500));

    SeriesDecision d = strict.decide(series(10, mr().tilt(15).te(90).tr(3000)));

    assertEquals("skipped: oblique 15 deg from axial", d.summary());
  }

  @Test
  void axialT1SeriesIsSkippedWithItsTimings() {
    SeriesDecision d = selector.decide(series(20, mr().te(12).tr(500).description("T1 TSE AX")));

    assertFalse(d.selected());
    assertEquals("skipped: not T2-weighted (TE 12 ms, TR 500 ms)", d.summary());
    assertTrue(
        d.reasons()
            .contains("not T2-weighted: TE 12 ms (needs >= 60 ms), TR 500 ms (needs >= 1500 ms)"),
        d::toString);
  }

  @Test
  void missingTimingsWithT2DescriptionIsSelectedByKeyword() {
    SeriesDecision d = selector.decide(series(20, mr().description("T2 TSE AX")));

    assertTrue(d.selected(), d::toString);
    assertEquals("selected: axial 0 deg, T2 in name, no TE/TR", d.summary());
    assertTrue(
        d.reasons().stream().anyMatch(r -> r.contains("series description 'T2 TSE AX' says T2")),
        d::toString);
  }

  @Test
  void missingTimingsWithT1DescriptionIsSkipped() {
    SeriesDecision d = selector.decide(series(20, mr().description("T1 TSE AX")));

    assertFalse(d.selected());
    assertEquals("skipped: not T2-weighted (T1 in name, no TE/TR)", d.summary());
  }

  @Test
  void missingTimingsWithOnlyATurboSpinEchoSequenceNameIsSelected() {
    SeriesDecision d = selector.decide(series(20, mr().sequenceName("*tse2d1_15")));

    assertTrue(d.selected(), d::toString);
    assertEquals("selected: axial 0 deg, T2 family in name, no TE/TR", d.summary());
  }

  @Test
  void missingTimingsWithGradientEchoScanningSequenceIsSkipped() {
    SeriesDecision d = selector.decide(series(20, mr().description("AX").scanning("GR")));

    assertEquals("skipped: not T2-weighted (gradient echo, no TE/TR)", d.summary());
  }

  @Test
  void missingTimingsAndNothingInTheNamesIsSkipped() {
    SeriesDecision d = selector.decide(series(20, mr().description("AX spine")));

    assertFalse(d.selected());
    assertEquals("skipped: not T2-weighted (no TE/TR, no T2 in name)", d.summary());
  }

  @Test
  void longEchoTimeWithoutRepetitionTimeIsEnoughForT2() {
    SeriesDecision d = selector.decide(series(5, mr().te(100)));

    assertTrue(d.selected(), d::toString);
    assertEquals("selected: axial 0 deg, TE 100 ms, TR not recorded", d.summary());
  }

  @Test
  void shortEchoTimeDecidesEvenWhenRepetitionTimeIsMissing() {
    SeriesDecision d = selector.decide(series(5, mr().te(10).description("T2 AX")));

    assertEquals("skipped: not T2-weighted (TE 10 ms, TR not recorded)", d.summary());
    assertTrue(
        d.reasons().stream().anyMatch(r -> r.contains("says T2 but TE/TR say not T2-weighted")),
        d::toString);
  }

  @Test
  void t1DescriptionLosesToT2TimingsButTheConflictIsReported() {
    SeriesDecision d = selector.decide(series(20, mr().te(110).tr(4500).description("T1 AX")));

    assertTrue(d.selected(), d::toString);
    assertEquals("selected: axial 0 deg, TE 110 ms, TR 4500 ms", d.summary());
    assertTrue(
        d.reasons()
            .contains(
                "series description 'T1 AX' says T1 but TE/TR say T2-weighted; going with TE/TR"),
        d::toString);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "STIR AX, STIR",
    "ax t2 tirm, inversion recovery",
    "T2 FLAIR AX, FLAIR",
    "ep2d_diff AX, diffusion",
    "AX DWI b1000, diffusion",
    "ADC, diffusion",
  })
  void contrastsThatLookT2ByNumbersAreStillSkipped(String description, String label) {
    SeriesDecision d = selector.decide(series(20, mr().te(80).tr(5000).description(description)));

    assertFalse(d.selected(), d::toString);
    assertEquals("skipped: not T2-weighted (" + label + ")", d.summary());
  }

  @Test
  void inversionRecoveryScanningSequenceIsSkipped() {
    SeriesDecision d =
        selector.decide(series(20, mr().te(70).tr(4000).description("AX").scanning("IR\\SE")));

    assertEquals("skipped: not T2-weighted (inversion recovery)", d.summary());
  }

  @Test
  void singlePlaneLocalizerIsSkippedAsALocalizer() {
    SeriesDecision d = selector.decide(series(3, mr().te(90).tr(1600).description("localizer")));

    assertEquals("skipped: localizer", d.summary());
  }

  @Test
  void vertebralLevelsInTheDescriptionAreNotReadAsWeightings() {
    SeriesDecision d = selector.decide(series(20, mr().description("AX T2 T1-T12")));

    assertTrue(d.selected(), d::toString);
  }

  @Test
  void t2StarIsNotT2() {
    SeriesDecision d = selector.decide(series(20, mr().description("T2* AX")));

    assertEquals("skipped: not T2-weighted (T2* in name, no TE/TR)", d.summary());
  }

  @Test
  void dualEchoSeriesIsNotTakenForT2() {
    List<InstanceFacts> instances = new ArrayList<>(series(10, mr().te(15).tr(3000)));
    instances.addAll(series(10, mr().te(100).tr(3000)));

    SeriesDecision d = selector.decide(instances);

    assertEquals("skipped: not T2-weighted (TE 15-100 ms, TR 3000 ms)", d.summary());
  }

  @Test
  void ctSeriesIsSkippedAsNotMr() {
    SeriesDecision d = selector.decide(series(40, mr().modality("CT")));

    assertFalse(d.selected());
    assertEquals("skipped: not MR (CT)", d.summary());
    assertEquals(List.of("modality CT: only MR series are graded"), d.reasons());
  }

  @Test
  void threePlaneLocalizerIsSkippedForMixedOrientations() {
    List<InstanceFacts> instances =
        List.of(
            mr().orientation(AXIAL).te(80).tr(2000).build(1),
            mr().orientation(SAGITTAL).te(80).tr(2000).build(2),
            mr().orientation(CORONAL).te(80).tr(2000).build(3));

    SeriesDecision d = selector.decide(instances);

    assertFalse(d.selected());
    assertEquals("skipped: mixed orientations", d.summary());
    assertTrue(
        d.reasons().stream()
            .anyMatch(r -> r.startsWith("mixed orientations: 1 axial, 1 coronal, 1 sagittal")),
        d::toString);
  }

  @Test
  void seriesWithoutOrientationIsSkipped() {
    SeriesDecision d = selector.decide(series(5, mr().noOrientation().te(100).tr(4000)));

    assertEquals("skipped: no orientation", d.summary());
  }

  @Test
  void oneImageWithoutOrientationSkipsTheSeries() {
    List<InstanceFacts> instances = new ArrayList<>(series(5, mr().te(100).tr(4000)));
    instances.add(mr().noOrientation().te(100).tr(4000).build(6));

    SeriesDecision d = selector.decide(instances);

    assertEquals("skipped: no orientation", d.summary());
    assertTrue(d.reasons().stream().anyMatch(r -> r.contains("1 of 6 images")), d::toString);
  }

  @Test
  void emptySeriesIsSkipped() {
    SeriesDecision d = selector.decide(List.of());

    assertFalse(d.selected());
    assertEquals("skipped: no instances", d.summary());
    assertFalse(d.reasons().isEmpty());
  }

  @Test
  void enhancedObjectIsJudgedOnEveryFrame() {
    double[][] frames = new double[6][];
    Arrays.fill(frames, tilted(2));
    InstanceFacts allAxial = mr().orientations(frames).te(95).tr(3200).build(1);
    frames[4] = tilted(28);
    InstanceFacts oneTilted = mr().orientations(frames).te(95).tr(3200).build(1);

    assertEquals(
        "selected: axial 2 deg, TE 95 ms, TR 3200 ms",
        selector.decide(List.of(allAxial)).summary());
    SeriesDecision d = selector.decide(List.of(oneTilted));
    assertEquals("skipped: oblique 28 deg from axial", d.summary());
    assertTrue(d.reasons().get(1).contains("over 6 frames (median 2 deg)"), d::toString);
  }

  @Test
  void enhancedFrameInAnotherPlaneMakesOrientationsMixed() {
    InstanceFacts f = mr().orientations(AXIAL, AXIAL, SAGITTAL).te(95).tr(3200).build(1);

    assertEquals("skipped: mixed orientations", selector.decide(List.of(f)).summary());
  }

  @Test
  void realAngledAxialT2LumbarSliceIsSelected() {
    InstanceFacts f = DicomFacts.read(Fixtures.realDicom("axial-t2-lumbar-broken/GH1339.dcm"));

    SeriesDecision d = selector.decide(List.of(f));

    assertEquals("selected: axial 17 deg, TE 97 ms, TR 8080 ms", d.summary());
  }

  @Test
  void realEnhancedEpiSeriesIsAxialButNotT2() {
    List<InstanceFacts> series =
        List.of(
            DicomFacts.read(Fixtures.realDicom("enhanced-mr/Siemens_XA10_6_1.dcm")),
            DicomFacts.read(Fixtures.realDicom("enhanced-mr/Siemens_XA10_6_2.dcm")));

    SeriesDecision d = selector.decide(series);

    assertEquals("skipped: not T2-weighted (TE 30 ms, TR 500 ms)", d.summary());
    assertTrue(d.reasons().get(1).startsWith("axial: slice normal up to 0 deg"), d::toString);
    assertTrue(d.reasons().get(1).contains("over 12 frames"), d::toString);
  }

  @Test
  void rulesRefuseAnglesThatCannotMeanAxial() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SelectionRules(95, 60, 1500));

    assertTrue(e.getMessage().startsWith("axial-max-angle"), e.getMessage());
  }

  // ---- synthetic series

  private static List<InstanceFacts> series(int n, Facts facts) {
    List<InstanceFacts> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(facts.build(i));
    }
    return out;
  }

  private static Facts mr() {
    return new Facts();
  }

  /** Row along x, column tipped from y towards z: the slice normal is {@code deg} off z. */
  private static double[] tilted(double deg) {
    double r = Math.toRadians(deg);
    return new double[] {1, 0, 0, 0, Math.cos(r), Math.sin(r)};
  }

  /** A mutable sketch of one instance's facts; {@link #build} stamps UIDs and a number on it. */
  private static final class Facts {
    private String modality = "MR";
    private String description;
    private String sequenceName;
    private String bodyPart;
    private String scanning;
    private Double te;
    private Double tr;
    private List<double[]> orientations = List.of(AXIAL);

    Facts modality(String m) {
      modality = m;
      return this;
    }

    Facts description(String d) {
      description = d;
      return this;
    }

    Facts sequenceName(String s) {
      sequenceName = s;
      return this;
    }

    Facts scanning(String s) {
      scanning = s;
      return this;
    }

    Facts te(double ms) {
      te = ms;
      return this;
    }

    Facts tr(double ms) {
      tr = ms;
      return this;
    }

    Facts orientation(double[] iop) {
      orientations = List.of(iop);
      return this;
    }

    Facts orientations(double[]... perFrame) {
      orientations = List.of(perFrame);
      return this;
    }

    Facts tilt(double deg) {
      return orientation(tilted(deg));
    }

    Facts bodyPart(String b) {
      bodyPart = b;
      return this;
    }

    Facts noOrientation() {
      orientations = List.of();
      return this;
    }

    InstanceFacts build(int number) {
      return new InstanceFacts(
          Uids.MR_IMAGE_STORAGE,
          "1.2.826.0.1.3680043.10.543.2." + number,
          "1.2.826.0.1.3680043.10.543.1",
          "1.2.826.0.1.3680043.10.543.1.1",
          modality,
          3,
          number,
          description,
          description,
          sequenceName,
          scanning,
          te,
          tr,
          orientations,
          Math.max(1, orientations.size()),
          256,
          256,
          bodyPart,
          null,
          null);
    }
  }
}
