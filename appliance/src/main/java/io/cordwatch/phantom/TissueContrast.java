package io.cordwatch.phantom;

import java.util.random.RandomGenerator;

/**
 * Tissue contrast from relaxation physics, for the randomized style: each study draws every
 * tissue's T1, T2 and proton density around literature-like values (1.5 T, fast spin echo, where
 * fat keeps a long apparent T2), and a series' signal is the spin-echo equation {@code PD * (1 -
 * exp(-TR/T1)) * exp(-TE/T2)} at that series' own TR and TE. So TE and TR change the pixels, not
 * only the headers, and the contrast between cord, CSF, fat and tumour varies between studies the
 * way it does between patients and protocols.
 *
 * <p>Signals are divided by the signal of average CSF at TR 4000 ms, TE 100 ms, so CSF on a typical
 * T2 series sits near 1, as the scanner profiles' scales expect. Some studies are fat-suppressed:
 * fat signal is cut to a fraction, marrow (about half fat) to half of that.
 */
public final class TissueContrast {
  /** How a lesion looks: the three tumour families of spinal metastases on T2. */
  public enum TumourKind {
    /** Sclerotic (prostate, breast after treatment): dark. */
    SCLEROTIC(1100, 45, 0.45),
    /** Oedematous or lytic (renal, thyroid): bright. */
    OEDEMATOUS(1300, 140, 0.85),
    /** Mixed: intermediate with strong texture. */
    HETEROGENEOUS(1100, 80, 0.75);

    private final double t1;
    private final double t2;
    private final double pd;

    TumourKind(double t1, double t2, double pd) {
      this.t1 = t1;
      this.t2 = t2;
      this.pd = pd;
    }
  }

  /**
   * One lesion's relaxation.
   *
   * @param kind the family
   * @param t1 T1, ms
   * @param t2 T2, ms
   * @param pd proton density relative to CSF
   */
  public record TumourLook(TumourKind kind, double t1, double t2, double pd) {
    /** Normalised spin-echo signal at TR/TE. */
    public double signal(double tr, double te) {
      return spinEcho(pd, t1, t2, tr, te) / REFERENCE;
    }
  }

  // T1 ms, T2 ms, PD in Tissue order (TUMOUR is per lesion, VEIN per study).
  private static final double[][] LITERATURE = {
    {1, 1, 0}, // AIR
    {300, 130, 0.9}, // SUBCUTANEOUS_FAT
    {1000, 40, 0.7}, // MUSCLE
    {1200, 30, 0.06}, // LUNG
    {1500, 150, 0.06}, // VESSEL (flow void)
    {950, 50, 0.45}, // HEART
    {330, 110, 0.85}, // MEDIASTINUM
    {900, 55, 0.7}, // OESOPHAGUS
    {1000, 10, 0.08}, // CORTEX
    {550, 90, 0.8}, // MARROW
    {1100, 45, 0.65}, // DISC
    {1200, 130, 0.85}, // NUCLEUS
    {2500, 400, 0.9}, // JOINT
    {1100, 80, 0.75}, // TUMOUR (replaced per lesion)
    {300, 130, 0.9}, // EPIDURAL_FAT
    {1000, 30, 0.35}, // DURA
    {4000, 2000, 1.0}, // CSF
    {850, 75, 0.72}, // CORD
    {800, 30, 0.35}, // LIGAMENT
    {1500, 150, 0.08}, // VEIN (dark: flow void)
    {850, 70, 0.7} // NERVE_ROOT
  };

  private static final double[] BRIGHT_VEIN = {1600, 250, 0.9};

  private static final double REFERENCE = spinEcho(1.0, 4000, 2000, 4000, 100);

  private final double[] t1;
  private final double[] t2;
  private final double[] pd;
  private final double fatKept;

  private TissueContrast(double[] t1, double[] t2, double[] pd, double fatKept) {
    this.t1 = t1;
    this.t2 = t2;
    this.pd = pd;
    this.fatKept = fatKept;
  }

  /** Draws a study's contrast. */
  static TissueContrast draw(RandomGenerator rnd, FactorRange.Factor heldOut) {
    int n = Tissue.values().length;
    double[] t1 = new double[n];
    double[] t2 = new double[n];
    double[] pd = new double[n];
    boolean brightVeins = rnd.nextBoolean();
    for (int i = 0; i < n; i++) {
      double[] lit = i == Tissue.VEIN.ordinal() && brightVeins ? BRIGHT_VEIN : LITERATURE[i];
      t1[i] = lit[0] * FactorRange.RELAXATION_SCALE.draw(rnd, heldOut);
      t2[i] = lit[1] * FactorRange.RELAXATION_SCALE.draw(rnd, heldOut);
      pd[i] = lit[2] * FactorRange.PROTON_DENSITY_SCALE.draw(rnd, heldOut);
    }
    double fatKept = rnd.nextDouble() < 0.25 ? 0.08 + 0.17 * rnd.nextDouble() : 1;
    return new TissueContrast(t1, t2, pd, fatKept);
  }

  /** Draws one lesion's look. */
  static TumourLook drawTumour(RandomGenerator rnd, FactorRange.Factor heldOut) {
    TumourKind kind = TumourKind.values()[rnd.nextInt(TumourKind.values().length)];
    return new TumourLook(
        kind,
        kind.t1 * FactorRange.RELAXATION_SCALE.draw(rnd, heldOut),
        kind.t2 * FactorRange.RELAXATION_SCALE.draw(rnd, heldOut),
        kind.pd * FactorRange.PROTON_DENSITY_SCALE.draw(rnd, heldOut));
  }

  /** Whether the study is fat-suppressed. */
  public boolean fatSuppressed() {
    return fatKept < 1;
  }

  /** Normalised signal of every tissue at TR/TE, in {@link Tissue} order. */
  public double[] signals(double tr, double te) {
    double[] s = new double[t1.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = spinEcho(pd[i], t1[i], t2[i], tr, te) / REFERENCE;
    }
    for (Tissue fat :
        new Tissue[] {Tissue.SUBCUTANEOUS_FAT, Tissue.EPIDURAL_FAT, Tissue.MEDIASTINUM}) {
      s[fat.ordinal()] *= fatKept;
    }
    s[Tissue.MARROW.ordinal()] *= 0.5 + 0.5 * fatKept;
    return s;
  }

  /** T2 of a tissue this study, ms (for tests and docs). */
  public double t2(Tissue t) {
    return t2[t.ordinal()];
  }

  static double spinEcho(double pd, double t1, double t2, double tr, double te) {
    return pd * (1 - Math.exp(-tr / t1)) * Math.exp(-te / t2);
  }
}
