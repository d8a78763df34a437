package io.cordwatch.phantom;

/**
 * How far a slice lies from the nearest Bilsky grade boundary, in severity units.
 *
 * <p>Severity is {@link Lesion.SliceDisease#sigma()}, on which each grade's stage of the
 * compression mechanics ({@link SliceModel}) is one unit wide. The boundaries are not taken to be
 * the nominal integers: for the slice's own geometry, the severities at which {@link
 * BilskyGrader}'s measured grade changes are found by bisection (to 1/256 of a unit) around each
 * integer, and the distance is {@code |sigma - b|} to the nearer of the two boundaries enclosing
 * the measured grade. 0 means the slice sits on a boundary; 0.5 is the middle of a grade's band.
 * Slices without epidural tumour have no boundary to be near: {@link Double#NaN} (an empty
 * labels.csv value).
 */
public final class BoundaryDistance {
  private static final int STEPS = 8;

  private BoundaryDistance() {}

  /** The distance for {@code slice}, whose measured grade is {@code grade}. */
  public static double of(SliceModel slice, Grade grade) {
    if (!slice.disease().epidural()) {
      return Double.NaN;
    }
    double s = slice.disease().sigma();
    int k = grade.ordinal();
    double best = Double.POSITIVE_INFINITY;
    if (k >= 1) {
      best = Math.min(best, Math.abs(s - boundary(slice, k - 1)));
    }
    if (k <= 4) {
      best = Math.min(best, Math.abs(s - boundary(slice, k)));
    }
    return best;
  }

  /** The severity where the measured grade rises above ordinal {@code j} (nominally at j). */
  static double boundary(SliceModel slice, int j) {
    double lo = Math.max(0, j - 0.6);
    double hi = j + 0.6;
    if (ordinal(slice, lo) > j || ordinal(slice, hi) <= j) {
      return j;
    }
    for (int i = 0; i < STEPS; i++) {
      double mid = (lo + hi) / 2;
      if (ordinal(slice, mid) > j) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return (lo + hi) / 2;
  }

  private static int ordinal(SliceModel slice, double sigma) {
    return BilskyGrader.grade(slice.withSeverity(sigma)).grade().ordinal();
  }
}
