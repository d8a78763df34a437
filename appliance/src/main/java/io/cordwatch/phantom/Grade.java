package io.cordwatch.phantom;

/** The Bilsky grades, in order of severity, with the names used in labels (BILSKY.md). */
public enum Grade {
  G0("0"),
  G1A("1a"),
  G1B("1b"),
  G1C("1c"),
  G2("2"),
  G3("3");

  private final String label;

  Grade(String label) {
    this.label = label;
  }

  /** The name in labels.csv and the VOC box: 0, 1a, 1b, 1c, 2, 3. */
  public String label() {
    return label;
  }

  /** High grade (1c, 2, 3): to be considered for surgical decompression. */
  public boolean high() {
    return ordinal() >= G1C.ordinal();
  }

  /** The grade named {@code label}. */
  public static Grade of(String label) {
    for (Grade g : values()) {
      if (g.label.equals(label)) {
        return g;
      }
    }
    throw new IllegalArgumentException("not a Bilsky grade: " + label);
  }
}
