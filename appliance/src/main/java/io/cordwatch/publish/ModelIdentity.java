package io.cordwatch.publish;

import io.cordwatch.dicom.Uids;
import java.util.List;

/**
 * The model a verdict came from, as results documents name it (TID 4019 Algorithm Identification
 * and the equipment modules).
 *
 * @param name the bundle's name
 * @param version a version people can compare: the bundle's date and the start of its digest
 * @param sha256 the digest of the bundle's manifest, which names every file with its own digest; a
 *     different model is a different digest
 * @param clinicalUse the bundle's provenance flag; documents from a bundle without it say "NOT FOR
 *     CLINICAL USE"
 * @param parameters the settings that decide a call (decision rule, thresholds), as text
 */
public record ModelIdentity(
    String name, String version, String sha256, boolean clinicalUse, List<String> parameters) {
  public ModelIdentity {
    parameters = List.copyOf(parameters);
    if (sha256 == null || sha256.isBlank()) {
      throw new IllegalArgumentException("a model identity needs the bundle's digest");
    }
  }

  /**
   * The Device UID of the grading software with this model: it changes whenever the model does, so
   * a PACS or a reader can tell results of different models apart.
   */
  public String deviceUid() {
    return Uids.named("cordwatch/device/" + sha256);
  }
}
