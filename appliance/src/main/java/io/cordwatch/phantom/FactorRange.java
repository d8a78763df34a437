package io.cordwatch.phantom;

import java.util.random.RandomGenerator;

/**
 * Every random draw of the randomized style, with its training range and its hold-out range, in one
 * place.
 *
 * <p>A model trained on phantoms must learn the anatomy that defines the Bilsky grades, not the
 * generator. To test that, each draw belongs to a factor family ({@link Factor}); {@code --hold-out
 * FAMILY} draws that family's values from the hold-out ranges, which lie outside the training range
 * with a gap, and every other family from its training range. The test {@code FactorRangeTest}
 * checks that training and hold-out ranges never overlap.
 */
public enum FactorRange {
  /** TR of the axial T2 series, ms. */
  REPETITION_TIME(Factor.CONTRAST, r(2500, 6000), r(1500, 2300), r(6500, 9000)),
  /** TE of the axial T2 series, ms. */
  ECHO_TIME(Factor.CONTRAST, r(70, 130), r(40, 62), r(140, 180)),
  /** Per-study, per-tissue multiplier on the literature T1 and T2. */
  RELAXATION_SCALE(Factor.CONTRAST, r(0.85, 1.18), r(0.62, 0.78), r(1.28, 1.55)),
  /** Per-study, per-tissue multiplier on the literature proton density. */
  PROTON_DENSITY_SCALE(Factor.CONTRAST, r(0.9, 1.1), r(0.75, 0.85), r(1.16, 1.28)),

  /** Feature size of the study's tissue texture field, mm. */
  TEXTURE_SCALE(Factor.TEXTURE, r(3, 12), r(0.8, 2.2), r(18, 35)),
  /** Amplitude of the study's texture field (relative signal modulation). */
  TEXTURE_AMPLITUDE(Factor.TEXTURE, r(0.03, 0.18), r(0.22, 0.32)),
  /** Feature size of a lesion's tumour texture, mm. */
  TUMOUR_TEXTURE_SCALE(Factor.TEXTURE, r(1.5, 6), r(0.6, 1.2), r(8, 14)),
  /** Amplitude of a lesion's tumour texture. */
  TUMOUR_TEXTURE_AMPLITUDE(Factor.TEXTURE, r(0.05, 0.35), r(0.4, 0.5)),

  /** Canal size relative to the thoracic average at the level (+-30% in training). */
  CANAL_SCALE(Factor.ANATOMY, r(0.7, 1.3), r(0.6, 0.68), r(1.32, 1.42)),
  /** Cord size relative to the thoracic average, drawn independently of the canal. */
  CORD_SCALE(Factor.ANATOMY, r(0.7, 1.3), r(0.62, 0.68), r(1.32, 1.38)),
  /** Canal AP/width ratio relative to average (area kept). */
  CANAL_SHAPE(Factor.ANATOMY, r(0.85, 1.15), r(0.72, 0.82), r(1.18, 1.28)),
  /** Cord centre's distance from the sac centre before any compression, mm (clamped to fit). */
  CORD_OFFSET(Factor.ANATOMY, r(0, 2.0), r(2.4, 3.2)),
  /** Dura thickness, mm. */
  DURA(Factor.ANATOMY, r(0.2, 0.45), r(0.5, 0.7)),
  /** Epidural fat between canal and sac, relative to average; above 1.4 is lipomatosis. */
  EPIDURAL_FAT(Factor.ANATOMY, r(0.5, 1.9), r(0.3, 0.45), r(2.0, 2.4)),

  /** Canal width relative to the thoracic level (cervical-like when held out). */
  LEVEL_CANAL_WIDTH(Factor.LEVEL, r(1, 1), r(1.25, 1.4)),
  /** Canal AP depth relative to the thoracic level. */
  LEVEL_CANAL_AP(Factor.LEVEL, r(1, 1), r(0.86, 0.95)),
  /** Cord width relative to the thoracic level. */
  LEVEL_CORD_WIDTH(Factor.LEVEL, r(1, 1), r(1.2, 1.35)),
  /** Cord AP depth relative to the thoracic level. */
  LEVEL_CORD_AP(Factor.LEVEL, r(1, 1), r(1.03, 1.1)),

  /** Noise SD per channel as a fraction of the CSF signal scale. */
  NOISE(Factor.ARTEFACT, r(0.015, 0.06), r(0.075, 0.11)),
  /** How much the noise SD grows away from the posterior coil (0 = uniform). */
  NOISE_VARIATION(Factor.ARTEFACT, r(0, 0.6), r(0.8, 1.2)),
  /** Fraction of k-space kept along each axis (1 = no truncation, lower = more Gibbs ringing). */
  KSPACE_KEPT(Factor.ARTEFACT, r(0.55, 1.0), r(0.35, 0.48)),
  /** Motion blur SD along the phase-encoding direction, pixels. */
  MOTION_BLUR(Factor.ARTEFACT, r(0, 1.5), r(2.2, 4)),
  /** Amplitude of each of the two motion ghosts. */
  GHOST(Factor.ARTEFACT, r(0, 0.06), r(0.08, 0.14)),
  /** Coil bias strength, anterior to posterior. */
  BIAS(Factor.ARTEFACT, r(0.3, 1.3), r(1.6, 2.4));

  /** The families of draws that {@code --hold-out} can move outside the training ranges. */
  public enum Factor {
    /** Tissue relaxation and TE/TR. */
    CONTRAST,
    /**
     * Texture fields. Training uses smooth two-octave value noise; the hold-out also switches the
     * field family to ridged noise (sharp creases).
     */
    TEXTURE,
    /** Patient anatomy: canal, cord, dura, fat. */
    ANATOMY,
    /** Noise, Gibbs ringing, motion blur and ghosts, coil bias. */
    ARTEFACT,
    /** Level dimensions: thoracic in training, cervical-like when held out. */
    LEVEL
  }

  /** A closed interval. */
  public record Range(double lo, double hi) {
    /** Whether the two intervals share a point. */
    public boolean overlaps(Range o) {
      return lo <= o.hi && o.lo <= hi;
    }

    /** Whether {@code v} lies inside. */
    public boolean contains(double v) {
      return v >= lo && v <= hi;
    }
  }

  private final Factor factor;
  private final Range training;
  private final Range[] holdOut;

  FactorRange(Factor factor, Range training, Range... holdOut) {
    this.factor = factor;
    this.training = training;
    this.holdOut = holdOut;
  }

  private static Range r(double lo, double hi) {
    return new Range(lo, hi);
  }

  /** The family this draw belongs to. */
  public Factor factor() {
    return factor;
  }

  /** The training range. */
  public Range training() {
    return training;
  }

  /** The hold-out ranges (outside the training range). */
  public Range[] holdOut() {
    return holdOut.clone();
  }

  /** A uniform draw: from the hold-out ranges when this family is {@code heldOut}. */
  public double draw(RandomGenerator rnd, Factor heldOut) {
    if (heldOut != factor) {
      return training.lo + (training.hi - training.lo) * rnd.nextDouble();
    }
    double total = 0;
    for (Range h : holdOut) {
      total += h.hi - h.lo;
    }
    double u = rnd.nextDouble() * total;
    for (Range h : holdOut) {
      double w = h.hi - h.lo;
      if (u <= w) {
        return h.lo + u;
      }
      u -= w;
    }
    return holdOut[holdOut.length - 1].hi;
  }
}
