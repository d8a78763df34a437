package io.cordwatch.stats;

/**
 * The Landis and Koch (1977, Biometrics 33:159-174, Table on p. 165) benchmark bands for kappa-like
 * coefficients. The paper's bands are written with two-decimal limits (0.00-0.20, 0.21-0.40...);
 * here each band's upper limit is inclusive and the next starts just above it, so every value falls
 * in exactly one band (0.205 is "fair", not between bands).
 */
public enum LandisKoch {
  POOR("poor"),
  SLIGHT("slight"),
  FAIR("fair"),
  MODERATE("moderate"),
  SUBSTANTIAL("substantial"),
  ALMOST_PERFECT("almost perfect");

  private final String label;

  LandisKoch(String label) {
    this.label = label;
  }

  /** The band's name as the paper writes it. */
  public String label() {
    return label;
  }

  /** The band of a coefficient; throws for NaN (an undefined coefficient has no band). */
  public static LandisKoch of(double coefficient) {
    if (Double.isNaN(coefficient)) {
      throw new IllegalArgumentException("an undefined coefficient has no Landis-Koch band");
    }
    if (coefficient < 0) {
      return POOR;
    }
    if (coefficient <= 0.20) {
      return SLIGHT;
    }
    if (coefficient <= 0.40) {
      return FAIR;
    }
    if (coefficient <= 0.60) {
      return MODERATE;
    }
    if (coefficient <= 0.80) {
      return SUBSTANTIAL;
    }
    return ALMOST_PERFECT;
  }
}
