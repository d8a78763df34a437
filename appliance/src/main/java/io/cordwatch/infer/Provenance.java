package io.cordwatch.infer;

import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;

/**
 * Where a model came from. {@code clinicalUse} is false for anything trained on phantoms or not
 * validated on patients; the appliance then labels every result as not for clinical use.
 *
 * @param trainingData what it was trained on, in words ({@code training_data})
 * @param date when it was trained ({@code date}, ISO yyyy-mm-dd)
 * @param metrics named evaluation results, e.g. {@code gwet_ac1} ({@code metrics}, may be empty)
 * @param clinicalUse whether the model may inform patient care ({@code clinical_use})
 * @param notes free text, empty when absent ({@code notes})
 * @param parent the bundle this one was derived from ({@code parent}; {@code cordwatch adapt}), or
 *     null for a bundle trained from scratch
 */
public record Provenance(
    String trainingData,
    LocalDate date,
    Map<String, Double> metrics,
    boolean clinicalUse,
    String notes,
    Parent parent) {
  public Provenance {
    Objects.requireNonNull(trainingData, "trainingData");
    Objects.requireNonNull(date, "date");
    metrics = Map.copyOf(metrics);
    notes = notes == null ? "" : notes;
  }

  /** A bundle with no parent. */
  public Provenance(
      String trainingData,
      LocalDate date,
      Map<String, Double> metrics,
      boolean clinicalUse,
      String notes) {
    this(trainingData, date, metrics, clinicalUse, notes, null);
  }

  /**
   * The bundle another was derived from.
   *
   * @param name its name
   * @param manifestSha256 SHA-256 of its bundle.json, which names every file it had by checksum
   */
  public record Parent(String name, String manifestSha256) {
    public Parent {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(manifestSha256, "manifestSha256");
    }
  }
}
