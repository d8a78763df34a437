package io.cordwatch.phantom.real;

import java.util.random.RandomGenerator;

/**
 * One synthetic epidural tumour to insert into a real slice.
 *
 * @param direction centre of the tumour's arc, radians in image axes (0 = towards the patient's
 *     left, pi/2 = posterior, 3pi/2 = anterior)
 * @param halfWidth half the angular extent of the arc, radians; pi means all round
 * @param severity 0 (no tumour) to 1 (the deepest intrusion the model allows: the cord squeezed to
 *     {@value LesionInserter#CORD_MIN} of its radius under the tumour's centre)
 * @param style how the tumour looks on T2
 * @param textureSeed seed of the tumour's texture
 */
public record Lesion(
    double direction, double halfWidth, double severity, Style style, long textureSeed) {

  /** Tumour signal relative to the slice's own cord and CSF levels. */
  public enum Style {
    /** Below the cord (sclerotic or cellular tumour). */
    DARK,
    /** About the cord. */
    INTERMEDIATE,
    /** Between cord and CSF, heterogeneous. */
    BRIGHT_HETEROGENEOUS
  }

  /** Where the tumour comes from. */
  public enum Site {
    ANTERIOR(1.5 * Math.PI, 0.35),
    ANTEROLATERAL_LEFT(1.75 * Math.PI, 0.15),
    ANTEROLATERAL_RIGHT(1.25 * Math.PI, 0.15),
    POSTERIOR(0.5 * Math.PI, 0.15),
    CIRCUMFERENTIAL(1.5 * Math.PI, 0.20);

    final double direction;
    final double weight;

    Site(double direction, double weight) {
      this.direction = direction;
      this.weight = weight;
    }
  }

  /**
   * A random lesion: site by clinical frequency (anterior and anterolateral most), severity 0 with
   * probability {@code untouched}, else uniform in (0.05, 1].
   */
  public static Lesion random(RandomGenerator r, double untouched) {
    double u = r.nextDouble();
    Site site = Site.CIRCUMFERENTIAL;
    for (Site s : Site.values()) {
      if (u < s.weight) {
        site = s;
        break;
      }
      u -= s.weight;
    }
    double width =
        site == Site.CIRCUMFERENTIAL ? Math.PI : Math.toRadians(35 + 45 * r.nextDouble());
    double dir = site.direction + Math.toRadians(-12 + 24 * r.nextDouble());
    double severity = r.nextDouble() < untouched ? 0 : 0.05 + 0.95 * r.nextDouble();
    Style style = Style.values()[r.nextInt(Style.values().length)];
    return new Lesion(dir, width, severity, style, r.nextLong());
  }

  /** The same lesion at another severity. */
  public Lesion withSeverity(double s) {
    return new Lesion(direction, halfWidth, s, style, textureSeed);
  }
}
