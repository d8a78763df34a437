package io.cordwatch.grade.bilsky;

import java.util.Arrays;
import java.util.List;

/**
 * The Bilsky grades, in order of severity, with the names used in labels (BILSKY.md). This is the
 * one place the scale is spelled: the phantom labels with it, evaluation reads labels into it, the
 * trainer trains on its classes and a bundle without a {@code head.classes} list defaults to them.
 * A bundle's own class names stay strings (a bring-your-own model may name its classes
 * differently); only the defaults come from here.
 */
public enum Grade {
  G0("0"),
  G1A("1a"),
  G1B("1b"),
  G1C("1c"),
  G2("2"),
  G3("3");

  private static final List<String> LABELS = Arrays.stream(values()).map(Grade::label).toList();
  private static final List<String> HIGH_LABELS =
      Arrays.stream(values()).filter(Grade::high).map(Grade::label).toList();

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

  /** Every grade's label in order of severity: 0, 1a, 1b, 1c, 2, 3. */
  public static List<String> labels() {
    return LABELS;
  }

  /** The labels of the high grades, in order: 1c, 2, 3. */
  public static List<String> highLabels() {
    return HIGH_LABELS;
  }
}
