package io.cordwatch.phantom;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The randomized style's extra labels.csv columns and its localizer-like box jitter.
 *
 * <p>The {@code x0,y0,x1,y1} columns of a randomized run hold the canal box as a localizer would
 * give it: each edge moved by a rounded Gaussian of SD 1.5 pixels, and one box in six loose (each
 * edge pushed out by 2-8 pixels), clamped to the image. The exact box follows in {@code
 * exact_x0,exact_y0,exact_x1,exact_y1}, then the last column, {@code boundary_distance}: the
 * distance in severity units to the nearest measured grade boundary ({@link BoundaryDistance}; a
 * grade's band is 1 wide, 0 is on a boundary), empty for slices without epidural tumour.
 */
final class RandomizedLabels {
  /** The columns after {@code x0..y1} (and {@code frame}, when enhanced). */
  static final String EXTRA_HEADER = ",exact_x0,exact_y0,exact_x1,exact_y1,boundary_distance";

  private final StudyPlan plan;
  private final RandomGenerator jitter;

  RandomizedLabels(StudyPlan plan) {
    this.plan = plan;
    this.jitter = StudyPlan.random(plan.seed(), plan.index(), 3);
  }

  /** The jittered box, inclusive pixel indices inside the image. */
  int[] jitter(Acquisition.Image img) {
    boolean loose = jitter.nextDouble() < 1.0 / 6;
    int[] out = {img.x0(), img.y0(), img.x1(), img.y1()};
    for (int e = 0; e < 4; e++) {
      int d = (int) Math.round(jitter.nextGaussian() * 1.5);
      if (loose) {
        d += (e < 2 ? -1 : 1) * (2 + jitter.nextInt(7));
      }
      out[e] = Math.clamp(out[e] + d, 0, img.size() - 1);
    }
    if (out[2] < out[0]) {
      out[2] = out[0];
    }
    if (out[3] < out[1]) {
      out[3] = out[1];
    }
    return out;
  }

  /** The extra columns of slice {@code i}, each with its leading comma. */
  String columns(int i, PhantomWriter.Written w) {
    Acquisition.Image img = w.image();
    double d = BoundaryDistance.of(plan.model(i), w.findings().grade());
    return ","
        + img.x0()
        + ","
        + img.y0()
        + ","
        + img.x1()
        + ","
        + img.y1()
        + ","
        + (Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.4f", d));
  }
}
