package io.cordwatch.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-study outcome: a study is high grade for a rater when any of its slices is (the triage
 * question is "does this patient need a surgical opinion", answered once per study), and its worst
 * grade is its highest slice grade.
 *
 * @param studyInstanceUid the study
 * @param slices slices of the study rated by both
 * @param worstReference index of the reference's highest grade in the study
 * @param worstReader index of the reader's highest grade
 * @param referenceHigh whether the reference called any slice high
 * @param readerHigh whether the reader called any slice high (by its own call where it made one)
 * @param sliceAgreements slices on which both gave the same grade
 */
public record StudySummary(
    String studyInstanceUid,
    int slices,
    int worstReference,
    int worstReader,
    boolean referenceHigh,
    boolean readerHigh,
    int sliceAgreements) {

  /**
   * One rated slice.
   *
   * @param studyInstanceUid its study
   * @param reference the reference's category index
   * @param reader the reader's category index
   * @param readerCall the reader's own high/low call when it made one apart from its category (a
   *     model's P(high) threshold), else null: then high means a category at or above the first
   *     positive one
   */
  public record Rating(String studyInstanceUid, int reference, int reader, Boolean readerCall) {
    /** A rating whose high/low call follows from its category. */
    public Rating(String studyInstanceUid, int reference, int reader) {
      this(studyInstanceUid, reference, reader, null);
    }
  }

  /** One summary per study, in order of first appearance; high means index &ge; firstPositive. */
  public static List<StudySummary> of(List<Rating> ratings, int firstPositive) {
    Map<String, int[]> acc = new LinkedHashMap<>();
    for (Rating r : ratings) {
      int[] a = acc.computeIfAbsent(r.studyInstanceUid(), k -> new int[] {0, -1, -1, 0, 0});
      a[0]++;
      a[1] = Math.max(a[1], r.reference());
      a[2] = Math.max(a[2], r.reader());
      a[3] += r.reference() == r.reader() ? 1 : 0;
      boolean high = r.readerCall() != null ? r.readerCall() : r.reader() >= firstPositive;
      a[4] |= high ? 1 : 0;
    }
    List<StudySummary> out = new ArrayList<>();
    acc.forEach(
        (uid, a) ->
            out.add(
                new StudySummary(uid, a[0], a[1], a[2], a[1] >= firstPositive, a[4] == 1, a[3])));
    return out;
  }

  /**
   * How many reference high-grade studies the reader called high, by the study's worst reference
   * grade: the mildest high grade (1c, cord abutted but not compressed) is where studies are
   * missed, and a sensitivity over all studies hides it.
   *
   * @return worst reference grade index (each at or above {@code firstPositive} that occurs, in
   *     order) to {found, studies}
   */
  public static Map<Integer, int[]> foundByWorstReference(
      List<StudySummary> studies, int firstPositive) {
    Map<Integer, int[]> out = new TreeMap<>();
    for (StudySummary s : studies) {
      if (s.worstReference() >= firstPositive) {
        int[] c = out.computeIfAbsent(s.worstReference(), k -> new int[2]);
        c[0] += s.readerHigh() ? 1 : 0;
        c[1]++;
      }
    }
    return out;
  }

  /** The study-level 2 x 2 table [[TP, FN], [FP, TN]] (labels "high", "low"). */
  public static ConfusionMatrix table(List<StudySummary> studies) {
    long[][] t = new long[2][2];
    for (StudySummary s : studies) {
      t[s.referenceHigh() ? 0 : 1][s.readerHigh() ? 0 : 1]++;
    }
    return ConfusionMatrix.of(List.of("high", "low"), t);
  }
}
