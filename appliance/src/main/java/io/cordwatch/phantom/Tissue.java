package io.cordwatch.phantom;

/**
 * The classes of the label map, with their relative signal on fast spin echo T2 and spin echo T1
 * (1.0 = CSF on T2). Values follow BILSKY.md: CSF very bright, cord intermediate, epidural fat
 * bright-ish, muscle dark, cortex a dark rim, marrow intermediate, metastasis low to intermediate.
 */
public enum Tissue {
  AIR(0.0, 0.0),
  SUBCUTANEOUS_FAT(0.80, 0.95),
  MUSCLE(0.17, 0.35),
  LUNG(0.03, 0.03),
  VESSEL(0.04, 0.10),
  HEART(0.14, 0.30),
  MEDIASTINUM(0.55, 0.80),
  OESOPHAGUS(0.30, 0.35),
  CORTEX(0.05, 0.05),
  MARROW(0.45, 0.75),
  DISC(0.13, 0.30),
  NUCLEUS(0.62, 0.30),
  JOINT(0.65, 0.20),
  TUMOUR(0.27, 0.28),
  EPIDURAL_FAT(0.72, 0.90),
  DURA(0.07, 0.15),
  CSF(1.0, 0.12),
  CORD(0.38, 0.42),
  /** Thickened ligamentum flavum (randomized style's posterior mimic). */
  LIGAMENT(0.10, 0.25),
  /** Epidural vein (randomized style's mimic; its randomized signal is dark or bright). */
  VEIN(0.05, 0.10),
  /** Nerve root in the CSF (randomized style's mimic). */
  NERVE_ROOT(0.38, 0.42);

  private static final Tissue[] ALL = values();

  private final double t2;
  private final double t1;

  Tissue(double t2, double t1) {
    this.t2 = t2;
    this.t1 = t1;
  }

  /** Relative signal on the axial and sagittal T2 series. */
  public double t2() {
    return t2;
  }

  /** Relative signal on the axial T1 series. */
  public double t1() {
    return t1;
  }

  /** The classes that make up the spinal canal: epidural space and thecal sac. */
  public boolean inCanal() {
    return this == EPIDURAL_FAT
        || this == DURA
        || this == CSF
        || this == CORD
        || this == LIGAMENT
        || this == VEIN
        || this == NERVE_ROOT;
  }

  /** The thecal sac: dura, CSF and cord. */
  public boolean inSac() {
    return this == DURA || this == CSF || this == CORD || this == NERVE_ROOT;
  }

  static Tissue of(int ordinal) {
    return ALL[ordinal];
  }
}
