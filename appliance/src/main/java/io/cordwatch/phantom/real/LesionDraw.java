package io.cordwatch.phantom.real;

import io.cordwatch.grade.bilsky.Grade;
import java.util.SplittableRandom;

/**
 * Draws the lesion of one copy of one real slice so that the grades of a lesion set come out
 * balanced.
 *
 * <p>Design. A severity drawn uniformly gives mostly 1b-2: grade 3 needs the CSF gone all round the
 * cord, which only a deep circumferential (or very wide) tumour does, so it came out a few times in
 * a thousand. Instead a target grade is drawn first, uniformly among 1a, 1b, 1c, 2 and 3 ({@link
 * RealSpine#UNTOUCHED} of copies are left untouched, grade 0), and the severity is then chosen
 * inside the interval of severities that give that grade on this slice with this tumour. The grade
 * rises with severity (RealSpineLesionTest checks it), so the interval's ends are found by
 * bisection on the grade actually measured; the severity is drawn uniformly inside it. If the drawn
 * tumour cannot reach the target (a narrow anterior arc never removes the CSF behind the cord), the
 * arc is widened, then made circumferential (the same when the target's interval is empty on that
 * arc, as 1b is when a tumour reaches the cord as soon as it deforms the sac); if no tumour reaches
 * the target, the nearest grade reached is kept. The label is always the grade measured on the
 * warped masks of the final insertion, never the target: the target only steers the draw.
 */
final class LesionDraw {
  /** Grades aimed at, each equally often among the copies that get a tumour. */
  static final Grade[] TARGETS = {Grade.G1A, Grade.G1B, Grade.G1C, Grade.G2, Grade.G3};

  /** Bisection steps per interval end (severity resolution 2^-10). */
  private static final int STEPS = 10;

  private LesionDraw() {}

  /** A lesion inserted and graded; {@code target} is the grade aimed at (G0 when untouched). */
  record Drawn(Lesion lesion, Grade target, LesionInserter.Result result) {}

  /** The lesion of one copy: random tumour, target grade, severity within the target's interval. */
  static Drawn draw(AxialSlice s, CanalFinder.Canal c, SplittableRandom r) {
    Lesion l = Lesion.random(r, 0);
    if (r.nextDouble() < RealSpine.UNTOUCHED) {
      Lesion none = l.withSeverity(0);
      return new Drawn(none, Grade.G0, LesionInserter.insert(s, c, none));
    }
    Grade target = TARGETS[r.nextInt(TARGETS.length)];
    double u = r.nextDouble();
    Lesion[] tries = {
      l,
      new Lesion(
          l.direction(), Math.max(l.halfWidth(), 0.75 * Math.PI), 0, l.style(), l.textureSeed()),
      new Lesion(1.5 * Math.PI, Math.PI, 0, l.style(), l.textureSeed())
    };
    Drawn closest = null;
    for (Lesion t : tries) {
      Grade top = grade(s, c, t, 1);
      if (top.ordinal() < target.ordinal()) {
        closest = closer(closest, t.withSeverity(1), top, target, s, c);
        continue;
      }
      double lo = first(s, c, t, target.ordinal());
      double hi = target == Grade.G3 ? 1 : first(s, c, t, target.ordinal() + 1);
      for (double severity : new double[] {lo + u * (hi - lo), lo}) {
        Lesion chosen = t.withSeverity(severity);
        LesionInserter.Result res = LesionInserter.insert(s, c, chosen);
        if (res.findings().grade() == target) {
          return new Drawn(chosen, target, res);
        }
        closest = closer(closest, chosen, res.findings().grade(), target, s, c);
      }
    }
    return closest;
  }

  /** Of the best so far and a new try, the one whose grade is nearer the target (first on ties). */
  private static Drawn closer(
      Drawn best, Lesion l, Grade g, Grade target, AxialSlice s, CanalFinder.Canal c) {
    if (best != null
        && Math.abs(best.result().findings().grade().ordinal() - target.ordinal())
            <= Math.abs(g.ordinal() - target.ordinal())) {
      return best;
    }
    return new Drawn(l, target, LesionInserter.insert(s, c, l));
  }

  /** The smallest severity (to 2^-STEPS) whose grade is at least {@code g}; grade(1) >= g. */
  private static double first(AxialSlice s, CanalFinder.Canal c, Lesion l, int g) {
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < STEPS; i++) {
      double mid = 0.5 * (lo + hi);
      if (grade(s, c, l, mid).ordinal() >= g) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  private static Grade grade(AxialSlice s, CanalFinder.Canal c, Lesion l, double severity) {
    return LesionInserter.insert(s, c, l.withSeverity(severity)).findings().grade();
  }
}
