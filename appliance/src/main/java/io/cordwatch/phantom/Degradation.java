package io.cordwatch.phantom;

import java.util.random.RandomGenerator;

/**
 * The randomized style's image degradations, applied to the noiseless signal (after the coil bias)
 * before noise, in the order a scanner produces them.
 *
 * <ul>
 *   <li>k-space truncation: keeping only the central fraction {@code kept} of k-space along each
 *       axis multiplies k-space by a box, i.e. convolves the image with a sinc: Gibbs ringing
 *       parallel to every sharp edge (the CSF-cord border among them, where it can mimic a syrinx
 *       or hide a thin CSF rim). Done separably with a 33-tap truncated sinc, which keeps a
 *       640-matrix slice to a few tens of milliseconds;
 *   <li>motion blur: a Gaussian along the phase-encoding direction;
 *   <li>motion ghosts: two faint copies shifted by {@code ghostShift} of the field along the phase
 *       direction;
 *   <li>spatially varying noise: the noise SD grows away from the posterior spine coil by up to
 *       {@code 1 + noiseVariation} (parallel imaging's g-factor and the coil's falling
 *       sensitivity).
 * </ul>
 *
 * @param kept fraction of k-space kept along each axis (1: no truncation)
 * @param blur motion blur SD, pixels
 * @param ghost amplitude of each ghost
 * @param ghostShift ghost offset as a fraction of the matrix
 * @param alongRows whether the phase-encoding direction is along the rows (left-right)
 * @param noiseVariation relative growth of the noise SD from the posterior to the anterior edge
 */
public record Degradation(
    double kept,
    double blur,
    double ghost,
    double ghostShift,
    boolean alongRows,
    double noiseVariation) {
  private static final int TAPS = 16;

  /** Draws a study's degradations. */
  static Degradation draw(RandomGenerator rnd, FactorRange.Factor heldOut) {
    return new Degradation(
        FactorRange.KSPACE_KEPT.draw(rnd, heldOut),
        FactorRange.MOTION_BLUR.draw(rnd, heldOut),
        FactorRange.GHOST.draw(rnd, heldOut),
        0.15 + 0.3 * rnd.nextDouble(),
        rnd.nextBoolean(),
        FactorRange.NOISE_VARIATION.draw(rnd, heldOut));
  }

  /** Applies truncation, blur and ghosts to a {@code size x size} signal. */
  double[] apply(double[] s, int size) {
    double[] out = s;
    if (kept < 0.98) {
      double[] k = sinc(kept);
      out = convolve(convolve(out, size, k, true), size, k, false);
    }
    if (blur > 0.05) {
      out = convolve(out, size, gaussian(blur), alongRows);
    }
    if (ghost > 0) {
      double[] g = out.clone();
      int shift = Math.max(1, (int) Math.round(ghostShift * size));
      for (int r = 0; r < size; r++) {
        for (int c = 0; c < size; c++) {
          int k1;
          int k2;
          if (alongRows) {
            k1 = r * size + Math.floorMod(c - shift, size);
            k2 = r * size + Math.floorMod(c + shift, size);
          } else {
            k1 = Math.floorMod(r - shift, size) * size + c;
            k2 = Math.floorMod(r + shift, size) * size + c;
          }
          g[r * size + c] += ghost * (out[k1] + out[k2]);
        }
      }
      out = g;
    }
    return out;
  }

  /** Noise SD multiplier at row {@code r}: rows grow posteriorly, towards the coil. */
  double noiseFactor(int r, int size) {
    return 1 + noiseVariation * (1 - (r + 0.5) / size);
  }

  /** An ideal low-pass at {@code f} of Nyquist, truncated, normalised to unit gain at DC. */
  private static double[] sinc(double f) {
    double[] k = new double[2 * TAPS + 1];
    double sum = 0;
    for (int i = -TAPS; i <= TAPS; i++) {
      double x = Math.PI * f * i;
      k[i + TAPS] = i == 0 ? 1 : Math.sin(x) / x;
      sum += k[i + TAPS];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    return k;
  }

  private static double[] gaussian(double sd) {
    int half = (int) Math.ceil(3 * sd);
    double[] k = new double[2 * half + 1];
    double sum = 0;
    for (int i = -half; i <= half; i++) {
      k[i + half] = Math.exp(-0.5 * i * i / (sd * sd));
      sum += k[i + half];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    return k;
  }

  /**
   * Convolves along rows ({@code alongRows}) or columns, edges clamped. Both passes run with the
   * column index innermost, so memory is read in order.
   */
  private static double[] convolve(double[] s, int size, double[] k, boolean alongRows) {
    double[] out = new double[s.length];
    int half = k.length / 2;
    if (alongRows) {
      double[] pad = new double[size + 2 * half];
      for (int r = 0; r < size; r++) {
        int base = r * size;
        for (int i = 0; i < pad.length; i++) {
          pad[i] = s[base + Math.clamp(i - half, 0, size - 1)];
        }
        for (int c = 0; c < size; c++) {
          double v = 0;
          for (int t = 0; t < k.length; t++) {
            v += k[t] * pad[c + t];
          }
          out[base + c] = v;
        }
      }
    } else {
      for (int r = 0; r < size; r++) {
        int base = r * size;
        for (int t = 0; t < k.length; t++) {
          int src = Math.clamp(r + t - half, 0, size - 1) * size;
          double w = k[t];
          for (int c = 0; c < size; c++) {
            out[base + c] += w * s[src + c];
          }
        }
      }
    }
    return out;
  }
}
