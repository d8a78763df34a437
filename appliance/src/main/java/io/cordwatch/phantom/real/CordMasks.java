package io.cordwatch.phantom.real;

import java.util.Arrays;

/** The cord on one axial slice, from whatever the source knows ({@link RealSource.Cord}). */
final class CordMasks {
  static final double GREY_MATTER_WIDEN_MM = 1.5;
  static final double TEMPLATE_RADIUS_MM = 8;

  private CordMasks() {}

  /** The cord of {@code image}; {@code mask} is the resliced mask slice (null when none). */
  static boolean[] cord(RealSource.Cord kind, AxialSlice image, AxialSlice mask) {
    int n = image.width() * image.height();
    boolean[] out = new boolean[n];
    switch (kind) {
      case SEGMENTATION -> {
        for (int k = 0; k < n; k++) {
          out[k] = mask.pixels()[k] > 0.5f;
        }
      }
      case GREY_MATTER -> {
        for (int k = 0; k < n; k++) {
          out[k] = mask.pixels()[k] > 0.5f;
        }
        out =
            CanalFinder.dilate(
                out,
                image.width(),
                image.height(),
                image.spacingX(),
                image.spacingY(),
                GREY_MATTER_WIDEN_MM);
      }
      case TEMPLATE_CENTRE -> out = fromCentre(image);
      case NONE -> {}
    }
    return out;
  }

  /**
   * The template's cord: dark pixels connected to the image centre, below halfway between the
   * centre's level and the bright CSF (95th percentile within {@value #TEMPLATE_RADIUS_MM} + 4 mm),
   * grown no further than {@value #TEMPLATE_RADIUS_MM} mm from the centre.
   */
  private static boolean[] fromCentre(AxialSlice s) {
    int w = s.width();
    int h = s.height();
    int c = w / 2 + w * (h / 2);
    double r = TEMPLATE_RADIUS_MM + 4;
    float[] ring = new float[w * h];
    int nr = 0;
    boolean[] near = new boolean[w * h];
    for (int k = 0; k < w * h; k++) {
      double dx = (k % w - w / 2) * s.spacingX();
      double dy = (k / w - h / 2) * s.spacingY();
      double d2 = dx * dx + dy * dy;
      if (d2 <= r * r) {
        ring[nr++] = s.pixels()[k];
      }
      near[k] = d2 <= TEMPLATE_RADIUS_MM * TEMPLATE_RADIUS_MM;
    }
    Arrays.sort(ring, 0, nr);
    double bright = ring[(int) (0.95 * nr)];
    double centre = s.pixels()[c];
    boolean[] out = new boolean[w * h];
    if (!(bright > 0) || centre >= 0.6 * bright) {
      return out;
    }
    double t = centre + 0.5 * (bright - centre);
    out[c] = true;
    FloodFill.grow(out, w, h, q -> near[q] && s.pixels()[q] < t);
    CanalFinder.fillHoles(out, w, h);
    return out;
  }
}
