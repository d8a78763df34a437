package io.cordwatch.phantom;

/**
 * Dimensions of the thoracic spine by level, T1 to T12, interpolated along the spine. Values are
 * adult averages rounded from morphometry series: the cord is widest at T1 (end of the cervical
 * enlargement) and again at T11-T12 (lumbar enlargement), the canal is narrowest mid-thoracic, and
 * the vertebral bodies grow steadily caudally. Positions are millimetres along the spine from the
 * top of T1, increasing caudally.
 */
public final class Anatomy {
  private static final double[] CORD_WIDTH = {
    10.0, 9.4, 9.0, 8.8, 8.7, 8.6, 8.6, 8.7, 8.9, 9.3, 9.8, 10.0
  };
  private static final double[] CORD_AP = {
    7.6, 7.2, 7.0, 6.9, 6.8, 6.8, 6.8, 6.9, 7.0, 7.3, 7.7, 7.9
  };
  private static final double[] CANAL_WIDTH = {
    19.2, 18.2, 17.6, 17.2, 17.2, 17.2, 17.3, 17.5, 17.8, 18.4, 19.4, 20.7
  };
  private static final double[] CANAL_AP = {
    16.5, 16.2, 16.0, 16.0, 16.0, 16.0, 16.1, 16.2, 16.4, 16.6, 17.0, 17.5
  };
  private static final double[] BODY_WIDTH = {
    26.0, 27.0, 28.0, 29.0, 30.5, 32.0, 33.5, 35.0, 36.5, 38.5, 40.5, 42.0
  };
  private static final double[] BODY_AP = {
    16.5, 18.0, 19.5, 21.0, 22.5, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0
  };
  private static final double[] BODY_HEIGHT = {
    14.5, 15.5, 16.0, 16.5, 17.5, 18.0, 19.0, 19.5, 20.5, 21.5, 22.5, 23.5
  };
  private static final double[] DISC_HEIGHT = {
    4.0, 4.0, 4.0, 4.2, 4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.8, 6.2
  };

  private Anatomy() {}

  /** Number of thoracic levels modelled. */
  public static final int LEVELS = 12;

  /**
   * Where a position along the spine falls.
   *
   * @param level 0 for T1 ... 11 for T12
   * @param phase position within the level, 0 at the top of the body, 1 at the bottom of the disc
   *     below it
   * @param inDisc whether the slice passes through the intervertebral disc
   * @param withPedicles whether it passes through the pedicles (upper body)
   */
  public record Position(int level, double phase, boolean inDisc, boolean withPedicles) {
    /** T1 ... T12 (with T12-L1 for the disc below T12). */
    public String name() {
      return inDisc
          ? "T" + (level + 1) + "-" + (level == LEVELS - 1 ? "L1" : "T" + (level + 2))
          : "T" + (level + 1);
    }
  }

  /** Dimensions at a position, in mm. */
  public record Dimensions(
      double cordWidth,
      double cordAp,
      double canalWidth,
      double canalAp,
      double bodyWidth,
      double bodyAp) {}

  /** Length of the thoracic spine modelled, top of T1 to the bottom of the T12-L1 disc. */
  public static double length() {
    double s = 0;
    for (int i = 0; i < LEVELS; i++) {
      s += BODY_HEIGHT[i] + DISC_HEIGHT[i];
    }
    return s;
  }

  /** Start of level {@code level} along the spine. */
  public static double levelStart(int level) {
    double s = 0;
    for (int i = 0; i < level; i++) {
      s += BODY_HEIGHT[i] + DISC_HEIGHT[i];
    }
    return s;
  }

  /** The level and phase at {@code s} mm along the spine (clamped to T1-T12). */
  public static Position position(double s) {
    double start = 0;
    for (int i = 0; i < LEVELS; i++) {
      double len = BODY_HEIGHT[i] + DISC_HEIGHT[i];
      if (s < start + len || i == LEVELS - 1) {
        double into = Math.clamp(s - start, 0, len);
        boolean disc = into >= BODY_HEIGHT[i];
        double f = into / BODY_HEIGHT[i];
        return new Position(i, into / len, disc, !disc && f > 0.12 && f < 0.62);
      }
      start += len;
    }
    throw new AssertionError("unreachable");
  }

  /** Dimensions at {@code s} mm along the spine, interpolated between level centres. */
  public static Dimensions dimensions(double s) {
    double t = levelCoordinate(s);
    return new Dimensions(
        lerp(CORD_WIDTH, t),
        lerp(CORD_AP, t),
        lerp(CANAL_WIDTH, t),
        lerp(CANAL_AP, t),
        lerp(BODY_WIDTH, t),
        lerp(BODY_AP, t));
  }

  private static double levelCoordinate(double s) {
    Position p = position(s);
    return p.level() + p.phase() - 0.5;
  }

  private static double lerp(double[] v, double t) {
    if (t <= 0) {
      return v[0];
    }
    if (t >= v.length - 1) {
      return v[v.length - 1];
    }
    int i = (int) t;
    double f = t - i;
    return v[i] * (1 - f) + v[i + 1] * f;
  }
}
