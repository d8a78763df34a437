package io.cordwatch.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.Bundle;
import io.cordwatch.roi.CanalBox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictsTest {
  private static final List<String> CLASSES = Bundle.DEFAULT_CLASSES;
  private static final List<String> HIGH = Bundle.DEFAULT_HIGH_GRADE;
  private static final Verdict.Model MODEL = new Verdict.Model("m", "onnx", "test", false);
  private static final Verdict.Timings TIMES = new Verdict.Timings(1, 2, 3, 0, 6);

  /** Slices from a compact spec: a grade name, "-" for no ROI, "x" for unreadable. */
  private static List<SliceResult> slices(String... spec) {
    List<SliceResult> out = new ArrayList<>();
    for (int i = 0; i < spec.length; i++) {
      String sop = "1.2.3." + (i + 1);
      String[] g = spec[i].split("@");
      out.add(
          switch (g[0]) {
            case "-" -> SliceResult.noRoi(sop, 1, "no canal box", (double) i);
            case "x" -> SliceResult.unreadable(sop, 1, "truncated");
            default -> {
              double p = g.length > 1 ? Double.parseDouble(g[1]) : 0.9;
              Map<String, Double> probs = new LinkedHashMap<>();
              for (String c : CLASSES) {
                probs.put(c, c.equals(g[0]) ? p : (1 - p) / (CLASSES.size() - 1));
              }
              yield SliceResult.graded(
                  sop, 1, g[0], probs, new CanalBox(1, 1, 5, 5), 0.5, false, (double) i);
            }
          });
    }
    return out;
  }

  private static Verdict verdict(String... spec) {
    return Verdicts.of(slices(spec), CLASSES, HIGH, MODEL, TIMES);
  }

  @Test
  void contiguousDiseasedSlicesFormSegmentsWithTheirWorstGradeAndKeyImage() {
    Verdict v = verdict("0", "1a", "2", "1b", "0", "0", "1c", "1c@0.95", "0");

    assertEquals(2, v.segments().size());
    Verdict.Segment first = v.segments().get(0);
    assertEquals(1, first.firstSlice());
    assertEquals(3, first.lastSlice());
    assertEquals(3, first.sliceCount());
    assertEquals("2", first.maxGrade());
    assertEquals("1.2.3.3", first.keyImage().sopInstanceUid());
    Verdict.Segment second = v.segments().get(1);
    assertEquals("1c", second.maxGrade());
    assertEquals("1.2.3.8", second.keyImage().sopInstanceUid(), "tie goes to higher probability");
    assertEquals(
        List.of("1.2.3.3", "1.2.3.8"),
        v.keyImages().stream().map(Verdict.KeyImage::sopInstanceUid).toList());
    assertEquals("2", v.grade());
    assertEquals("high", v.group());
    assertTrue(v.high());
  }

  @Test
  void studyIsLowGradeWhenTheWorstSegmentIsOneB() {
    Verdict v = verdict("1a", "1b", "0", "1a");
    assertEquals("1b", v.grade());
    assertEquals("low", v.group());
    assertEquals(2, v.segments().size());
  }

  @Test
  void allGradeZeroGivesGradeZeroWithoutSegments() {
    Verdict v = verdict("0", "0", "0");
    assertEquals("0", v.grade());
    assertEquals("low", v.group());
    assertTrue(v.segments().isEmpty());
    assertTrue(v.keyImages().isEmpty());
  }

  @Test
  void ungradedSlicesBreakSegmentsAndAreCounted() {
    Verdict v = verdict("3", "-", "3", "x");
    assertEquals(2, v.segments().size(), "no ROI between two lesions does not join them");
    assertEquals(new Verdict.Counts(4, 2, 1, 1, 0), v.counts());
    assertEquals("3", v.grade());
  }

  @Test
  void nothingGradedIsNoGradeNotGradeZero() {
    Verdict v = verdict("-", "x", "-");
    assertNull(v.grade());
    assertNull(v.group());
    assertEquals(new Verdict.Counts(3, 0, 2, 1, 0), v.counts());
  }

  @Test
  void aSegmentAtTheLastSliceIsClosed() {
    Verdict v = verdict("0", "0", "1c");
    assertEquals(1, v.segments().size());
    assertEquals(2, v.segments().getFirst().lastSlice());
    assertEquals(MODEL, v.model());
    assertEquals(TIMES, v.timings());
  }
}
