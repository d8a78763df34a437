package io.cordwatch.phantom;

/**
 * A scanner profile: what the headers say and how the scanner's images differ (intensity scale,
 * noise, how often patients move on it). The axial T2 parameters stay inside BILSKY.md's ranges;
 * the rest are typical of the named systems' spine protocols.
 *
 * @param manufacturer Manufacturer (0008,0070)
 * @param model Manufacturer's Model Name
 * @param fieldStrength Magnetic Field Strength, tesla
 * @param software Software Versions
 * @param scale signal of CSF in stored units, before bias
 * @param noise Gaussian noise per channel as a fraction of {@code scale}
 * @param ghosting chance that a series shows motion ghosts
 * @param flowVoids chance that a series shows CSF flow voids
 */
public record Scanner(
    String manufacturer,
    String model,
    double fieldStrength,
    String software,
    double scale,
    double noise,
    double ghosting,
    double flowVoids) {

  static final Scanner GE_15 =
      new Scanner("GE MEDICAL SYSTEMS", "Signa HDxt", 1.5, "HD23", 1900, 0.030, 0.15, 0.35);
  static final Scanner GE_30 =
      new Scanner("GE MEDICAL SYSTEMS", "Discovery MR750", 3.0, "DV26", 2600, 0.020, 0.15, 0.5);
  static final Scanner SIEMENS_15 =
      new Scanner("SIEMENS", "Aera", 1.5, "syngo MR E11", 900, 0.028, 0.12, 0.35);
  static final Scanner SIEMENS_30 =
      new Scanner("SIEMENS", "Skyra", 3.0, "syngo MR E11", 1200, 0.018, 0.12, 0.5);
  static final Scanner SIEMENS_AVANTO =
      new Scanner("SIEMENS", "Avanto", 1.5, "syngo MR B17", 700, 0.045, 0.3, 0.4);
  static final Scanner GE_OPTIMA =
      new Scanner("GE MEDICAL SYSTEMS", "Optima MR450w", 1.5, "DV25", 1500, 0.040, 0.3, 0.4);
  static final Scanner PHILIPS_30 =
      new Scanner("Philips Medical Systems", "Ingenia", 3.0, "5.3.1", 1100, 0.035, 0.3, 0.5);

  /** The same system with another intensity scale, noise and artefact rates (one study's draw). */
  Scanner with(double scale, double noise, double ghosting, double flowVoids) {
    return new Scanner(
        manufacturer, model, fieldStrength, software, scale, noise, ghosting, flowVoids);
  }
}
