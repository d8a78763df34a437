package io.cordwatch.phantom;

import java.util.random.RandomGenerator;

/**
 * Grade-0 mimics: things in the canal that are not epidural tumour but change its look. A model
 * that calls every dark thing in the epidural space tumour, or every deformed sac compression, is
 * wrong on real spines, where these are common:
 *
 * <ul>
 *   <li>disc-osteophyte bulge: dark disc tissue indenting the epidural fat and the sac anteriorly
 *       (only on slices through a disc);
 *   <li>ligamentum flavum thickening: dark tissue indenting the posterolateral canal;
 *   <li>epidural veins: dots in the epidural fat (dark flow voids or bright slow flow, per study);
 *   <li>nerve roots: small cord-like dots in the CSF.
 * </ul>
 *
 * Epidural lipomatosis is the anatomy variant's fat ({@link AnatomyVariant#fat()} above 1.4) and
 * CSF flow voids are an acquisition artefact. None of these is {@link Tissue#TUMOUR}, and all of
 * them are drawn in the grader's reference slice too, so the grader never counts them as epidural
 * disease: a slice without tumour is grade 0 whatever mimics it has.
 *
 * <p>Sizes are clamped so a mimic never reaches the resting cord (a bulge that compressed the cord
 * would be myelopathy, a different diagnosis the phantom does not model).
 */
public final class Mimics {
  private Mimics() {}

  /**
   * The mimics of one slice, in sizes relative to its canal.
   *
   * @param disc depth of a disc bulge into the canal as a fraction of the room in front of the cord
   *     (0 for none)
   * @param discWidth half-width of the bulge as a fraction of the canal half-width
   * @param discX lateral position of the bulge as a fraction of the canal half-width
   * @param flavum thickness of ligamentum flavum as a fraction of the room behind the cord (0 for
   *     none)
   * @param veins (angle radians, radius mm) per epidural vein
   * @param roots (angle radians, radius mm) per nerve root
   */
  public record Spec(
      double disc, double discWidth, double discX, double flavum, double[] veins, double[] roots) {
    /** No mimics. */
    public static final Spec NONE = new Spec(0, 0, 0, 0, new double[0], new double[0]);

    /** Whether any mimic is drawn. */
    public boolean any() {
      return disc > 0 || flavum > 0 || veins.length > 0 || roots.length > 0;
    }

    /** The mimics placed in a canal, or null when there are none. */
    Shapes place(
        double cw,
        double ca,
        double canalDy,
        double sw,
        double sa,
        double kw,
        double ka,
        double cordX,
        double cordY,
        Anatomy.Position position) {
      if (!any()) {
        return null;
      }
      double front = canalDy - ca;
      double back = canalDy + ca;
      double discDepth = position.inDisc() ? disc * Math.max(0, (cordY - ka - 0.8) - front) : 0;
      double flavumDepth = flavum * Math.max(0, back - (cordY + ka + 0.8));
      double[] v = new double[veins.length / 2 * 3];
      for (int i = 0; i < veins.length / 2; i++) {
        double a = veins[2 * i];
        v[3 * i] = (cw + sw) / 2 * Math.cos(a);
        v[3 * i + 1] = canalDy / 2 + (ca + sa) / 2 * Math.sin(a);
        v[3 * i + 2] = Math.min(veins[2 * i + 1], Math.max(0.3, (cw - sw) / 2));
      }
      double[] r = new double[roots.length / 2 * 3];
      for (int i = 0; i < roots.length / 2; i++) {
        double a = roots[2 * i];
        r[3 * i] = 0.78 * sw * Math.cos(a);
        r[3 * i + 1] = 0.78 * sa * Math.sin(a);
        r[3 * i + 2] = roots[2 * i + 1];
      }
      return new Shapes(
          discX * cw, front, discWidth * cw, discDepth, cw, back, flavumDepth, v, r, sw, sa);
    }
  }

  /** Mimics in millimetres in one slice's canal. */
  static final class Shapes {
    private final double discX;
    private final double discY;
    private final double discW;
    private final double discD;
    private final double cw;
    private final double back;
    private final double flavum;
    private final double[] veins;
    private final double[] roots;
    private final double sw;
    private final double sa;

    Shapes(
        double discX,
        double discY,
        double discW,
        double discD,
        double cw,
        double back,
        double flavum,
        double[] veins,
        double[] roots,
        double sw,
        double sa) {
      this.discX = discX;
      this.discY = discY;
      this.discW = discW;
      this.discD = discD;
      this.cw = cw;
      this.back = back;
      this.flavum = flavum;
      this.veins = veins;
      this.roots = roots;
      this.sw = sw;
      this.sa = sa;
    }

    /** The mimic at (x, y) in the canal, or null; {@code inSac} says whether it is in the sac. */
    Tissue at(double x, double y, boolean inSac) {
      if (discD > 0) {
        double dx = (x - discX) / discW;
        double dy = (y - discY) / discD;
        if (dx * dx + dy * dy <= 1) {
          return Tissue.DISC;
        }
      }
      if (flavum > 0) {
        for (int side = -1; side <= 1; side += 2) {
          double fx = (x - side * 0.5 * cw) / (0.4 * cw);
          double fy = (y - back) / flavum;
          if (fx * fx + fy * fy <= 1) {
            return Tissue.LIGAMENT;
          }
        }
      }
      if (!inSac) {
        for (int i = 0; i < veins.length; i += 3) {
          double dx = x - veins[i];
          double dy = y - veins[i + 1];
          if (dx * dx + dy * dy <= veins[i + 2] * veins[i + 2]) {
            return Tissue.VEIN;
          }
        }
      } else {
        double ix = x / (sw - 0.6);
        double iy = y / (sa - 0.6);
        if (ix * ix + iy * iy <= 1) {
          for (int i = 0; i < roots.length; i += 3) {
            double dx = x - roots[i];
            double dy = y - roots[i + 1];
            if (dx * dx + dy * dy <= roots[i + 2] * roots[i + 2]) {
              return Tissue.NERVE_ROOT;
            }
          }
        }
      }
      return null;
    }
  }

  /** Draws one slice's mimics; {@code degenerative} studies get disc bulges and thick flava. */
  static Spec draw(RandomGenerator rnd, boolean degenerative) {
    double disc = degenerative && rnd.nextDouble() < 0.7 ? 0.3 + 0.65 * rnd.nextDouble() : 0;
    double flavum = degenerative && rnd.nextDouble() < 0.5 ? 0.2 + 0.6 * rnd.nextDouble() : 0;
    int nv = rnd.nextDouble() < 0.5 ? 1 + rnd.nextInt(4) : 0;
    double[] veins = new double[2 * nv];
    for (int i = 0; i < nv; i++) {
      // Mostly anterior and anterolateral (the internal vertebral venous plexus).
      veins[2 * i] = -Math.PI / 2 + (rnd.nextDouble() - 0.5) * 2.2;
      veins[2 * i + 1] = 0.5 + 0.7 * rnd.nextDouble();
    }
    int nr = rnd.nextDouble() < 0.4 ? 1 + rnd.nextInt(2) : 0;
    double[] roots = new double[4 * nr];
    for (int i = 0; i < nr; i++) {
      double a = Math.toRadians(15 + 35 * rnd.nextDouble());
      double radius = 0.4 + 0.3 * rnd.nextDouble();
      roots[4 * i] = -a;
      roots[4 * i + 1] = radius;
      roots[4 * i + 2] = Math.PI + a;
      roots[4 * i + 3] = radius;
    }
    return new Spec(
        disc, 0.3 + 0.35 * rnd.nextDouble(), (rnd.nextDouble() - 0.5) * 0.6, flavum, veins, roots);
  }
}
