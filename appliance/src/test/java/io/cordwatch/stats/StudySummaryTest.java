package io.cordwatch.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StudySummaryTest {

  @Test
  void aStudyIsHighGradeWhenAnySliceIs() {
    List<StudySummary.Rating> r =
        List.of(
            new StudySummary.Rating("A", 0, 0),
            new StudySummary.Rating("A", 4, 3),
            new StudySummary.Rating("B", 2, 3),
            new StudySummary.Rating("B", 0, 0),
            new StudySummary.Rating("C", 0, 1));
    List<StudySummary> s = StudySummary.of(r, 3);
    assertEquals(List.of("A", "B", "C"), s.stream().map(StudySummary::studyInstanceUid).toList());
    assertTrue(s.get(0).referenceHigh() && s.get(0).readerHigh());
    assertEquals(4, s.get(0).worstReference());
    assertEquals(1, s.get(0).sliceAgreements());
    assertFalse(s.get(1).referenceHigh());
    assertTrue(s.get(1).readerHigh());
    ConfusionMatrix t = StudySummary.table(s);
    assertEquals(1, t.count(0, 0));
    assertEquals(1, t.count(1, 0));
    assertEquals(1, t.count(1, 1));
  }

  @Test
  void theReadersOwnCallDecidesWhereItMadeOne() {
    // A model whose nearest prototype is grade 0 but whose P(high) threshold calls the slice
    // high (and the reverse): the study follows the call, not the category.
    List<StudySummary> s =
        StudySummary.of(
            List.of(
                new StudySummary.Rating("A", 0, 0, true),
                new StudySummary.Rating("B", 4, 4, false),
                new StudySummary.Rating("B", 0, 0, null)),
            3);
    assertTrue(s.get(0).readerHigh());
    assertFalse(s.get(1).readerHigh());
    assertEquals(4, s.get(1).worstReader());
  }

  @Test
  void highGradeStudiesFoundAreCountedByTheirWorstReferenceGrade() {
    // Grades 0..5 as 0, 1a, 1b, 1c, 2, 3: A and B are 1c at worst, C is 3, D is low.
    List<StudySummary> s =
        StudySummary.of(
            List.of(
                new StudySummary.Rating("A", 3, 3, true),
                new StudySummary.Rating("B", 3, 0, false),
                new StudySummary.Rating("B", 2, 0, false),
                new StudySummary.Rating("C", 5, 4, true),
                new StudySummary.Rating("D", 1, 4, true)),
            3);
    var found = StudySummary.foundByWorstReference(s, 3);
    assertEquals(List.of(3, 5), List.copyOf(found.keySet()));
    assertArrayEquals(new int[] {1, 2}, found.get(3), "one of the two 1c studies called high");
    assertArrayEquals(new int[] {1, 1}, found.get(5));
  }

  @Test
  void reliabilityBinsLeaveEmptyBinsOut() {
    List<Reliability.Bin> b =
        Reliability.bins(
            new double[] {0.05, 0.07, 0.95, 1.0}, new boolean[] {false, true, true, true}, 10);
    assertEquals(2, b.size());
    assertEquals(2, b.get(0).count());
    assertEquals(0.5, b.get(0).observed(), 1e-15);
    assertEquals(0.975, b.get(1).meanPredicted(), 1e-15);
  }
}
