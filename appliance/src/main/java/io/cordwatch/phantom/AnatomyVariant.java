package io.cordwatch.phantom;

import java.util.random.RandomGenerator;

/**
 * How one patient's canal differs from the thoracic averages of {@link Anatomy}: canal and cord
 * size (independently), canal shape, where the cord lies in the sac before any compression, dura
 * thickness and the amount of epidural fat. {@link #DEFAULT} reproduces the average anatomy
 * exactly, which the internal and external styles use.
 *
 * @param canalScale canal size relative to average
 * @param cordScale cord size relative to average
 * @param canalShape AP/width ratio relative to average (area kept)
 * @param cordX cord centre's lateral offset from the sac centre, mm (positive to the left)
 * @param cordY cord centre's AP offset, mm (positive posterior)
 * @param dura dura thickness, mm
 * @param fat epidural fat margins (canal to sac) relative to average
 * @param levelCanalWidth canal width relative to the thoracic level (level hold-out)
 * @param levelCanalAp canal AP relative to the thoracic level
 * @param levelCordWidth cord width relative to the thoracic level
 * @param levelCordAp cord AP relative to the thoracic level
 */
public record AnatomyVariant(
    double canalScale,
    double cordScale,
    double canalShape,
    double cordX,
    double cordY,
    double dura,
    double fat,
    double levelCanalWidth,
    double levelCanalAp,
    double levelCordWidth,
    double levelCordAp) {
  /** The average anatomy, as the internal and external styles draw it. */
  public static final AnatomyVariant DEFAULT =
      new AnatomyVariant(1, 1, 1, 0, 0, SliceModel.DURA, 1, 1, 1, 1, 1);

  /** Lateral and AP sac-to-canal margins at average fat, mm. */
  static final double FAT_WIDTH = 2.6;

  static final double FAT_AP = 1.9;

  /** CSF a living cord keeps around it at rest, mm: variants that leave less are redrawn. */
  static final double MIN_CSF = 0.7;

  /** Canal half-width at a level's average full width. */
  double canalHalfWidth(double width) {
    return width / 2 * canalScale * levelCanalWidth / Math.sqrt(canalShape);
  }

  /** Canal half-AP at a level's average full AP. */
  double canalHalfAp(double ap) {
    return ap / 2 * canalScale * levelCanalAp * Math.sqrt(canalShape);
  }

  /**
   * Draws a variant whose cord fits its sac at every level with at least {@value #MIN_CSF} mm of
   * CSF around it, redrawing what does not fit; the offset is clamped to the room left.
   */
  static AnatomyVariant draw(RandomGenerator rnd, FactorRange.Factor heldOut) {
    double lcw = FactorRange.LEVEL_CANAL_WIDTH.draw(rnd, heldOut);
    double lca = FactorRange.LEVEL_CANAL_AP.draw(rnd, heldOut);
    double lkw = FactorRange.LEVEL_CORD_WIDTH.draw(rnd, heldOut);
    double lka = FactorRange.LEVEL_CORD_AP.draw(rnd, heldOut);
    while (true) {
      // The canal is drawn first and kept while the rest is redrawn, so canal sizes cover their
      // whole range; a small canal simply ends up holding a small cord and little fat, as in
      // congenital stenosis.
      double canal = FactorRange.CANAL_SCALE.draw(rnd, heldOut);
      for (int attempt = 0; attempt < 400; attempt++) {
        double cord = FactorRange.CORD_SCALE.draw(rnd, heldOut);
        double shape = FactorRange.CANAL_SHAPE.draw(rnd, heldOut);
        double dura = FactorRange.DURA.draw(rnd, heldOut);
        double fat = FactorRange.EPIDURAL_FAT.draw(rnd, heldOut);
        double offset = FactorRange.CORD_OFFSET.draw(rnd, heldOut);
        double angle = 2 * Math.PI * rnd.nextDouble();
        AnatomyVariant v =
            new AnatomyVariant(canal, cord, shape, 0, 0, dura, fat, lcw, lca, lkw, lka);
        double[] room = v.room();
        if (room[0] < MIN_CSF || room[1] < MIN_CSF) {
          continue;
        }
        double ox = offset * Math.cos(angle);
        double oy = offset * Math.sin(angle);
        ox = Math.clamp(ox, -(room[0] - MIN_CSF) * 0.8, (room[0] - MIN_CSF) * 0.8);
        oy = Math.clamp(oy, -(room[1] - MIN_CSF) * 0.8, (room[1] - MIN_CSF) * 0.8);
        return new AnatomyVariant(canal, cord, shape, ox, oy, dura, fat, lcw, lca, lkw, lka);
      }
    }
  }

  /** The least CSF between cord and dura at rest over all levels, lateral and AP, mm. */
  double[] room() {
    double lateral = Double.POSITIVE_INFINITY;
    double ap = Double.POSITIVE_INFINITY;
    for (int level = 0; level < Anatomy.LEVELS; level++) {
      for (double phase : new double[] {0.1, 0.5, 0.9}) {
        double s =
            Anatomy.levelStart(level)
                + phase * (Anatomy.levelStart(level + 1) - Anatomy.levelStart(level));
        Anatomy.Dimensions d = Anatomy.dimensions(s);
        double sw = canalHalfWidth(d.canalWidth()) - FAT_WIDTH * fat - dura;
        double sa = canalHalfAp(d.canalAp()) - FAT_AP * fat - dura;
        lateral = Math.min(lateral, sw - d.cordWidth() / 2 * cordScale * levelCordWidth);
        ap = Math.min(ap, sa - d.cordAp() / 2 * cordScale * levelCordAp);
      }
    }
    return new double[] {lateral, ap};
  }
}
