package io.cordwatch.phantom.real;

import io.cordwatch.phantom.BilskyGrader;
import io.cordwatch.phantom.Tissue;
import java.util.SplittableRandom;

/**
 * Inserts a synthetic epidural tumour into a real axial slice and grades the result from its own
 * geometry.
 *
 * <p>Design. The canal is described in polar form around the cord's centroid: for every direction
 * (1 degree bins, circularly smoothed over 9 degrees) the radii where the cord, the thecal sac
 * (cord + CSF) and the canal (sac widened by the epidural margin) end along that ray. A tumour is
 * an intrusion from the canal wall inward whose depth is a smooth bump over an arc of directions
 * (cos² falloff; a circumferential tumour is 0.8-1 of the depth all round). The tissue that was in
 * the intruded depth is not erased but pushed inward, the way soft tissue gives way to a growing
 * mass: the epidural fat gives way first, then the CSF, then the cord (to at most {@value
 * #CORD_MIN} of its radius), each layer keeping {@value #LAYER_LEFT} of its thickness so the radial
 * map stays monotone. The map per ray is piecewise linear in the radius and continuous across
 * directions, so the warp is a homeomorphism of the canal onto the canal minus the tumour: masks
 * cannot tear, and the image and the masks move together (image bilinear, masks nearest, same map).
 * Outside the canal the slice is untouched except where the tumour extends into the bone it grew
 * from ({@value #BONE_MM} mm at the arc's centre), painted but never counted as epidural.
 *
 * <p>The grade comes from the warped masks by {@link BilskyGrader} with its own thresholds: the
 * reference is the unwarped slice (cord, CSF, epidural margin), the drawn map the warped one with
 * the tumour; so the label follows the pixels.
 */
public final class LesionInserter {
  static final double CORD_MIN = 0.25;
  static final double LAYER_LEFT = 0.05;
  static final double EPIDURAL_MM = CanalFinder.MARGIN_MM;
  static final double BONE_MM = 3;
  private static final int BINS = 360;
  private static final double STEP_MM = 0.1;

  private LesionInserter() {}

  /**
   * A slice with its lesion.
   *
   * @param pixels the new image
   * @param findings what the grader measured
   * @param cordArea warped cord area, mm²
   * @param sacArea warped sac area, mm²
   * @param tissues the warped tissue map ({@link Tissue} ordinals per pixel: cord, CSF, epidural
   *     margin, tumour, and muscle for everything else): what the grade was measured from
   */
  public record Result(
      float[] pixels,
      BilskyGrader.Findings findings,
      double cordArea,
      double sacArea,
      byte[] tissues) {}

  /** Inserts {@code lesion} into {@code s}, whose canal is {@code c}; square pixels required. */
  public static Result insert(AxialSlice s, CanalFinder.Canal c, Lesion lesion) {
    if (Math.abs(s.spacingX() - s.spacingY()) > 1e-6) {
      throw new IllegalArgumentException("lesions need square pixels");
    }
    int w = s.width();
    int h = s.height();
    double mm = s.spacingX();
    boolean[] canal = CanalFinder.dilate(c.sac(), w, h, mm, mm, EPIDURAL_MM);
    byte[] ref = tissues(c, canal);
    double ox = 0;
    double oy = 0;
    int n = 0;
    for (int k = 0; k < ref.length; k++) {
      if (c.cord()[k]) {
        ox += k % w;
        oy += k / w;
        n++;
      }
    }
    ox /= n;
    oy /= n;
    double[] rc = smooth(rays(c.cord(), w, h, ox, oy, mm));
    double[] rs = smooth(rays(c.sac(), w, h, ox, oy, mm));
    double[] rk = smooth(rays(canal, w, h, ox, oy, mm));
    // New layer radii per direction.
    double[] nc = new double[BINS];
    double[] ns = new double[BINS];
    double[] nt = new double[BINS];
    double[] bone = new double[BINS];
    for (int b = 0; b < BINS; b++) {
      rs[b] = Math.max(rs[b], rc[b]);
      rk[b] = Math.max(rk[b], rs[b]);
      double phi = 2 * Math.PI * b / BINS;
      double bump = bump(phi, lesion);
      double depth = lesion.severity() * bump * (rk[b] - CORD_MIN * rc[b]);
      double fat = rk[b] - rs[b];
      double csf = rs[b] - rc[b];
      double eFat = Math.min(depth, (1 - LAYER_LEFT) * fat);
      double eCsf = Math.min(depth - eFat, csf);
      double eCord = Math.min(depth - eFat - eCsf, (1 - CORD_MIN) * rc[b]);
      nc[b] = rc[b] - eCord;
      ns[b] = nc[b] + csf - eCsf;
      nt[b] = ns[b] + fat - eFat;
      bone[b] = depth > 0 ? BONE_MM * bump * Math.min(1, 4 * lesion.severity()) : 0;
    }
    Texture tex = new Texture(lesion, c, w, h, mm);
    float[] out = new float[w * h];
    byte[] drawn = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int k = x + w * y;
        double dx = (x - ox) * mm;
        double dy = (y - oy) * mm;
        double r = Math.hypot(dx, dy);
        double phi = Math.atan2(dy, dx);
        if (phi < 0) {
          phi += 2 * Math.PI;
        }
        double fb = phi / (2 * Math.PI) * BINS;
        int b0 = (int) Math.floor(fb) % BINS;
        int b1 = (b0 + 1) % BINS;
        double f = fb - Math.floor(fb);
        double cK = lerp(rk, b0, b1, f);
        double cT = lerp(nt, b0, b1, f);
        double extra = lerp(bone, b0, b1, f);
        if (r >= cK) {
          boolean tumour = extra > 0 && r < cK + extra && cT < cK;
          out[k] = tumour ? tex.at(x, y) : s.pixels()[k];
          drawn[k] = tumour ? (byte) Tissue.TUMOUR.ordinal() : ref[k];
          continue;
        }
        if (r >= cT) {
          out[k] = tex.at(x, y);
          drawn[k] = (byte) Tissue.TUMOUR.ordinal();
          continue;
        }
        double cC = lerp(rc, b0, b1, f);
        double cS = lerp(rs, b0, b1, f);
        double nC = lerp(nc, b0, b1, f);
        double nS = lerp(ns, b0, b1, f);
        double src;
        if (r < nC) {
          src = r * cC / nC;
        } else if (r < nS) {
          src = cC + (r - nC) * (cS - cC) / Math.max(1e-9, nS - nC);
        } else {
          src = cS + (r - nS) * (cK - cS) / Math.max(1e-9, cT - nS);
        }
        double scale = r > 0 ? src / r : 1;
        double sx = ox + dx * scale / mm;
        double sy = oy + dy * scale / mm;
        out[k] = s.bilinear(sx, sy);
        int nx = Math.clamp(Math.round(sx), 0, w - 1);
        int ny = Math.clamp(Math.round(sy), 0, h - 1);
        drawn[k] = ref[nx + w * ny];
        // Soften the tumour's inner edge over half a millimetre.
        double edge = (cT - r) / 0.5;
        if (lesion.severity() > 0 && edge < 1 && cT < cK) {
          double a = 0.5 * (1 - edge);
          out[k] = (float) ((1 - a) * out[k] + a * tex.at(x, y));
        }
      }
    }
    BilskyGrader.Findings g = BilskyGrader.grade(new BilskyGrader.Masks(w, h, drawn, ref), mm);
    return new Result(out, g, g.cordArea(), g.sacArea(), drawn);
  }

  /**
   * The tissue map of a slice without a lesion, as the grade's reference reads it: cord, CSF (the
   * rest of the sac), epidural fat (the sac widened by the epidural margin), muscle elsewhere.
   */
  public static byte[] tissues(AxialSlice s, CanalFinder.Canal c) {
    return tissues(
        c,
        CanalFinder.dilate(
            c.sac(), s.width(), s.height(), s.spacingX(), s.spacingY(), EPIDURAL_MM));
  }

  /** The same map with the canal (the sac widened by the epidural margin) already computed. */
  private static byte[] tissues(CanalFinder.Canal c, boolean[] canal) {
    byte[] ref = new byte[canal.length];
    for (int k = 0; k < ref.length; k++) {
      Tissue t =
          c.cord()[k]
              ? Tissue.CORD
              : c.sac()[k] ? Tissue.CSF : canal[k] ? Tissue.EPIDURAL_FAT : Tissue.MUSCLE;
      ref[k] = (byte) t.ordinal();
    }
    return ref;
  }

  /** The arc's weight at direction phi: cos² within the half-width, 0.75-1 all round if pi. */
  static double bump(double phi, Lesion l) {
    double d = Math.abs(Math.IEEEremainder(phi - l.direction(), 2 * Math.PI));
    if (l.halfWidth() >= Math.PI) {
      return 0.9 + 0.1 * Math.cos(d);
    }
    if (d >= l.halfWidth()) {
      return 0;
    }
    double c = Math.cos(0.5 * Math.PI * d / l.halfWidth());
    return c * c;
  }

  /** For each direction, the distance (mm) at which a ray from (ox, oy) first leaves the mask. */
  private static double[] rays(boolean[] mask, int w, int h, double ox, double oy, double mm) {
    double[] out = new double[BINS];
    for (int b = 0; b < BINS; b++) {
      double phi = 2 * Math.PI * b / BINS;
      double cx = Math.cos(phi);
      double cy = Math.sin(phi);
      double r = 0;
      while (r < 40) {
        int x = (int) Math.round(ox + cx * r / mm);
        int y = (int) Math.round(oy + cy * r / mm);
        if (x < 0 || y < 0 || x >= w || y >= h || !mask[x + w * y]) {
          break;
        }
        r += STEP_MM;
      }
      out[b] = Math.max(r, mm / 2);
    }
    return out;
  }

  private static double[] smooth(double[] v) {
    double[] out = new double[BINS];
    for (int b = 0; b < BINS; b++) {
      double sum = 0;
      for (int d = -4; d <= 4; d++) {
        sum += v[Math.floorMod(b + d, BINS)];
      }
      out[b] = sum / 9;
    }
    return out;
  }

  private static double lerp(double[] v, int b0, int b1, double f) {
    return v[b0] * (1 - f) + v[b1] * f;
  }

  /**
   * The tumour's signal: a level set by its style between the slice's own cord and CSF levels,
   * modulated by smooth value noise on a 2 mm lattice and by pixel noise, all from the lesion's
   * texture seed.
   */
  private static final class Texture {
    private final double level;
    private final double amplitude;
    private final double grain;
    private final float[] lattice;
    private final int lw;
    private final double cell;
    private final long seed;

    Texture(Lesion l, CanalFinder.Canal c, int w, int h, double mm) {
      double cord = c.cordLevel();
      double csf = Math.max(c.csfLevel(), cord);
      SplittableRandom r = new SplittableRandom(l.textureSeed());
      switch (l.style()) {
        case DARK -> {
          level = cord * (0.35 + 0.25 * r.nextDouble());
          amplitude = 0.12;
        }
        case INTERMEDIATE -> {
          level = cord * (0.85 + 0.3 * r.nextDouble());
          amplitude = 0.15;
        }
        default -> {
          level = cord + (csf - cord) * (0.3 + 0.3 * r.nextDouble());
          amplitude = 0.35;
        }
      }
      grain = 0.06;
      cell = 2 / mm;
      lw = (int) Math.ceil(w / cell) + 2;
      int lh = (int) Math.ceil(h / cell) + 2;
      lattice = new float[lw * lh];
      for (int k = 0; k < lattice.length; k++) {
        lattice[k] = (float) (2 * r.nextDouble() - 1);
      }
      seed = r.nextLong();
    }

    float at(int x, int y) {
      double gx = x / cell;
      double gy = y / cell;
      int x0 = (int) gx;
      int y0 = (int) gy;
      double fx = gx - x0;
      double fy = gy - y0;
      fx = fx * fx * (3 - 2 * fx);
      fy = fy * fy * (3 - 2 * fy);
      double v =
          (lattice[x0 + lw * y0] * (1 - fx) + lattice[x0 + 1 + lw * y0] * fx) * (1 - fy)
              + (lattice[x0 + lw * (y0 + 1)] * (1 - fx) + lattice[x0 + 1 + lw * (y0 + 1)] * fx)
                  * fy;
      // Per-pixel noise from a hash of the position: the same pixel always gets the same grain.
      double g = new SplittableRandom(seed ^ (x * 73856093L) ^ (y * 19349663L)).nextGaussian();
      return (float) Math.max(0, level * (1 + amplitude * v + grain * g));
    }
  }
}
