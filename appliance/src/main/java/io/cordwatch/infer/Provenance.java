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
 */
public record Provenance(
    String trainingData,
    LocalDate date,
    Map<String, Double> metrics,
    boolean clinicalUse,
    String notes) {
  public Provenance {
    Objects.requireNonNull(trainingData, "trainingData");
    Objects.requireNonNull(date, "date");
    metrics = Map.copyOf(metrics);
    notes = notes == null ? "" : notes;
  }
}
