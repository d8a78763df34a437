package io.cordwatch.phantom;

import io.cordwatch.phantom.Lesion.Direction;
import io.cordwatch.phantom.Lesion.SliceDisease;
import java.util.random.RandomGenerator;

/**
 * The geometry of one axial slice: which tissue is at each point, in millimetres.
 *
 * <p>Coordinates are the patient's, centred on the thecal sac: x grows to the patient's left and y
 * posteriorly (DICOM LPS seen from the feet, as an axial image is displayed). Everything is a
 * closed-form shape (ellipses and capsules, i.e. segments with a radius), so a point can be
 * classified at any resolution: the grader samples the canal on a 0.1 mm grid, the renderer samples
 * each output pixel and supersamples its edges. Pixels and labels therefore come from the same
 * geometry and can never disagree.
 *
 * <p>The epidural tumour is a front that advances into the canal along a push direction u, with a
 * rounded (parabolic) leading edge of radius {@code bulge}. Two fronts are tracked: one that fills
 * epidural fat around the sac without entering it, and one that enters the sac. The severity sigma
 * moves them through fixed stages so the compression mechanics are explicit:
 *
 * <ul>
 *   <li>0-1: the epidural front fills fat, the sac is untouched;
 *   <li>1-2: the sac front indents the sac (its dura follows the tumour) up to the dura over the
 *       cord;
 *   <li>2-3: the tumour abuts the cord and pushes it, unchanged in shape, into the far CSF;
 *   <li>3-4: the cord is flattened along u and widened across it, the far CSF narrows, and CSF
 *       survives only as a rim (6 mm down to 1.2 mm) around the cord; tumour fills the rest of the
 *       collapsing sac;
 *   <li>4-5: the rim is gone, the dura lies on the cord and tumour fills the epidural space: no CSF
 *       (and no bright fat that could pass for it) anywhere around the cord.
 * </ul>
 *
 * For the randomized style the patient's canal comes from an {@link AnatomyVariant} (canal and cord
 * size, canal shape, dura, fat, and a cord that rests off-centre: the fronts above are then
 * measured from the cord's rest position along u) and grade-0 {@link Mimics} are drawn after tumour
 * and cord, so tumour always wins over a mimic. The default variant without mimics draws exactly
 * the average geometry, bit for bit.
 *
 * <p>A circumferential lesion also fills the whole epidural ring. Marrow replacement is drawn in
 * the vertebral body, pedicle or laminae according to where the lesion grows from.
 */
public final class SliceModel implements Acquisition.Classifier {
  /** Set on {@link #classify} codes for points inside the bony spinal canal. */
  public static final int CANAL = 0x100;

  /** Dura thickness, mm: the dark line between CSF and epidural fat or tumour. */
  static final double DURA = 0.25;

  /**
   * The patient's build, fixed for a study.
   *
   * @param halfWidth half the width of the chest, mm
   * @param halfDepth half its front-to-back depth, mm
   * @param fat subcutaneous fat thickness, mm
   * @param back distance from the sac centre to the skin of the back, mm
   * @param spinous length of the spinous processes, mm
   */
  public record Habitus(
      double halfWidth, double halfDepth, double fat, double back, double spinous) {

    /** An adult build drawn uniformly within the ranges every phantom style uses. */
    static Habitus draw(RandomGenerator rnd) {
      return new Habitus(
          135 + 35 * rnd.nextDouble(),
          95 + 25 * rnd.nextDouble(),
          6 + 18 * rnd.nextDouble(),
          52 + 14 * rnd.nextDouble(),
          22 + 10 * rnd.nextDouble());
    }
  }

  private final double along;
  private final Habitus habitus;
  private final AnatomyVariant variant;
  private final Mimics.Spec mimicSpec;
  private final Mimics.Shapes mimics;
  private final double dura;
  private final double cordX;
  private final double cordY;
  private final Anatomy.Position position;
  private final SliceDisease disease;

  // canal (ellipse centred at (0, canalDy)), sac (centred at 0), cord (reference, centred at 0)
  private final double cw;
  private final double ca;
  private final double canalDy;
  private final double sw;
  private final double sa;
  private final double kw;
  private final double ka;
  private final double swIn;
  private final double saIn;

  // vertebral body
  private final double bw;
  private final double ba;
  private final double bodyCy;

  // chest
  private final double chestCy;
  private final double chestW;
  private final double chestH;
  private final double fatW;
  private final double fatH;
  private final double wallW;
  private final double wallH;

  private final double[][] bones;
  private final double[][] tumourBones;
  private final double[][] joints;
  private final double[][] foramina;

  // epidural tumour
  private final boolean epidural;
  private final boolean ring;
  private final double ux;
  private final double uy;
  private final double rho;
  private final double frontEpidural;
  private final double frontSac;
  private final double cordS;
  private final double rs;
  private final double rw;
  private final double rim;

  // marrow replacement blob in the body
  private final double blobX;
  private final double blobY;
  private final double blobW;
  private final double blobA;

  /** The geometry at {@code along} mm down the spine for a patient and the disease on the slice. */
  public SliceModel(double along, Habitus habitus, SliceDisease disease) {
    this(along, habitus, AnatomyVariant.DEFAULT, Mimics.Spec.NONE, disease);
  }

  /**
   * The geometry at {@code along} mm down the spine for a patient whose canal differs from the
   * average by {@code variant}, with grade-0 mimics and the disease on the slice. The default
   * variant without mimics draws exactly what the three-argument constructor draws.
   */
  public SliceModel(
      double along,
      Habitus habitus,
      AnatomyVariant variant,
      Mimics.Spec mimics,
      SliceDisease disease) {
    this.along = along;
    this.habitus = habitus;
    this.variant = variant;
    this.mimicSpec = mimics;
    this.position = Anatomy.position(along);
    this.disease = disease;
    this.dura = variant.dura();
    this.cordX = variant.cordX();
    this.cordY = variant.cordY();
    Anatomy.Dimensions d = Anatomy.dimensions(along);
    cw = variant.canalHalfWidth(d.canalWidth());
    ca = variant.canalHalfAp(d.canalAp());
    canalDy = 0.4;
    sw = cw - AnatomyVariant.FAT_WIDTH * variant.fat();
    sa = ca - AnatomyVariant.FAT_AP * variant.fat();
    swIn = sw - dura;
    saIn = sa - dura;
    kw = d.cordWidth() / 2 * (variant.cordScale() * variant.levelCordWidth());
    ka = d.cordAp() / 2 * (variant.cordScale() * variant.levelCordAp());
    this.mimics = mimics.place(cw, ca, canalDy, sw, sa, kw, ka, cordX, cordY, position);
    bw = d.bodyWidth() / 2;
    ba = d.bodyAp() / 2;
    bodyCy = canalDy - ca - ba;

    chestH = habitus.halfDepth();
    chestW = habitus.halfWidth();
    chestCy = habitus.back() - chestH;
    fatW = chestW - habitus.fat();
    fatH = chestH - habitus.fat();
    wallW = fatW - 10;
    wallH = fatH - 10;

    bones = arch(habitus.spinous());
    joints =
        new double[][] {
          {bw + 1.3, bodyCy + 0.3 * ba, bw + 1.3, bodyCy + 0.3 * ba, 2.0},
          {-bw - 1.3, bodyCy + 0.3 * ba, -bw - 1.3, bodyCy + 0.3 * ba, 2.0}
        };
    foramina =
        position.withPedicles()
            ? new double[0][]
            : new double[][] {
              {cw - 1, canalDy, cw + 4, canalDy + 1, 2.0},
              {-cw + 1, canalDy, -cw - 4, canalDy + 1, 2.0}
            };

    // Which arch segments the tumour replaces: a pedicle for anterolateral disease, the laminae for
    // posterior disease, both pedicles for circumferential disease.
    boolean boneActive = disease.bone() > 0 && !position.inDisc();
    double[][] tb = new double[0][];
    if (boneActive && disease.bone() > 0.35) {
      tb =
          switch (disease.direction()) {
            case ANTEROLATERAL_LEFT -> new double[][] {bones[0]};
            case ANTEROLATERAL_RIGHT -> new double[][] {bones[1]};
            case POSTERIOR -> new double[][] {bones[2], bones[3], bones[4]};
            case CIRCUMFERENTIAL -> new double[][] {bones[0], bones[1]};
            case ANTERIOR -> new double[0][];
          };
      if (!position.withPedicles() && disease.direction() != Direction.POSTERIOR) {
        tb = new double[0][];
      }
    }
    tumourBones = tb;
    if (boneActive && disease.direction() != Direction.POSTERIOR) {
      double ext = 0.45 + 0.55 * disease.bone();
      double side =
          switch (disease.direction()) {
            case ANTEROLATERAL_LEFT -> 1;
            case ANTEROLATERAL_RIGHT -> -1;
            default -> 0;
          };
      blobW = (side == 0 ? 0.8 : 0.55) * bw * ext;
      blobA = 0.7 * ba * ext;
      blobX = side * 0.4 * bw;
      // Reaching the posterior wall is what lets the tumour break into the canal.
      blobY = bodyCy + ba - blobA * (disease.epidural() ? 0.75 : 1.1);
    } else {
      blobW = 0;
      blobA = 0;
      blobX = 0;
      blobY = 0;
    }

    epidural = disease.epidural();
    // Once CSF is effaced the whole epidural space is tumour: bright epidural fat pressed against
    // the cord would otherwise read as a CSF rim.
    ring =
        epidural
            && (disease.direction() == Direction.CIRCUMFERENTIAL && disease.sigma() >= 0.2
                || disease.sigma() >= 4);
    double dx;
    double dy;
    switch (disease.direction()) {
      case ANTEROLATERAL_LEFT -> {
        dx = -Math.sqrt(0.5);
        dy = Math.sqrt(0.5);
      }
      case ANTEROLATERAL_RIGHT -> {
        dx = Math.sqrt(0.5);
        dy = Math.sqrt(0.5);
      }
      case POSTERIOR -> {
        dx = 0;
        dy = -1;
      }
      default -> {
        dx = 0;
        dy = 1;
      }
    }
    ux = dx;
    uy = dy;
    rho = disease.bulge();

    double canalNear = canalDy * uy - Math.sqrt(cw * cw * ux * ux + ca * ca * uy * uy);
    double sacHalf = Math.sqrt(sw * sw * ux * ux + sa * sa * uy * uy);
    double hc = Math.sqrt(kw * kw * ux * ux + ka * ka * uy * uy);
    // The cord's rest position along u: the fronts are measured from it.
    double ou = cordX * ux + cordY * uy;
    double farGap = sacHalf - dura - hc - ou;
    double s = disease.sigma();
    double fe;
    double fs;
    double cs = 0;
    double scaleS = 1;
    double scaleW = 1;
    double rimMm = Double.POSITIVE_INFINITY;
    if (s < 1) {
      fe = canalNear + s * (-sacHalf + 4 - canalNear);
      fs = Double.NEGATIVE_INFINITY;
    } else {
      fe = -sacHalf + 4 + (s - 1) * 1.5;
      if (s < 2) {
        fs = -sacHalf + (s - 1) * (ou - hc - dura + sacHalf);
      } else if (s < 3) {
        cs = (s - 2) * 0.5 * farGap;
        fs = ou + cs - hc - dura;
      } else {
        double t;
        double gap;
        if (s < 4) {
          t = s - 3;
          scaleS = 1 - 0.45 * t;
          scaleW = 1 + 0.15 * t;
          gap = 0.5 * farGap * (1 - t);
          rimMm = 6 - 4.8 * t;
        } else {
          t = Math.min(s, 5) - 4;
          scaleS = 0.55 - 0.12 * t;
          scaleW = 1.15 + 0.1 * t;
          gap = 0;
          rimMm = 0;
        }
        double thick = 2 * hc * scaleS;
        double near = sacHalf - dura - gap - thick;
        cs = near + thick / 2 - ou;
        fs = near - dura;
      }
    }
    frontEpidural = fe;
    frontSac = fs;
    cordS = cs;
    rs = scaleS;
    rw = scaleW;
    rim = rimMm;
  }

  /** Millimetres down the spine from the top of T1. */
  public double along() {
    return along;
  }

  /** The patient's build. */
  public Habitus habitus() {
    return habitus;
  }

  /** Where along the spine this slice lies. */
  public Anatomy.Position position() {
    return position;
  }

  /** The disease drawn on this slice. */
  public SliceDisease disease() {
    return disease;
  }

  /** How this patient's canal differs from the average. */
  public AnatomyVariant variant() {
    return variant;
  }

  /** The grade-0 mimics on this slice. */
  public Mimics.Spec mimics() {
    return mimicSpec;
  }

  /** The same slice without its epidural tumour: the reference the grader compares to. */
  public SliceModel withoutEpidural() {
    return new SliceModel(along, habitus, variant, mimicSpec, disease.withoutEpidural());
  }

  /** The same slice with epidural severity {@code sigma} instead of its own. */
  SliceModel withSeverity(double sigma) {
    SliceDisease d = disease;
    return new SliceModel(
        along,
        habitus,
        variant,
        mimicSpec,
        new SliceDisease(sigma, d.direction(), d.bulge(), d.bone()));
  }

  /** Half-width and half-depth of the bony canal and its centre's y, mm (for crops and tests). */
  public double[] canalEllipse() {
    return new double[] {cw, ca, canalDy};
  }

  /** The tissue at (x, y) mm as its ordinal, with {@link #CANAL} set inside the bony canal. */
  @Override
  public int classify(double x, double y) {
    return classifyTissue(x, y);
  }

  private int classifyTissue(double x, double y) {
    double ey = (y - chestCy) / chestH;
    double ex = x / chestW;
    if (ex * ex + ey * ey > 1) {
      return Tissue.AIR.ordinal();
    }
    double cx = x / cw;
    double cyy = (y - canalDy) / ca;
    if (cx * cx + cyy * cyy <= 1) {
      return canal(x, y).ordinal() | CANAL;
    }
    double bx = x / bw;
    double by = (y - bodyCy) / ba;
    double body = bx * bx + by * by;
    if (body <= 1) {
      if (position.inDisc()) {
        double nx = x / (bw * 0.55);
        double ny = (y - bodyCy + 0.1 * ba) / (ba * 0.55);
        return (nx * nx + ny * ny <= 1 ? Tissue.NUCLEUS : Tissue.DISC).ordinal();
      }
      if (blobW > 0) {
        double tx = (x - blobX) / blobW;
        double ty = (y - blobY) / blobA;
        if (tx * tx + ty * ty <= 1) {
          return Tissue.TUMOUR.ordinal();
        }
      }
      double ix = x / (bw - 1.1);
      double iy = (y - bodyCy) / (ba - 1.1);
      return (ix * ix + iy * iy <= 1 ? Tissue.MARROW : Tissue.CORTEX).ordinal();
    }
    for (double[] f : foramina) {
      if (capsule(f, x, y) <= 0) {
        return Tissue.EPIDURAL_FAT.ordinal();
      }
    }
    for (double[] j : joints) {
      if (capsule(j, x, y) <= 0) {
        return Tissue.JOINT.ordinal();
      }
    }
    for (double[] t : tumourBones) {
      if (capsule(t, x, y) <= 0) {
        return Tissue.TUMOUR.ordinal();
      }
    }
    for (double[] b : bones) {
      double c = capsule(b, x, y);
      if (c <= 0) {
        return (c <= -1.1 ? Tissue.MARROW : Tissue.CORTEX).ordinal();
      }
    }
    double mx = (Math.abs(x) - cw - 13) / 16.5;
    double my = (y - canalDy - ca - 17) / 19;
    if (mx * mx + my * my <= 1 && y > bodyCy) {
      return Tissue.MUSCLE.ordinal();
    }
    double fx = x / fatW;
    double fy = (y - chestCy) / fatH;
    if (fx * fx + fy * fy > 1) {
      return Tissue.SUBCUTANEOUS_FAT.ordinal();
    }
    double wx = x / wallW;
    double wy = (y - chestCy) / wallH;
    if (wx * wx + wy * wy > 1 || y > canalDy + ca + 4) {
      return Tissue.MUSCLE.ordinal();
    }
    return cavity(x, y);
  }

  /**
   * Inside the chest wall, in front of and beside the spine: the descending aorta at the left
   * anterolateral body, the oesophagus in front of it, the heart (T5-T10) or the liver (right,
   * T10-T12) anteriorly, mediastinal fat between the lungs, and the lungs wrapping round the
   * vertebral body into the paravertebral gutters.
   */
  private int cavity(double x, double y) {
    int level = position.level();
    double ax = x - (bw * 0.75 + 9);
    double ay = y - (bodyCy - 0.35 * ba);
    if (ax * ax + ay * ay <= 10.5 * 10.5) {
      return Tissue.VESSEL.ordinal();
    }
    double ox = (x + 3) / 8;
    double oy = (y - (bodyCy - ba - 7)) / 5.5;
    if (ox * ox + oy * oy <= 1) {
      return Tissue.OESOPHAGUS.ordinal();
    }
    if (level >= 4 && level <= 9) {
      double hx = (x - 14) / (0.38 * chestW);
      double hy = (y - (bodyCy - ba - 58)) / (0.36 * chestH);
      if (hx * hx + hy * hy <= 1) {
        return Tissue.HEART.ordinal();
      }
    }
    if (level >= 9) {
      double grow = (level - 8) / 4.0;
      double lx = (x + 0.35 * chestW) / (0.55 * chestW * grow + 20);
      double ly = (y - (bodyCy - ba - 35)) / (0.45 * chestH * grow + 15);
      if (lx * lx + ly * ly <= 1) {
        return Tissue.HEART.ordinal();
      }
    }
    double mx = x / 26;
    double my = (y - (bodyCy - ba - 30)) / 48;
    double px = x / (bw + 5);
    double py = (y - bodyCy) / (ba + 5);
    if (mx * mx + my * my <= 1 || px * px + py * py <= 1) {
      return Tissue.MEDIASTINUM.ordinal();
    }
    return Tissue.LUNG.ordinal();
  }

  /** The compression mechanics described in the class comment. */
  private Tissue canal(double x, double y) {
    double px = x / sw;
    double py = y / sa;
    boolean inSac = px * px + py * py <= 1;
    if (epidural) {
      double s = x * ux + y * uy;
      double w = -x * uy + y * ux;
      double bend = w * w / (2 * rho);
      if (inSac ? s < frontSac - bend : (ring || s < frontEpidural - bend * 0.6)) {
        return Tissue.TUMOUR;
      }
      if (cord(x, y, 0)) {
        return Tissue.CORD;
      }
      if (rim != Double.POSITIVE_INFINITY && inSac) {
        if (!cord(x, y, rim + dura)) {
          return Tissue.TUMOUR;
        }
        if (!cord(x, y, rim)) {
          return Tissue.DURA;
        }
      }
      Tissue outside = mimicOrFat(x, y, inSac);
      if (outside != null) {
        return outside;
      }
      if (!insideDura(x, y) || s < frontSac + dura - bend) {
        return Tissue.DURA;
      }
      return Tissue.CSF;
    }
    double kx = (x - cordX) / kw;
    double ky = (y - cordY) / ka;
    if (kx * kx + ky * ky <= 1) {
      return Tissue.CORD;
    }
    Tissue outside = mimicOrFat(x, y, inSac);
    if (outside != null) {
      return outside;
    }
    return insideDura(x, y) ? Tissue.CSF : Tissue.DURA;
  }

  /**
   * What lies at (x, y) outside the cord when it is not the sac's CSF or dura: a grade-0 mimic
   * there, else epidural fat outside the sac; null inside the sac.
   */
  private Tissue mimicOrFat(double x, double y, boolean inSac) {
    if (mimics != null) {
      Tissue m = mimics.at(x, y, inSac);
      if (m != null) {
        return m;
      }
    }
    return inSac ? null : Tissue.EPIDURAL_FAT;
  }

  /** Whether (x, y) lies inside the dura's inner surface (the sac less the dura's thickness). */
  private boolean insideDura(double x, double y) {
    double qx = x / swIn;
    double qy = y / saIn;
    return qx * qx + qy * qy <= 1;
  }

  /**
   * Whether (x, y) lies in the (displaced, deformed) cord grown by {@code grow} mm; the cord never
   * leaves the inside of the dura.
   */
  private boolean cord(double x, double y, double grow) {
    double qx = x - cordX - cordS * ux;
    double qy = y - cordY - cordS * uy;
    double s = (qx * ux + qy * uy) / rs;
    double w = (-qx * uy + qy * ux) / rw;
    double rx = s * ux - w * uy;
    double ry = s * uy + w * ux;
    double g = grow / Math.min(rs, rw);
    double ex = rx / (kw + g);
    double ey = ry / (ka + g);
    if (ex * ex + ey * ey > 1) {
      return false;
    }
    if (grow > 0) {
      return true;
    }
    return insideDura(x, y);
  }

  /**
   * Pedicles (0 left, 1 right), laminae (2, 3), spinous process (4), transverse processes, ribs.
   */
  private double[][] arch(double spinous) {
    double top = canalDy - ca;
    double back = canalDy + ca;
    double ped = cw + 2.6;
    double[][] ribs = ribs();
    double[][] a = new double[7 + ribs.length][];
    a[0] = position.withPedicles() ? new double[] {ped, top + 1, ped, canalDy + 2, 3.3} : none();
    a[1] = position.withPedicles() ? new double[] {-ped, top + 1, -ped, canalDy + 2, 3.3} : none();
    a[2] = new double[] {ped, canalDy + 3, 2.2, back + 3.2, 2.6};
    a[3] = new double[] {-ped, canalDy + 3, -2.2, back + 3.2, 2.6};
    a[4] = new double[] {0, back + 3.5, 0, back + 3.5 + spinous, 2.8};
    a[5] = new double[] {ped + 1, canalDy + 3, ped + 16, canalDy + 9, 4.2};
    a[6] = new double[] {-ped - 1, canalDy + 3, -ped - 16, canalDy + 9, 4.2};
    System.arraycopy(ribs, 0, a, 7, ribs.length);
    return a;
  }

  /**
   * Each rib as an axial slice cuts it: head at the body (costovertebral joint), neck to the
   * transverse process (costotransverse joint), then an arc hugging the chest wall that leaves the
   * slice after about 50 degrees, because ribs slope caudally.
   */
  private double[][] ribs() {
    double headX = bw + 3.6;
    double headY = bodyCy + 0.3 * ba;
    double tubX = cw + 22;
    double tubY = canalDy + 13;
    double a = wallW - 6;
    double b = wallH - 6;
    double t0 = Math.acos(Math.clamp((tubX + 6) / a, -1, 1));
    double r = 4.4;
    int arc = 4;
    double[][] out = new double[2 * (arc + 1)][];
    for (int side = 0; side < 2; side++) {
      double sx = side == 0 ? 1 : -1;
      int k = side * (arc + 1);
      out[k] = new double[] {sx * headX, headY, sx * tubX, tubY, r};
      double px = tubX;
      double py = tubY;
      for (int i = 1; i <= arc; i++) {
        double t = t0 - Math.toRadians(13 * i);
        double qx = a * Math.cos(t);
        double qy = chestCy + b * Math.sin(t);
        out[k + i] = new double[] {sx * px, py, sx * qx, qy, r};
        px = qx;
        py = qy;
      }
    }
    return out;
  }

  private static double[] none() {
    return new double[] {1e9, 1e9, 1e9, 1e9, 0};
  }

  /**
   * Signed distance from the capsule's surface (negative inside), or a positive stand-in when (x,
   * y) lies outside the capsule's bounding box: most of an image is lung and fat, and the box test
   * spares them the square roots.
   */
  private static double capsule(double[] c, double x, double y) {
    if (x < Math.min(c[0], c[2]) - c[4]
        || x > Math.max(c[0], c[2]) + c[4]
        || y < Math.min(c[1], c[3]) - c[4]
        || y > Math.max(c[1], c[3]) + c[4]) {
      return 1;
    }
    double ax = c[2] - c[0];
    double ay = c[3] - c[1];
    double px = x - c[0];
    double py = y - c[1];
    double len2 = ax * ax + ay * ay;
    double t = len2 == 0 ? 0 : Math.clamp((px * ax + py * ay) / len2, 0, 1);
    double dx = px - t * ax;
    double dy = py - t * ay;
    return Math.sqrt(dx * dx + dy * dy) - c[4];
  }
}
