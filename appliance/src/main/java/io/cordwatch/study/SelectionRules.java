package io.cordwatch.study;

/**
 * The thresholds that decide which series are graded. They come from the same settings as the
 * appliance (keys {@code axial-max-angle}, {@code t2-min-te}, {@code t2-min-tr}) so that the {@code
 * rules test} dry run answers exactly as {@code serve} would.
 *
 * @param axialMaxAngleDeg largest angle between a slice normal and the patient z-axis still called
 *     axial, in degrees; strictly between 0 and 90
 * @param t2MinEchoTimeMs shortest echo time called T2-weighted, in ms
 * @param t2MinRepetitionTimeMs shortest repetition time called T2-weighted, in ms
 */
public record SelectionRules(
    double axialMaxAngleDeg, double t2MinEchoTimeMs, double t2MinRepetitionTimeMs) {

  public SelectionRules {
    if (!(axialMaxAngleDeg > 0 && axialMaxAngleDeg < 90)) {
      throw new IllegalArgumentException(
          "axial-max-angle: must be between 0 and 90 degrees, was " + axialMaxAngleDeg);
    }
    if (!(t2MinEchoTimeMs >= 0) || Double.isInfinite(t2MinEchoTimeMs)) {
      throw new IllegalArgumentException(
          "t2-min-te: must be a non-negative number of ms, was " + t2MinEchoTimeMs);
    }
    if (!(t2MinRepetitionTimeMs >= 0) || Double.isInfinite(t2MinRepetitionTimeMs)) {
      throw new IllegalArgumentException(
          "t2-min-tr: must be a non-negative number of ms, was " + t2MinRepetitionTimeMs);
    }
  }

  /** The shipped defaults: axial within 20 degrees, T2 when TE >= 60 ms and TR >= 1500 ms. */
  public static SelectionRules defaults() {
    return new SelectionRules(20, 60, 1500);
  }
}
