package io.cordwatch.stats;

import java.util.Arrays;
import java.util.List;

/**
 * A q x q table of counts: rows are the reference's categories, columns the reader's, both in the
 * same order. The categories are those the raters could choose, not only those they used: an unused
 * category still counts in q, which chance agreement (and so AC1) depends on.
 */
public final class ConfusionMatrix {
  private final List<String> labels;
  private final long[][] counts;
  private final long n;

  private ConfusionMatrix(List<String> labels, long[][] counts) {
    this.labels = List.copyOf(labels);
    this.counts = counts;
    long total = 0;
    for (long[] row : counts) {
      for (long c : row) {
        total += c;
      }
    }
    this.n = total;
  }

  /**
   * A matrix from counts[reference][reader].
   *
   * @throws IllegalArgumentException if the table is not square, does not match the labels, has
   *     fewer than 2 categories or a negative count
   */
  public static ConfusionMatrix of(List<String> labels, long[][] counts) {
    int q = labels.size();
    if (q < 2) {
      throw new IllegalArgumentException("agreement needs at least 2 categories, got " + q);
    }
    if (counts.length != q) {
      throw new IllegalArgumentException(
          "table has " + counts.length + " rows for " + q + " categories");
    }
    long[][] copy = new long[q][];
    for (int i = 0; i < q; i++) {
      if (counts[i].length != q) {
        throw new IllegalArgumentException(
            "table row "
                + (i + 1)
                + " has "
                + counts[i].length
                + " cells for "
                + q
                + " categories");
      }
      for (long c : counts[i]) {
        if (c < 0) {
          throw new IllegalArgumentException("negative count " + c + " in row " + (i + 1));
        }
      }
      copy[i] = counts[i].clone();
    }
    return new ConfusionMatrix(labels, copy);
  }

  /** An empty matrix over {@code labels}, for {@link #add}. */
  public static ConfusionMatrix empty(List<String> labels) {
    return of(labels, new long[labels.size()][labels.size()]);
  }

  /** This matrix with one more subject rated {@code reference} by the reference. */
  public ConfusionMatrix add(int reference, int reader) {
    long[][] next = counts();
    next[reference][reader]++;
    return new ConfusionMatrix(labels, next);
  }

  /**
   * The 2 x 2 matrix [[TP, FN], [FP, TN]] (labels "high", "low") that calls categories from index
   * {@code firstPositive} on positive: for Bilsky grades 0, 1a, 1b, 1c, 2, 3 that is 3 (1c).
   */
  public ConfusionMatrix dichotomize(int firstPositive) {
    if (firstPositive < 1 || firstPositive >= q()) {
      throw new IllegalArgumentException(
          "the positive categories must start inside the table, got index " + firstPositive);
    }
    long[][] two = new long[2][2];
    for (int i = 0; i < q(); i++) {
      for (int j = 0; j < q(); j++) {
        two[i >= firstPositive ? 0 : 1][j >= firstPositive ? 0 : 1] += counts[i][j];
      }
    }
    return new ConfusionMatrix(List.of("high", "low"), two);
  }

  /** The category names, in row and column order. */
  public List<String> labels() {
    return labels;
  }

  /** The number of categories. */
  public int q() {
    return labels.size();
  }

  /** The number of rated subjects. */
  public long n() {
    return n;
  }

  /** Subjects the reference put in {@code reference} and the reader in {@code reader}. */
  public long count(int reference, int reader) {
    return counts[reference][reader];
  }

  /** A copy of the counts, [reference][reader]. */
  public long[][] counts() {
    long[][] copy = new long[counts.length][];
    for (int i = 0; i < counts.length; i++) {
      copy[i] = counts[i].clone();
    }
    return copy;
  }

  /** Subjects on the diagonal. */
  public long agreements() {
    long a = 0;
    for (int i = 0; i < q(); i++) {
      a += counts[i][i];
    }
    return a;
  }

  /** Row total: subjects the reference put in category {@code i}. */
  public long referenceTotal(int i) {
    return Arrays.stream(counts[i]).sum();
  }

  /** Column total: subjects the reader put in category {@code j}. */
  public long readerTotal(int j) {
    long s = 0;
    for (long[] row : counts) {
      s += row[j];
    }
    return s;
  }

  void requireSubjects(String what) {
    if (n == 0) {
      throw new IllegalArgumentException(what + " of an empty table (n = 0) is undefined");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfusionMatrix m
        && labels.equals(m.labels)
        && Arrays.deepEquals(counts, m.counts);
  }

  @Override
  public int hashCode() {
    return labels.hashCode() * 31 + Arrays.deepHashCode(counts);
  }

  @Override
  public String toString() {
    return "ConfusionMatrix" + labels + Arrays.deepToString(counts);
  }
}
