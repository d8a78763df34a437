package io.cordwatch.phantom;

import java.util.random.RandomGenerator;

/**
 * Turns a slice's geometry into stored pixel values the way an MR scanner would, and finds the
 * spinal-canal box in the same pixel grid.
 *
 * <p>Order of operations, chosen to follow the physics: tissue signal with partial volume at edges
 * (pixels whose neighbours differ are supersampled 4x4, the rest sampled once, which keeps a
 * 512-matrix slice to a few tens of milliseconds); CSF flow voids (signal loss from pulsatile flow,
 * dorsal to the cord); the receive coil's bias field (the spine array is posterior, so signal falls
 * off anteriorly); motion ghosts (faint copies shifted along the phase-encoding direction); then
 * complex Gaussian noise, whose magnitude is Rician, and quantisation to 12 bits.
 *
 * <p>The box is the bounding box of the pixels whose centres lie in the bony canal, so it is read
 * from the same rendering as the pixels, after the slice's rotation and shift.
 */
public final class Acquisition {
  private Acquisition() {}

  /** Tissue ordinal at a point in mm, with {@link SliceModel#CANAL} set inside the canal. */
  @FunctionalInterface
  public interface Classifier {
    int classify(double x, double y);
  }

  /** Which contrast a series has. */
  public enum Weighting {
    T2,
    T1
  }

  /**
   * Where the anatomy sits in the image: the sac centre's offset from the image centre (mm, image
   * axes) and the patient's rotation (radians, positive counter-clockwise as displayed).
   */
  public record Pose(double shiftX, double shiftY, double rotation) {}

  /**
   * The artefacts of a series.
   *
   * @param biasSlope bias strength, anterior to posterior
   * @param biasLateral lateral bias curvature
   * @param ghost ghost amplitude (0 for none)
   * @param ghostAlongRows whether the phase-encoding direction is along the rows (left-right)
   * @param flowVoids whether CSF flow voids are drawn
   */
  public record Artefacts(
      double biasSlope,
      double biasLateral,
      double ghost,
      boolean ghostAlongRows,
      boolean flowVoids) {}

  /**
   * A rendered slice: pixels, the class at each pixel centre and the canal box (inclusive pixel
   * indices, 0-based), or all -1 when the canal is outside the image.
   */
  public record Image(
      int size, short[] pixels, byte[] classes, int x0, int y0, int x1, int y1, int maxValue) {}

  /**
   * The noiseless signal of a tissue at a point, mm, given the CSF flow voids as (x, y, radius)
   * triples.
   */
  @FunctionalInterface
  public interface Signal {
    double at(int tissue, double x, double y, double[] voids);
  }

  /**
   * How tissues look: the noiseless signal of each, and the gain on the scanner's scale per unit.
   *
   * @param tissue the signal of a tissue at a point
   * @param gain multiplies the scanner's scale
   */
  public record Contrast(Signal tissue, double gain) {
    /** The fixed-tissue contrast of the internal and external styles for {@code weighting}. */
    public static Contrast of(Weighting weighting) {
      return new Contrast(
          (t, x, y, voids) -> tissueSignal(t, weighting, x, y, voids),
          weighting == Weighting.T1 ? 1.6 : 1.0);
    }
  }

  /**
   * Renders {@code model} on a {@code size} matrix of {@code spacing} mm pixels, with the given
   * contrast and, for the randomized style, the degradations applied before noise ({@code null} for
   * none).
   */
  static Image render(
      Classifier model,
      int size,
      double spacing,
      Pose pose,
      Scanner scanner,
      Artefacts art,
      Contrast contrast,
      Degradation degradation,
      RandomGenerator random) {
    Signal tissue = contrast.tissue();
    int n = size * size;
    byte[] classes = new byte[n];
    double[] signal = new double[n];
    double cos = Math.cos(pose.rotation());
    double sin = Math.sin(pose.rotation());
    double half = size / 2.0;
    int bx0 = Integer.MAX_VALUE;
    int by0 = Integer.MAX_VALUE;
    int bx1 = -1;
    int by1 = -1;
    for (int r = 0; r < size; r++) {
      double py = (r + 0.5 - half) * spacing - pose.shiftY();
      for (int c = 0; c < size; c++) {
        double px = (c + 0.5 - half) * spacing - pose.shiftX();
        double x = cos * px + sin * py;
        double y = -sin * px + cos * py;
        int code = model.classify(x, y);
        classes[r * size + c] = (byte) (code & 0xFF);
        if ((code & SliceModel.CANAL) != 0) {
          bx0 = Math.min(bx0, c);
          bx1 = Math.max(bx1, c);
          by0 = Math.min(by0, r);
          by1 = Math.max(by1, r);
        }
      }
    }
    double[] voids =
        art.flowVoids() && model instanceof SliceModel m ? flowVoids(m, random) : new double[0];
    for (int r = 0; r < size; r++) {
      for (int c = 0; c < size; c++) {
        int k = r * size + c;
        byte cl = classes[k];
        boolean edge =
            (c > 0 && classes[k - 1] != cl)
                || (c < size - 1 && classes[k + 1] != cl)
                || (r > 0 && classes[k - size] != cl)
                || (r < size - 1 && classes[k + size] != cl);
        double v;
        if (edge) {
          v = 0;
          for (int sy = 0; sy < 4; sy++) {
            double py = (r + (sy + 0.5) / 4 - half) * spacing - pose.shiftY();
            for (int sx = 0; sx < 4; sx++) {
              double px = (c + (sx + 0.5) / 4 - half) * spacing - pose.shiftX();
              double x = cos * px + sin * py;
              double y = -sin * px + cos * py;
              v += tissue.at(model.classify(x, y) & 0xFF, x, y, voids);
            }
          }
          v /= 16;
        } else {
          double py = (r + 0.5 - half) * spacing - pose.shiftY();
          double px = (c + 0.5 - half) * spacing - pose.shiftX();
          double x = cos * px + sin * py;
          double y = -sin * px + cos * py;
          v = tissue.at(cl, x, y, voids);
        }
        double ny = (r + 0.5 - half) / size;
        double nx = (c + 0.5 - half) / size;
        signal[k] = v * Math.exp(art.biasSlope() * ny - art.biasLateral() * nx * nx);
      }
    }
    if (art.ghost() > 0) {
      signal = ghost(signal, size, art);
    }
    if (degradation != null) {
      signal = degradation.apply(signal, size);
    }
    double sd0 = scanner.noise() * scanner.scale();
    double scale = scanner.scale() * contrast.gain();
    short[] px = new short[n];
    int max = 0;
    for (int k = 0; k < n; k++) {
      double sd = degradation == null ? sd0 : sd0 * degradation.noiseFactor(k / size, size);
      double re = signal[k] * scale + random.nextGaussian() * sd;
      double im = random.nextGaussian() * sd;
      int q = (int) Math.min(4095, Math.round(Math.sqrt(re * re + im * im)));
      px[k] = (short) q;
      max = Math.max(max, q);
    }
    if (bx1 < 0) {
      return new Image(size, px, classes, -1, -1, -1, -1, max);
    }
    return new Image(size, px, classes, bx0, by0, bx1, by1, max);
  }

  private static double tissueSignal(int ordinal, Weighting w, double x, double y, double[] voids) {
    Tissue t = Tissue.of(ordinal);
    double v = w == Weighting.T2 ? t.t2() : t.t1();
    if (t == Tissue.TUMOUR) {
      // Metastases are mottled; a fixed interference pattern is enough to stop them looking flat.
      v *= 1 + 0.12 * Math.sin(x * 1.3 + 0.7 * y) * Math.sin(y * 1.1 - 0.4 * x);
    } else if (t == Tissue.CSF && voids.length > 0) {
      for (int i = 0; i < voids.length; i += 3) {
        double dx = x - voids[i];
        double dy = y - voids[i + 1];
        v *= 1 - 0.75 * Math.exp(-(dx * dx + dy * dy) / (voids[i + 2] * voids[i + 2]));
      }
    }
    return v;
  }

  /** Flow voids as (x, y, radius) triples, dorsal and lateral to the cord where CSF pulsates. */
  static double[] flowVoids(SliceModel model, RandomGenerator random) {
    double[] c = model.canalEllipse();
    int count = 1 + random.nextInt(3);
    double[] v = new double[3 * count];
    for (int i = 0; i < count; i++) {
      double angle = Math.PI * (0.15 + 0.7 * random.nextDouble());
      v[3 * i] = Math.cos(angle) * (c[0] - 2.6);
      v[3 * i + 1] = Math.sin(angle) * (c[1] - 1.9);
      v[3 * i + 2] = 0.6 + 0.6 * random.nextDouble();
    }
    return v;
  }

  /** Two faint copies of the image shifted by a third of the field along the phase direction. */
  private static double[] ghost(double[] s, int size, Artefacts art) {
    double[] out = s.clone();
    int shift = size / 3;
    for (int r = 0; r < size; r++) {
      for (int c = 0; c < size; c++) {
        int k = r * size + c;
        int k1;
        int k2;
        if (art.ghostAlongRows()) {
          k1 = r * size + Math.floorMod(c - shift, size);
          k2 = r * size + Math.floorMod(c + shift, size);
        } else {
          k1 = Math.floorMod(r - shift, size) * size + c;
          k2 = Math.floorMod(r + shift, size) * size + c;
        }
        out[k] += art.ghost() * (s[k1] + s[k2]);
      }
    }
    return out;
  }
}
