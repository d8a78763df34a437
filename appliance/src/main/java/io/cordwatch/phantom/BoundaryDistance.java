package io.cordwatch.phantom;

import io.cordwatch.grade.bilsky.Grade;

/**
 * How far a slice lies from the nearest Bilsky grade boundary, in severity units.
 *
 * <p>Severity is {@link Lesion.SliceDisease#sigma()}, on which each grade's stage of the
 * compression mechanics ({@link SliceModel}) is nominally one unit wide. The boundaries are not
 * taken to be the nominal integers, because a patient's anatomy (cord off-centre, thick fat, a
 * blunt tumour front) moves them: for the slice's own geometry, the severities at which {@link
 * BilskyGrader}'s measured grade changes are searched for (galloping away from the slice's severity
 * until the grade changes, then bisecting to 1/64 of the last step), and the distance is {@code
 * |sigma - b|} to the nearer of the two boundaries enclosing the measured grade. 0 means the slice
 * sits on a boundary; about 0.5 is the middle of a band (more where a measured band is wider than
 * one unit). Grade 3 has only its lower boundary. Slices without epidural tumour have no boundary
 * to be near: {@link Double#NaN} (an empty labels.csv value).
 *
 * <p>The value is good to about 0.02: the grader samples the canal on a 0.1 mm grid, so near a
 * boundary the measured grade can flicker between neighbouring severities.
 *
 * <p>The lesion-free reference is sampled once and reused for every trial severity: only the drawn
 * canal changes with sigma.
 */
public final class BoundaryDistance {
  private static final double MAX_SIGMA = 5;
  private static final int BISECTIONS = 6;

  private BoundaryDistance() {}

  /** The distance for {@code slice}, whose measured grade is {@code grade}. */
  public static double of(SliceModel slice, Grade grade) {
    if (!slice.disease().epidural()) {
      return Double.NaN;
    }
    Probe probe = new Probe(slice);
    double s = slice.disease().sigma();
    int k = grade.ordinal();
    double best = Double.POSITIVE_INFINITY;
    if (k >= 1) {
      best = Math.min(best, s - probe.edge(s, k, -1));
    }
    if (k <= 4) {
      best = Math.min(best, probe.edge(s, k, +1) - s);
    }
    return Math.max(0, best);
  }

  /** Grades trial severities of one slice against its reference, sampled once. */
  private static final class Probe {
    private final SliceModel slice;
    private final BilskyGrader.Masks reference;

    Probe(SliceModel slice) {
      this.slice = slice;
      this.reference = BilskyGrader.masks(slice.withoutEpidural(), slice.withoutEpidural());
    }

    int ordinal(double sigma) {
      BilskyGrader.Masks drawn = BilskyGrader.masks(slice.withSeverity(sigma), null);
      return BilskyGrader.grade(
              new BilskyGrader.Masks(
                  drawn.width(), drawn.height(), drawn.drawn(), reference.drawn()))
          .grade()
          .ordinal();
    }

    /**
     * The severity, from {@code s} in direction {@code dir}, where the grade stops being {@code k};
     * the end of the severity scale when it never does.
     */
    double edge(double s, int k, int dir) {
      double inside = s;
      double step = 0.125;
      double outside;
      while (true) {
        double t = s + dir * step;
        if (t <= 0 || t >= MAX_SIGMA) {
          t = Math.clamp(t, 0, MAX_SIGMA);
          if (ordinal(t) == k) {
            return t;
          }
          outside = t;
          break;
        }
        if (ordinal(t) != k) {
          outside = t;
          break;
        }
        inside = t;
        step *= 2;
      }
      for (int i = 0; i < BISECTIONS; i++) {
        double mid = (inside + outside) / 2;
        if (ordinal(mid) == k) {
          inside = mid;
        } else {
          outside = mid;
        }
      }
      return (inside + outside) / 2;
    }
  }
}
