package io.cordwatch.trainer.pretrain;

import io.cordwatch.trainer.dataset.Artefacts;
import io.cordwatch.trainer.dataset.Augmentation;
import io.cordwatch.trainer.dataset.IntensityCurves;

/**
 * The augmentation that makes the two views of a crop for contrastive pretraining: the supervised
 * run's own operations ({@link Augmentation}: box-crop scale and shift jitter, left-right flip,
 * contrast, brightness, gamma, noise; {@link Artefacts}: k-space truncation, motion blur, ghosts,
 * bias, growing noise; {@link IntensityCurves}), drawn wider and more often, because contrastive
 * learning learns exactly what its views leave unchanged.
 *
 * <p>What is left out on purpose: up-down flips and rotations (axial anatomy has a fixed
 * anterior-posterior orientation, which the Bilsky grade reads: the vertebral body in front, the
 * lamina behind) and non-monotone tone curves, which swap tissue brightness: trained on them, the
 * supervised candidates v6 and v7 (docs/validation.md) lost real normal anatomy, so the views keep
 * the order of grey levels (tumour, cord, CSF and fat stay in their order) and vary only how far
 * apart they lie.
 */
public final class Views {
  private Views() {}

  /**
   * The default views: box area 0.5-1.6 (aspect up to 4/3, centre shift up to 10%), flip, contrast
   * +-30%, brightness +-0.1, gamma 1/2-2, noise sd up to 0.05, each artefact with probability 0.5
   * at the supervised ranges, and a monotone tone curve on 80% of the views.
   */
  public static Augmentation standard() {
    return standard(true);
  }

  /**
   * The default views, with or without the artefact set. Its ranges overlap the phantom's held-out
   * artefact family, so a model started from a backbone pretrained with it is not held out from
   * {@code hold-artefact}; without it (issue 12, docs/validation.md) that family stays held out.
   */
  public static Augmentation standard(boolean artefacts) {
    return new Augmentation(
        0.5,
        1.6,
        4.0 / 3,
        0.1,
        true,
        0.3,
        0.1,
        2.0,
        0.05,
        artefacts ? Artefacts.standard() : Artefacts.none(),
        new IntensityCurves(0.8, 0, IntensityCurves.standard().knots()));
  }
}
