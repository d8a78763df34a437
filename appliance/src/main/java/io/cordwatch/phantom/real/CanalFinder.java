package io.cordwatch.phantom.real;

import java.util.Arrays;

/**
 * Finds the thecal sac on a real axial T2 slice from where the cord is, and the canal box around
 * it. On T2 (and T2*) CSF is the brightest thing near the cord, so the sac is the cord plus the
 * bright ring around it:
 *
 * <ol>
 *   <li>T = halfway between the cord's median intensity and the 95th percentile within {@value
 *       #RADIUS_MM} mm of the cord centroid (the CSF);
 *   <li>the sac grows (4-connected) from the cord through pixels at or above T, never further than
 *       {@value #RADIUS_MM} mm from the centroid (so bright fat or vessels beyond the canal cannot
 *       leak in), and its holes are filled;
 *   <li>the canal box is the sac's bounding box widened by {@value #MARGIN_MM} mm on each side
 *       (dura and the epidural space the annotators include), in inclusive pixel indices.
 * </ol>
 *
 * A slice without cord, or whose sac is implausible (cord not surrounded: sac less than 1.2 times
 * the cord, or larger than {@value #MAX_SAC_MM2} mm²), gets no sac: better no label than a wrong
 * one.
 */
public final class CanalFinder {
  static final double RADIUS_MM = 12;
  static final double MARGIN_MM = 1.5;
  static final double MAX_SAC_MM2 = 500;

  private CanalFinder() {}

  /**
   * The sac and box found on one slice.
   *
   * @param cord cord mask (as given)
   * @param sac sac mask: cord and CSF
   * @param box inclusive pixel box {x0, y0, x1, y1}
   * @param cordLevel median cord intensity
   * @param csfLevel median intensity of the CSF (sac minus cord)
   */
  public record Canal(
      boolean[] cord, boolean[] sac, int[] box, double cordLevel, double csfLevel) {}

  /** The canal of {@code s} given its cord mask; null when it cannot be found by the rule. */
  public static Canal find(AxialSlice s, boolean[] cord) {
    int w = s.width();
    int h = s.height();
    double px = s.spacingX() * s.spacingY();
    double cx = 0;
    double cy = 0;
    int n = 0;
    for (int k = 0; k < cord.length; k++) {
      if (cord[k]) {
        cx += k % w;
        cy += k / w;
        n++;
      }
    }
    if (n * px < 5) {
      return null;
    }
    cx /= n;
    cy /= n;
    float[] cordValues = new float[n];
    int m = 0;
    float[] disk = new float[w * h];
    int nd = 0;
    boolean[] inDisk = new boolean[w * h];
    for (int k = 0; k < cord.length; k++) {
      if (cord[k]) {
        cordValues[m++] = s.pixels()[k];
      }
      double dx = (k % w - cx) * s.spacingX();
      double dy = (k / w - cy) * s.spacingY();
      if (dx * dx + dy * dy <= RADIUS_MM * RADIUS_MM) {
        inDisk[k] = true;
        disk[nd++] = s.pixels()[k];
      }
    }
    double cordLevel = quantile(cordValues, n, 0.5);
    double bright = quantile(disk, nd, 0.95);
    double t = cordLevel + 0.5 * (bright - cordLevel);
    boolean[] sac = cord.clone();
    FloodFill.grow(sac, w, h, q -> inDisk[q] && s.pixels()[q] >= t);
    fillHoles(sac, w, h);
    int area = 0;
    float[] csf = new float[w * h];
    int nc = 0;
    int[] box = {w, h, -1, -1};
    for (int k = 0; k < sac.length; k++) {
      if (sac[k]) {
        area++;
        box[0] = Math.min(box[0], k % w);
        box[1] = Math.min(box[1], k / w);
        box[2] = Math.max(box[2], k % w);
        box[3] = Math.max(box[3], k / w);
        if (!cord[k]) {
          csf[nc++] = s.pixels()[k];
        }
      }
    }
    if (area < 1.2 * n || area * px > MAX_SAC_MM2) {
      return null;
    }
    return new Canal(cord, sac, widened(box, s, MARGIN_MM), cordLevel, quantile(csf, nc, 0.5));
  }

  /**
   * A bounding box {x0, y0, x1, y1} (inclusive pixels) widened by {@code mm} on each side, rounded
   * to whole pixels per axis and kept inside the slice.
   */
  static int[] widened(int[] box, AxialSlice s, double mm) {
    int mx = (int) Math.round(mm / s.spacingX());
    int my = (int) Math.round(mm / s.spacingY());
    return new int[] {
      Math.max(0, box[0] - mx),
      Math.max(0, box[1] - my),
      Math.min(s.width() - 1, box[2] + mx),
      Math.min(s.height() - 1, box[3] + my)
    };
  }

  /** Sets every pixel not reachable from the border through unset pixels. */
  static void fillHoles(boolean[] mask, int w, int h) {
    boolean[] outside = new boolean[mask.length];
    for (int k = 0; k < mask.length; k++) {
      int x = k % w;
      int y = k / w;
      outside[k] = (x == 0 || y == 0 || x == w - 1 || y == h - 1) && !mask[k];
    }
    FloodFill.grow(outside, w, h, q -> !mask[q]);
    for (int k = 0; k < mask.length; k++) {
      mask[k] |= !outside[k];
    }
  }

  /** Pixels within {@code mm} of {@code mask} (Euclidean on the pixel grid). */
  static boolean[] dilate(boolean[] mask, int w, int h, double sx, double sy, double mm) {
    boolean[] out = mask.clone();
    int rx = (int) Math.ceil(mm / sx);
    int ry = (int) Math.ceil(mm / sy);
    for (int k = 0; k < mask.length; k++) {
      if (!mask[k]) {
        continue;
      }
      int x = k % w;
      int y = k / w;
      for (int dy = -ry; dy <= ry; dy++) {
        for (int dx = -rx; dx <= rx; dx++) {
          int xx = x + dx;
          int yy = y + dy;
          double d2 = dx * sx * dx * sx + dy * sy * dy * sy;
          if (xx >= 0 && yy >= 0 && xx < w && yy < h && d2 <= mm * mm) {
            out[xx + w * yy] = true;
          }
        }
      }
    }
    return out;
  }

  private static double quantile(float[] v, int n, double q) {
    if (n == 0) {
      return 0;
    }
    float[] c = Arrays.copyOf(v, n);
    Arrays.sort(c);
    return c[Math.min(n - 1, (int) Math.floor(q * n))];
  }
}
