package io.cordwatch.trainer.dataset;

import io.cordwatch.infer.Preprocessing;
import java.util.Random;

/**
 * The training augmentation, drawn per sample: a random resized crop of the canal box (area scale
 * and aspect ratio as torchvision's RandomResizedCrop, plus a small shift of the centre, since a
 * localizer in service does not reproduce the annotator's box exactly), a horizontal flip (the
 * Bilsky grade does not depend on the side), and an intensity jitter (contrast and brightness on
 * the [0, 1] windowed scale, clipped back to [0, 1] as the series window clips), a gamma curve
 * (tissue contrast differs between scanners and protocols far more than a linear jitter covers) and
 * additive Gaussian noise (lower-field and parallel-imaging series are noisier than most training
 * data). Gamma and noise are what a model trained on one generator needs to stop reading grades
 * from absolute grey levels or from a noise texture.
 *
 * <p>The authors' code resized to 256 and took a RandomResizedCrop of 224 with scale 0.8-1.2; here
 * the box itself is scaled, which is the same operation expressed in the appliance's crop
 * coordinates, so the augmented tensor is made by the appliance's own crop-and-resize function.
 *
 * @param scaleMin smallest area scale of the box (0.8)
 * @param scaleMax largest area scale (1.2)
 * @param ratioMax largest aspect-ratio change; ratios are drawn log-uniformly in [1/r, r] (4/3)
 * @param shift largest centre shift as a fraction of the box's width or height (0.05)
 * @param flip whether to flip left-right with probability 1/2
 * @param contrast contrast factor drawn in [1 - c, 1 + c] (0.1)
 * @param brightness offset drawn in [-b, b] on the unit scale (0.05)
 * @param gamma gamma drawn log-uniformly in [1/g, g] (1.5); 1 for none
 * @param noise noise standard deviation drawn uniformly in [0, n] on the unit scale (0.03)
 * @param artefacts acquisition artefacts drawn before the intensity jitter ({@link Artefacts}; none
 *     unless {@code cordwatch train --artefacts})
 * @param curves random tone curves drawn after the artefacts ({@link IntensityCurves}; none unless
 *     {@code cordwatch train --intensity-curves})
 */
public record Augmentation(
    double scaleMin,
    double scaleMax,
    double ratioMax,
    double shift,
    boolean flip,
    double contrast,
    double brightness,
    double gamma,
    double noise,
    Artefacts artefacts,
    IntensityCurves curves) {

  public Augmentation {
    java.util.Objects.requireNonNull(artefacts, "artefacts");
    java.util.Objects.requireNonNull(curves, "curves");
    if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax < 10)) {
      throw new IllegalArgumentException(
          "scale range must satisfy 0 < min <= max < 10, got " + scaleMin + ".." + scaleMax);
    }
    if (!(ratioMax >= 1 && ratioMax < 10)) {
      throw new IllegalArgumentException("ratioMax must be 1..10, got " + ratioMax);
    }
    if (!(shift >= 0 && shift < 1) || !(contrast >= 0 && contrast < 1) || !(brightness >= 0)) {
      throw new IllegalArgumentException("shift, contrast and brightness must be small and >= 0");
    }
    if (!(gamma >= 1 && gamma < 5) || !(noise >= 0 && noise < 0.5)) {
      throw new IllegalArgumentException("gamma must be 1..5 and noise 0..0.5");
    }
  }

  /** The defaults described above. */
  public static Augmentation standard() {
    return new Augmentation(
        0.8,
        1.2,
        4.0 / 3,
        0.05,
        true,
        0.1,
        0.05,
        1.5,
        0.03,
        Artefacts.none(),
        IntensityCurves.none());
  }

  /** The same augmentation with another area scale range of the box crop. */
  public Augmentation withScale(double min, double max) {
    return new Augmentation(
        min, max, ratioMax, shift, flip, contrast, brightness, gamma, noise, artefacts, curves);
  }

  /** The same augmentation with these acquisition artefacts. */
  public Augmentation withArtefacts(Artefacts a) {
    return new Augmentation(
        scaleMin, scaleMax, ratioMax, shift, flip, contrast, brightness, gamma, noise, a, curves);
  }

  /** The same augmentation with these tone curves. */
  public Augmentation withCurves(IntensityCurves c) {
    return new Augmentation(
        scaleMin,
        scaleMax,
        ratioMax,
        shift,
        flip,
        contrast,
        brightness,
        gamma,
        noise,
        artefacts,
        c);
  }

  /** No augmentation at all: the tensor the appliance computes. */
  public static Augmentation none() {
    return new Augmentation(
        1, 1, 1, 0, false, 0, 0, 1, 0, Artefacts.none(), IntensityCurves.none());
  }

  /**
   * The largest distance from the box centre to the edge of any crop this augmentation can make, in
   * units of the box's width (horizontally) or height (vertically), margin included. The dataset
   * keeps this much context around every box.
   */
  public double maxHalfExtent(double roiMargin) {
    return 0.5 * Math.sqrt(scaleMax * ratioMax) * (1 + 2 * roiMargin) + shift;
  }

  /**
   * One sample's draw: where the crop lies, applied to the canal box before resampling, and what
   * happens to the resampled plane. Kept apart because they act at different steps of {@code
   * Dataset.tensor}: the box moves before the crop-and-resize, the plane changes after it.
   */
  public record Draw(Crop crop, Plane plane) {
    /** The draw that changes nothing: the tensor the appliance computes. */
    public static final Draw NONE = new Draw(Crop.NONE, Plane.NONE);

    public Draw {
      java.util.Objects.requireNonNull(crop, "crop");
      java.util.Objects.requireNonNull(plane, "plane");
    }
  }

  /**
   * Where one sample's crop lies: the box's width and height scaled by these factors and its centre
   * shifted by these fractions of its width and height.
   */
  public record Crop(double widthFactor, double heightFactor, double shiftX, double shiftY) {
    /** The annotated box itself. */
    public static final Crop NONE = new Crop(1, 1, 0, 0);

    /** The box after scaling and shifting about its centre. */
    public Preprocessing.Box apply(Preprocessing.Box b) {
      double w = b.x1() - b.x0();
      double h = b.y1() - b.y0();
      double cx = (b.x0() + b.x1()) / 2 + shiftX * w;
      double cy = (b.y0() + b.y1()) / 2 + shiftY * h;
      double hw = w * widthFactor / 2;
      double hh = h * heightFactor / 2;
      return new Preprocessing.Box(cx - hw, cy - hh, cx + hw, cy + hh);
    }
  }

  /**
   * What happens to one sample's resampled plane.
   *
   * @param gammaExponent exponent applied to the unit plane (1: none)
   * @param noiseSd standard deviation of the added noise (0: none)
   * @param noiseSeed seed of that noise, so a draw always gives the same tensor
   * @param artefact the acquisition artefacts, applied first
   * @param curve the tone curve, applied after the artefacts
   */
  public record Plane(
      boolean flipped,
      double contrastFactor,
      double offset,
      double gammaExponent,
      double noiseSd,
      long noiseSeed,
      Artefacts.Draw artefact,
      IntensityCurves.Curve curve) {
    /** The plane unchanged. */
    public static final Plane NONE =
        new Plane(false, 1, 0, 1, 0, 0, Artefacts.Draw.NONE, IntensityCurves.Curve.NONE);

    public Plane {
      java.util.Objects.requireNonNull(artefact, "artefact");
      java.util.Objects.requireNonNull(curve, "curve");
    }

    /**
     * Acquisition artefacts, tone curve, flip, gamma, intensity jitter and noise on the resized [0,
     * 1] plane, in place.
     */
    public void apply(float[] plane, int size) {
      if (artefact != Artefacts.Draw.NONE) {
        artefact.apply(plane, size);
      }
      curve.apply(plane);
      if (flipped) {
        for (int r = 0; r < size; r++) {
          int a = r * size;
          int b = a + size - 1;
          while (a < b) {
            float t = plane[a];
            plane[a++] = plane[b];
            plane[b--] = t;
          }
        }
      }
      if (gammaExponent != 1) {
        for (int i = 0; i < plane.length; i++) {
          plane[i] = (float) Math.pow(Math.max(0, plane[i]), gammaExponent);
        }
      }
      Random noise = noiseSd > 0 ? new Random(noiseSeed) : null;
      if (contrastFactor != 1 || offset != 0 || noise != null) {
        for (int i = 0; i < plane.length; i++) {
          // Contrast about mid-grey, then the offset and the noise; clipped like the series
          // window clips.
          double x = (plane[i] - 0.5) * contrastFactor + 0.5 + offset;
          if (noise != null) {
            x += noise.nextGaussian() * noiseSd;
          }
          plane[i] = (float) (x < 0 ? 0 : (x > 1 ? 1 : x));
        }
      }
    }
  }

  /** Draws one sample's augmentation. */
  public Draw draw(Random random) {
    double scale = scaleMin + (scaleMax - scaleMin) * random.nextDouble();
    double logRatio = Math.log(ratioMax) * (2 * random.nextDouble() - 1);
    double ratio = Math.exp(logRatio);
    double sx = shift * (2 * random.nextDouble() - 1);
    double sy = shift * (2 * random.nextDouble() - 1);
    boolean f = flip && random.nextBoolean();
    double c = 1 + contrast * (2 * random.nextDouble() - 1);
    double o = brightness * (2 * random.nextDouble() - 1);
    double g = gamma == 1 ? 1 : Math.exp(Math.log(gamma) * (2 * random.nextDouble() - 1));
    double n = noise == 0 ? 0 : noise * random.nextDouble();
    long seed = noise == 0 ? 0 : random.nextLong();
    // Drawn last, so that runs without artefacts draw the same augmentations as before.
    Artefacts.Draw a = artefacts.draw(random);
    // Drawn after the artefacts for the same reason.
    IntensityCurves.Curve tone = curves.draw(random);
    return new Draw(
        new Crop(Math.sqrt(scale * ratio), Math.sqrt(scale / ratio), sx, sy),
        new Plane(f, c, o, g, n, seed, a, tone));
  }
}
