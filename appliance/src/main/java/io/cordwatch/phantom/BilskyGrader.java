package io.cordwatch.phantom;

import io.cordwatch.grade.bilsky.Grade;

/**
 * The Bilsky grade of a slice, read from its rendered masks alone.
 *
 * <p>The canal is sampled on a fine grid ({@value #STEP_MM} mm) twice: as drawn, and as the same
 * slice would be drawn without its epidural tumour (the reference: same level, same patient, same
 * bone disease). The Bilsky definitions then become mask measurements, applied from the most severe
 * down:
 *
 * <ol>
 *   <li>epidural tumour: tumour pixels where the reference has canal (epidural fat, dura, CSF,
 *       cord); none means grade 0, whatever the bone looks like;
 *   <li>cord compressed: cord area at most {@value #CORD_COMPRESSED} of the reference; then grade 3
 *       when no CSF is visible around the cord (less than {@value #CSF_VISIBLE_MM2} mm² of CSF
 *       within {@value #CSF_RING_MM} mm of it), else grade 2;
 *   <li>tumour abuts the cord: a tumour pixel within {@value #ABUT_MM} mm of a cord pixel, i.e.
 *       nothing but dura between them: grade 1c;
 *   <li>thecal sac deformed: at least {@value #SAC_DEFORMED_MM2} mm² of the reference sac (dura,
 *       CSF, cord) lost to tumour: grade 1b;
 *   <li>otherwise grade 1a (impingement on the epidural space only).
 * </ol>
 *
 * The thresholds sit below what one pixel of a clinical scan (0.5-0.9 mm) can show, so a grade is
 * never decided by something a radiologist could not see, and the planner keeps its severities away
 * from the boundaries.
 */
public final class BilskyGrader {
  static final double STEP_MM = 0.1;
  static final double CORD_COMPRESSED = 0.95;
  static final double CSF_RING_MM = 1.0;
  static final double CSF_VISIBLE_MM2 = 0.5;
  static final double ABUT_MM = 0.6;
  static final double SAC_DEFORMED_MM2 = 1.0;

  private BilskyGrader() {}

  /**
   * What the masks show, in mm², with the grade that follows.
   *
   * @param grade the Bilsky grade
   * @param epiduralTumour tumour area inside the reference canal
   * @param sacLost reference sac area lost
   * @param sacArea sac area as drawn
   * @param sacReference sac area without the epidural tumour
   * @param cordArea cord area as drawn
   * @param cordReference cord area without the epidural tumour
   * @param tumourToCord shortest tumour-cord distance, mm (infinite without epidural tumour)
   * @param csfAroundCord CSF area within the ring around the cord
   */
  public record Findings(
      Grade grade,
      double epiduralTumour,
      double sacLost,
      double sacArea,
      double sacReference,
      double cordArea,
      double cordReference,
      double tumourToCord,
      double csfAroundCord) {}

  /** The fine label grids of one slice: as drawn and without its epidural tumour. */
  public record Masks(int width, int height, byte[] drawn, byte[] reference) {}

  /**
   * Samples the canal of {@code slice} and of its lesion-free reference; a null {@code reference}
   * samples the drawn slice only (the reference grid is then empty).
   */
  public static Masks masks(SliceModel slice, SliceModel reference) {
    double[] c = slice.canalEllipse();
    double x0 = -c[0] - 0.5;
    double y0 = c[2] - c[1] - 0.5;
    int w = (int) Math.ceil((2 * c[0] + 1) / STEP_MM);
    int h = (int) Math.ceil((2 * c[1] + 1) / STEP_MM);
    byte[] drawn = new byte[w * h];
    byte[] ref = new byte[w * h];
    for (int j = 0; j < h; j++) {
      double y = y0 + (j + 0.5) * STEP_MM;
      for (int i = 0; i < w; i++) {
        double x = x0 + (i + 0.5) * STEP_MM;
        drawn[j * w + i] = (byte) (slice.classify(x, y) & 0xFF);
        if (reference != null) {
          ref[j * w + i] = (byte) (reference.classify(x, y) & 0xFF);
        }
      }
    }
    return new Masks(w, h, drawn, ref);
  }

  /** Grades {@code slice}. */
  public static Findings grade(SliceModel slice) {
    SliceModel reference = slice.disease().epidural() ? slice.withoutEpidural() : slice;
    return grade(masks(slice, reference));
  }

  /** Grades from masks sampled on the {@value #STEP_MM} mm grid. */
  public static Findings grade(Masks m) {
    return grade(m, STEP_MM);
  }

  /**
   * Grades from label maps ({@link Tissue} ordinals) sampled on a square grid of {@code pixelMm}
   * mm: the phantom's fine grid, or the pixels of a real slice with an inserted lesion.
   */
  public static Findings grade(Masks m, double pixelMm) {
    int n = m.drawn().length;
    double px = pixelMm * pixelMm;
    int tumour = 0;
    int sacLost = 0;
    int sac = 0;
    int sacRef = 0;
    int cord = 0;
    int cordRef = 0;
    boolean[] cordMask = new boolean[n];
    boolean[] tumourMask = new boolean[n];
    for (int k = 0; k < n; k++) {
      Tissue d = Tissue.of(m.drawn()[k]);
      Tissue r = Tissue.of(m.reference()[k]);
      if (d == Tissue.TUMOUR && r.inCanal()) {
        tumour++;
        tumourMask[k] = true;
      }
      if (r.inSac()) {
        sacRef++;
        if (!d.inSac()) {
          sacLost++;
        }
      }
      if (d.inSac()) {
        sac++;
      }
      if (d == Tissue.CORD) {
        cord++;
        cordMask[k] = true;
      }
      if (r == Tissue.CORD) {
        cordRef++;
      }
    }
    double toCord = Double.POSITIVE_INFINITY;
    double csf = 0;
    if (tumour > 0) {
      float[] dist = distance(cordMask, m.width(), m.height());
      for (int k = 0; k < n; k++) {
        if (tumourMask[k]) {
          toCord = Math.min(toCord, dist[k] * pixelMm);
        }
        if (Tissue.of(m.drawn()[k]) == Tissue.CSF && dist[k] * pixelMm <= CSF_RING_MM) {
          csf += px;
        }
      }
    }
    Grade g;
    if (tumour == 0) {
      g = Grade.G0;
    } else if (cord <= CORD_COMPRESSED * cordRef) {
      g = csf < CSF_VISIBLE_MM2 ? Grade.G3 : Grade.G2;
    } else if (toCord <= ABUT_MM) {
      g = Grade.G1C;
    } else if (sacLost * px >= SAC_DEFORMED_MM2) {
      g = Grade.G1B;
    } else {
      g = Grade.G1A;
    }
    return new Findings(
        g, tumour * px, sacLost * px, sac * px, sacRef * px, cord * px, cordRef * px, toCord, csf);
  }

  /**
   * How far the grade is from the nearest other grade: the smallest relative margin, |value -
   * threshold| / threshold, among the threshold tests that decided it (cord area ratio against
   * {@value #CORD_COMPRESSED}; then CSF around the cord against {@value #CSF_VISIBLE_MM2} mm² for 2
   * and 3; tumour-cord distance against {@value #ABUT_MM} mm; sac lost against {@value
   * #SAC_DEFORMED_MM2} mm²). 0 is on a boundary; NaN for grade 0 (no tumour, nothing measured).
   */
  public static double margin(Findings f) {
    if (f.grade() == Grade.G0 || !(f.cordReference() > 0)) {
      return Double.NaN;
    }
    double m = rel(f.cordArea() / f.cordReference(), CORD_COMPRESSED);
    if (f.grade() == Grade.G2 || f.grade() == Grade.G3) {
      return Math.min(m, rel(f.csfAroundCord(), CSF_VISIBLE_MM2));
    }
    m = Math.min(m, rel(f.tumourToCord(), ABUT_MM));
    if (f.grade() == Grade.G1C) {
      return m;
    }
    return Math.min(m, rel(f.sacLost(), SAC_DEFORMED_MM2));
  }

  private static double rel(double value, double threshold) {
    return Double.isInfinite(value)
        ? Double.POSITIVE_INFINITY
        : Math.abs(value - threshold) / threshold;
  }

  /**
   * Distance in pixels from each pixel to the nearest set pixel of {@code mask}: the two-pass
   * chamfer transform with weights 1 and sqrt(2), within 8% of Euclidean, enough for thresholds of
   * several pixels.
   */
  static float[] distance(boolean[] mask, int w, int h) {
    float inf = 1e9f;
    float diag = (float) Math.sqrt(2);
    float[] d = new float[w * h];
    for (int k = 0; k < d.length; k++) {
      d[k] = mask[k] ? 0 : inf;
    }
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < w; i++) {
        int k = j * w + i;
        float v = d[k];
        if (i > 0) {
          v = Math.min(v, d[k - 1] + 1);
        }
        if (j > 0) {
          v = Math.min(v, d[k - w] + 1);
          if (i > 0) {
            v = Math.min(v, d[k - w - 1] + diag);
          }
          if (i < w - 1) {
            v = Math.min(v, d[k - w + 1] + diag);
          }
        }
        d[k] = v;
      }
    }
    for (int j = h - 1; j >= 0; j--) {
      for (int i = w - 1; i >= 0; i--) {
        int k = j * w + i;
        float v = d[k];
        if (i < w - 1) {
          v = Math.min(v, d[k + 1] + 1);
        }
        if (j < h - 1) {
          v = Math.min(v, d[k + w] + 1);
          if (i < w - 1) {
            v = Math.min(v, d[k + w + 1] + diag);
          }
          if (i > 0) {
            v = Math.min(v, d[k + w - 1] + diag);
          }
        }
        d[k] = v;
      }
    }
    return d;
  }
}
