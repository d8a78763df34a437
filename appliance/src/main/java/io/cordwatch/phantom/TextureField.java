package io.cordwatch.phantom;

/**
 * A smooth random field that multiplies tissue signal: real tissue is never flat, and a model that
 * could rely on flat tissue would learn the generator.
 *
 * <p>Value noise on a lattice of {@code scale} mm: each lattice corner gets a value in [-1, 1] from
 * a hash of its coordinates and the field's seed, and points between corners are interpolated with
 * a smoothstep, so the field is continuous, deterministic and costs a handful of multiplications
 * per sample (no tables, any extent). A second octave at half the scale and half the amplitude
 * breaks the lattice's regularity. The ridged family ({@code 1 - 2|n|}) has sharp creases instead
 * of smooth blobs; it is kept for the texture hold-out.
 */
public final class TextureField {
  /** No modulation. */
  public static final TextureField FLAT = new TextureField(0, 1, 0, false);

  private final long seed;
  private final double inverseScale;
  private final double amplitude;
  private final boolean ridged;

  /**
   * A field.
   *
   * @param seed which field
   * @param scale feature size, mm
   * @param amplitude relative modulation, 0 for none
   * @param ridged ridged rather than smooth noise
   */
  public TextureField(long seed, double scale, double amplitude, boolean ridged) {
    this.seed = seed;
    this.inverseScale = 1 / scale;
    this.amplitude = amplitude;
    this.ridged = ridged;
  }

  /** Feature size, mm. */
  public double scale() {
    return 1 / inverseScale;
  }

  /** Relative modulation. */
  public double amplitude() {
    return amplitude;
  }

  /** Whether the field is of the ridged family. */
  public boolean ridged() {
    return ridged;
  }

  /** The multiplier at (x, y) mm: 1 plus the field times the amplitude. */
  public double at(double x, double y) {
    if (amplitude == 0) {
      return 1;
    }
    double u = x * inverseScale;
    double v = y * inverseScale;
    double n = (noise(u, v, seed) + 0.5 * noise(2 * u + 17.3, 2 * v - 5.1, seed + 1)) / 1.5;
    if (ridged) {
      n = 1 - 2 * Math.abs(n);
    }
    return Math.max(0, 1 + amplitude * n);
  }

  private static double noise(double u, double v, long seed) {
    double fu = Math.floor(u);
    double fv = Math.floor(v);
    long iu = (long) fu;
    long iv = (long) fv;
    double tu = smooth(u - fu);
    double tv = smooth(v - fv);
    double a = corner(iu, iv, seed);
    double b = corner(iu + 1, iv, seed);
    double c = corner(iu, iv + 1, seed);
    double d = corner(iu + 1, iv + 1, seed);
    double top = a + (b - a) * tu;
    double bottom = c + (d - c) * tu;
    return top + (bottom - top) * tv;
  }

  private static double smooth(double t) {
    return t * t * (3 - 2 * t);
  }

  /** A value in [-1, 1] from a 64-bit mix (SplitMix64's finaliser) of the corner and the seed. */
  private static double corner(long iu, long iv, long seed) {
    long h = seed ^ (iu * 0x9E3779B97F4A7C15L) ^ (iv * 0xC2B2AE3D27D4EB4FL);
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53 * 2 - 1;
  }
}
