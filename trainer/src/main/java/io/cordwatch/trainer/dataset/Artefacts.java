package io.cordwatch.trainer.dataset;

import java.util.Random;

/**
 * Acquisition artefacts drawn at training time on the resized [0, 1] crop, before the intensity
 * jitter: k-space truncation (Gibbs ringing), motion blur and ghosts along a phase-encoding axis, a
 * smooth coil bias, and noise that grows across the crop. Each artefact is switched on for a sample
 * with probability {@code probability}, independently of the others, so most training crops carry
 * none or one, some several.
 *
 * <p>These are the trainer's own models, written from the physics and not from the phantom
 * generator's {@code Degradation} code, and they act on the small crop rather than the whole
 * acquired matrix (a ghost here is a shifted copy of the crop, not of the whole body). Their ranges
 * are chosen wide on purpose and do overlap the phantom's held-out artefact ranges
 * (docs/phantom.md): a model trained with them is no longer "never seen artefacts", and its {@code
 * hold-artefact} figures measure how well these models stand in for the generator's, not
 * generalisation to an unseen factor. docs/validation.md says so beside the figures.
 *
 * @param probability chance that each artefact is applied to a sample (0 for none)
 * @param kSpaceKeptMin smallest fraction of k-space kept per axis (1: no truncation)
 * @param blurMax largest motion blur SD along the phase axis, in crop pixels
 * @param ghostMax largest amplitude of the two ghosts along the phase axis
 * @param biasMax largest log-gain of the bias field from one side of the crop to the other
 * @param noiseMax largest SD of the added spatially growing noise on the unit scale
 * @param noiseGrowthMax largest growth of that noise's SD across the crop (0: uniform)
 */
public record Artefacts(
    double probability,
    double kSpaceKeptMin,
    double blurMax,
    double ghostMax,
    double biasMax,
    double noiseMax,
    double noiseGrowthMax) {

  public Artefacts {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("artefact probability must be 0..1, got " + probability);
    }
    if (!(kSpaceKeptMin > 0.1 && kSpaceKeptMin <= 1)) {
      throw new IllegalArgumentException("k-space kept must be 0.1..1, got " + kSpaceKeptMin);
    }
    if (!(blurMax >= 0 && blurMax <= 8)
        || !(ghostMax >= 0 && ghostMax < 0.5)
        || !(biasMax >= 0 && biasMax <= 2)
        || !(noiseMax >= 0 && noiseMax < 0.5)
        || !(noiseGrowthMax >= 0 && noiseGrowthMax <= 4)) {
      throw new IllegalArgumentException(
          "artefact ranges out of bounds: blur 0..8, ghost 0..0.5, bias 0..2, noise 0..0.5,"
              + " growth 0..4");
    }
  }

  /** No artefacts. */
  public static Artefacts none() {
    return new Artefacts(0, 1, 0, 0, 0, 0, 0);
  }

  /**
   * The ranges of {@code cordwatch train --artefacts}: half of the samples get each artefact,
   * k-space down to 30% per axis, blur up to 3 pixels, ghosts up to 0.15, bias up to e^1 across the
   * crop, extra noise up to 0.06 growing up to 2.5 times across it.
   */
  public static Artefacts standard() {
    return new Artefacts(0.5, 0.3, 3, 0.15, 1, 0.06, 1.5);
  }

  /** Whether any artefact can be drawn. */
  public boolean active() {
    return probability > 0;
  }

  /**
   * One sample's artefacts; a value that leaves the plane unchanged means "off" (kept 1, blur 0,
   * ghost 0, bias 0, noise 0).
   *
   * @param ghostOffset distance of the ghosts from the image along the phase axis, as a fraction of
   *     the crop
   * @param rowsArePhase whether the phase-encoding axis runs down the columns (ghosts and blur move
   *     pixels between rows) rather than along the rows
   * @param biasAngle direction of the bias gradient, radians
   * @param seed seed of the noise, so a draw always gives the same plane
   */
  public record Draw(
      double kSpaceKept,
      double blurSd,
      double ghost,
      double ghostOffset,
      boolean rowsArePhase,
      double bias,
      double biasAngle,
      double noiseSd,
      double noiseGrowth,
      long seed) {

    /** A draw that changes nothing. */
    public static final Draw NONE = new Draw(1, 0, 0, 0.25, true, 0, 0, 0, 0, 0);

    /**
     * Applies the artefacts to the {@code size} x {@code size} plane in place, clipped to [0, 1].
     */
    public void apply(float[] plane, int size) {
      if (kSpaceKept < 1) {
        convolveAlong(plane, size, truncationKernel(), true);
        convolveAlong(plane, size, truncationKernel(), false);
      }
      if (blurSd > 0) {
        convolveAlong(plane, size, gaussianKernel(), rowsArePhase);
      }
      if (ghost > 0) {
        addGhosts(plane, size);
      }
      if (bias != 0 || noiseSd > 0) {
        biasAndNoise(plane, size);
      }
      for (int i = 0; i < plane.length; i++) {
        plane[i] = plane[i] < 0 ? 0 : (plane[i] > 1 ? 1 : plane[i]);
      }
    }

    private static int index(int along, int across, int size, boolean rows) {
      return rows ? along * size + across : across * size + along;
    }

    private int index(int along, int across, int size) {
      return index(along, across, size, rowsArePhase);
    }

    /**
     * The ideal low-pass of a k-space that keeps the central fraction {@code kSpaceKept} per axis:
     * a sinc whose first zero lies 1 / kept pixels out, cut at 12 taps each side and normalised to
     * keep the mean. Its negative lobes are the ringing beside every edge.
     */
    private double[] truncationKernel() {
      int radius = 12;
      double[] k = new double[2 * radius + 1];
      for (int m = -radius; m <= radius; m++) {
        double x = Math.PI * kSpaceKept * m;
        k[m + radius] = m == 0 ? 1 : Math.sin(x) / x;
      }
      return k;
    }

    /** A Gaussian of SD {@code blurSd} pixels to 3 SD. */
    private double[] gaussianKernel() {
      int radius = (int) Math.ceil(3 * blurSd);
      double[] k = new double[2 * radius + 1];
      for (int m = -radius; m <= radius; m++) {
        k[m + radius] = Math.exp(-0.5 * m * m / (blurSd * blurSd));
      }
      return k;
    }

    /**
     * Convolves every line along one axis with the (odd-length) kernel, normalised to sum 1, the
     * crop's edges mirrored: the crop's border is not an edge of the acquired image.
     */
    private static void convolveAlong(float[] plane, int size, double[] kernel, boolean rows) {
      int radius = kernel.length / 2;
      double sum = 0;
      for (double v : kernel) {
        sum += v;
      }
      float[] line = new float[size];
      for (int across = 0; across < size; across++) {
        for (int a = 0; a < size; a++) {
          line[a] = plane[index(a, across, size, rows)];
        }
        for (int a = 0; a < size; a++) {
          double v = 0;
          for (int m = -radius; m <= radius; m++) {
            v += kernel[m + radius] * line[mirror(a + m, size)];
          }
          plane[index(a, across, size, rows)] = (float) (v / sum);
        }
      }
    }

    private static int mirror(int i, int size) {
      int period = 2 * size - 2;
      int j = Math.floorMod(i, period);
      return j < size ? j : period - j;
    }

    private void addGhosts(float[] plane, int size) {
      float[] copy = plane.clone();
      int ghostShift = (int) Math.round(ghostOffset * size);
      for (int across = 0; across < size; across++) {
        for (int a = 0; a < size; a++) {
          float up = copy[index(Math.floorMod(a + ghostShift, size), across, size)];
          float down = copy[index(Math.floorMod(a - ghostShift, size), across, size)];
          plane[index(a, across, size)] += (float) (ghost * 0.5 * (up + down));
        }
      }
    }

    private void biasAndNoise(float[] plane, int size) {
      double cx = Math.cos(biasAngle);
      double cy = Math.sin(biasAngle);
      Random noise = noiseSd > 0 ? new Random(seed) : null;
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          // Position along the gradient, -0.5 .. 0.5 across the crop.
          double t = ((x + 0.5) / size - 0.5) * cx + ((y + 0.5) / size - 0.5) * cy;
          int i = y * size + x;
          double v = plane[i] * Math.exp(bias * t);
          if (noise != null) {
            v += noise.nextGaussian() * noiseSd * (1 + noiseGrowth * (t + 0.5));
          }
          plane[i] = (float) v;
        }
      }
    }
  }

  /** Draws one sample's artefacts. */
  public Draw draw(Random random) {
    if (!active()) {
      return Draw.NONE;
    }
    double kept = on(random) ? kSpaceKeptMin + (1 - kSpaceKeptMin) * random.nextDouble() : 1;
    double blur = on(random) ? blurMax * random.nextDouble() : 0;
    double ghostAmp = on(random) ? ghostMax * random.nextDouble() : 0;
    boolean rows = random.nextBoolean();
    double b = on(random) ? biasMax * (2 * random.nextDouble() - 1) : 0;
    double angle = 2 * Math.PI * random.nextDouble();
    double n = on(random) ? noiseMax * random.nextDouble() : 0;
    double growth = noiseGrowthMax * random.nextDouble();
    // Ghosts of a periodic motion sit a fraction of the field of view away; on the crop that is
    // taken as a quarter to a half of its height.
    return new Draw(
        kept,
        blur,
        ghostAmp,
        0.25 + 0.25 * random.nextDouble(),
        rows,
        b,
        angle,
        n,
        growth,
        random.nextLong());
  }

  private boolean on(Random random) {
    return random.nextDouble() < probability;
  }
}
