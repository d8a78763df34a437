package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.grade.VerdictJson;
import io.cordwatch.keyimage.Overlay;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the study page says about one slice: a call the canal segmenter withdrew is marked as such,
 * with its measurement, in the caution colour, and is not also a "possible high" (it is its own
 * reason to read the series).
 */
class SliceMarksTest {
  private static Views.SliceView slice(Double pHigh, Boolean call, Double mm2, Boolean withdrawn) {
    return new Views.SliceView(
        "1.2.3.4",
        1,
        "graded",
        "2",
        null,
        new Views.BoxView(1, 2, 30, 40),
        0.4,
        false,
        pHigh,
        call,
        null,
        "localizer",
        mm2,
        withdrawn);
  }

  private static StudyResults.Slice inSeries(Views.SliceView v) {
    return new StudyResults.Slice(
        series(
            v,
            "{\"model\":{\"limits\":{\"confident_high_threshold\":0.98,"
                + "\"rule_out_threshold\":0.1}}}"),
        v,
        0);
  }

  private static Views.SeriesView series(Views.SliceView v, String verdict) {
    return new Views.SeriesView(
        "1.2.3",
        "MR",
        3,
        "AX T2",
        1,
        "graded",
        null,
        null,
        null,
        VerdictJson.tree(verdict),
        List.of(v));
  }

  @Test
  void aDiscountedSeriesSaysByHowMuchAndWhereItsBandWas() {
    Views.SliceView v = slice(0.9, true, null, null);
    Views.SeriesView discounted =
        series(
            v,
            "{\"model\":{\"decision\":\"threshold 0.3, raised to 0.7013 for this series (series"
                + " baseline discount 1.70 logits)\",\"baseline_discount\":1.7,"
                + "\"limits\":{\"confident_high_threshold\":0.9960,\"rule_out_threshold\":0.1}}}");
    assertEquals(
        "Series baseline: every slice scores above the model's validation series, so 1.70 logits"
            + " were taken off before its thresholds (threshold 0.3, raised to 0.7013 for this"
            + " series (series baseline discount 1.70 logits); confident from P(high) 0.9960).",
        StudyPage.baselineNote(discounted));
    assertEquals(
        null,
        StudyPage.baselineNote(series(v, "{\"model\":{\"baseline_discount\":0.0,\"limits\":{}}}")));
    assertEquals(null, StudyPage.baselineNote(series(v, "{\"model\":{\"limits\":{}}}")));
  }

  @Test
  void aWithdrawnCallIsMarkedWithWhatTheSegmenterSaw() {
    StudyResults.Slice k = inSeries(slice(0.8, false, 3.24, true));
    assertTrue(k.withdrawn());
    assertFalse(k.possibleHigh(), "withdrawn is its own mark");
    assertEquals(
        "high call withdrawn (the canal segmenter saw 3.2 mm\u00b2 of tumour in the box)",
        StudyPage.marks(k));
    assertEquals(Overlay.Call.CAUTION, k.call());
  }

  @Test
  void slicesTheSegmenterKeptOrNeverSawAreMarkedAsBefore() {
    StudyResults.Slice kept = inSeries(slice(0.8, true, 40.0, false));
    assertEquals("called high, borderline", StudyPage.marks(kept));
    StudyResults.Slice unseen = inSeries(slice(0.5, false, null, null));
    assertEquals("possible high (at or above the rule-out threshold)", StudyPage.marks(unseen));
  }
}
