package io.cordwatch.phantom;

/**
 * A midline sagittal T2 of the same patient, drawn only so that each phantom study also holds a
 * series that must not be graded. Coordinates: y posterior (mm from the sac centre), s down the
 * spine (mm from the top of T1).
 */
final class Sagittal {
  private Sagittal() {}

  static int classify(double y, double s, SliceModel.Habitus habitus) {
    Anatomy.Dimensions d = Anatomy.dimensions(s);
    Anatomy.Position p = Anatomy.position(s);
    double ca = d.canalAp() / 2;
    double canalDy = 0.4;
    double front = canalDy - ca;
    double back = canalDy + ca;
    if (y > habitus.back() || y < habitus.back() - 2 * habitus.halfDepth()) {
      return Tissue.AIR.ordinal();
    }
    if (y > habitus.back() - habitus.fat()) {
      return Tissue.SUBCUTANEOUS_FAT.ordinal();
    }
    if (y >= front && y <= back) {
      double sa = ca - 1.9;
      if (Math.abs(y) <= d.cordAp() / 2) {
        return Tissue.CORD.ordinal();
      }
      if (Math.abs(y) <= sa - SliceModel.DURA) {
        return Tissue.CSF.ordinal();
      }
      return (Math.abs(y) <= sa ? Tissue.DURA : Tissue.EPIDURAL_FAT).ordinal();
    }
    double bodyFront = front - d.bodyAp();
    if (y < front && y >= bodyFront) {
      if (p.inDisc()) {
        return (Math.abs(y - (front + bodyFront) / 2) < d.bodyAp() * 0.3
                ? Tissue.NUCLEUS
                : Tissue.DISC)
            .ordinal();
      }
      boolean endplate =
          Anatomy.position(s - 1.1).inDisc()
              || Anatomy.position(s + 1.1).inDisc()
              || Anatomy.position(s + 1.1).level() != p.level();
      boolean wall = Math.min(y - bodyFront, front - y) < 1.1;
      return (endplate || wall ? Tissue.CORTEX : Tissue.MARROW).ordinal();
    }
    if (y > back) {
      double phase = p.phase();
      boolean spinous = y < back + habitus.spinous() && phase > 0.1 && phase < 0.55;
      return (spinous ? Tissue.MARROW : Tissue.MUSCLE).ordinal();
    }
    return (y < bodyFront - 15 ? Tissue.HEART : Tissue.MEDIASTINUM).ordinal();
  }
}
