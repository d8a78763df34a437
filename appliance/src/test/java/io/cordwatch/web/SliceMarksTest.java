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
    Views.SeriesView series =
        new Views.SeriesView(
            "1.2.3",
            "MR",
            3,
            "AX T2",
            1,
            "graded",
            null,
            null,
            null,
            VerdictJson.tree(
                "{\"model\":{\"limits\":{\"confident_high_threshold\":0.98,"
                    + "\"rule_out_threshold\":0.1}}}"),
            List.of(v));
    return new StudyResults.Slice(series, v, 0);
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
