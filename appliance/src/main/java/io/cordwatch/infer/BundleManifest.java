package io.cordwatch.infer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * bundle.json as it lies on disk (docs/model-bundle.md): the one place its keys are spelled, read
 * by {@link BundleManifestReader} and written by {@link BundleWriter}. Nothing here is checked
 * beyond JSON types (unknown, missing and wrongly typed keys are refused while reading); ranges,
 * files and shapes are {@link BundleChecks}' work, which turns a manifest into a {@link Bundle}.
 *
 * <p>A component marked {@code required} is a required key; any other is optional and null when
 * absent (and then not written). Explicit JSON nulls are refused everywhere except {@code
 * head.ood_threshold}, where null means "no OOD check". {@code preprocessing} binds straight to
 * {@link PreprocessingSpec}, whose components carry their keys too. The {@code localizer} entry is
 * kept as a JSON object here, because it holds a {@link FileRef} and a {@link LocalizerSpec} side
 * by side; {@link BundleManifestReader#localizer} splits it.
 *
 * <p>Component order is the order keys are written in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BundleManifest(
    @JsonProperty(value = BundleManifest.FORMAT_VERSION, required = true) int formatVersion,
    @JsonProperty("name") String name,
    @JsonProperty(value = "backbone", required = true) Backbone backbone,
    @JsonProperty("localizer") ObjectNode localizer,
    @JsonProperty(value = "head", required = true) Head head,
    @JsonProperty(value = "preprocessing", required = true) PreprocessingSpec preprocessing,
    @JsonProperty("calibration") Calibration calibration,
    @JsonProperty(value = "provenance", required = true) ProvenanceEntry provenance) {

  /** The key read before the rest, so a newer format is reported as such, not as unknown keys. */
  static final String FORMAT_VERSION = "format_version";

  BundleManifest withLocalizer(ObjectNode entry) {
    return new BundleManifest(
        formatVersion, name, backbone, entry, head, preprocessing, calibration, provenance);
  }

  BundleManifest withCalibration(Calibration entry) {
    return new BundleManifest(
        formatVersion, name, backbone, localizer, head, preprocessing, entry, provenance);
  }

  /** A file inside the bundle and its lower-case hex sha256. */
  record FileRef(
      @JsonProperty(value = FILE, required = true) String file,
      @JsonProperty(value = SHA256, required = true) String sha256) {
    static final String FILE = "file";
    static final String SHA256 = "sha256";
  }

  /** {@code backbone}: the ONNX graph and D. */
  record Backbone(
      @JsonProperty(value = FileRef.FILE, required = true) String file,
      @JsonProperty(value = FileRef.SHA256, required = true) String sha256,
      @JsonProperty(value = "embedding_width", required = true) int embeddingWidth) {
    FileRef ref() {
      return new FileRef(file, sha256);
    }
  }

  /** {@code head}: the prototypes and the numbers of the decision rule. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Head(
      @JsonProperty(value = "prototypes", required = true) FileRef prototypes,
      @JsonProperty("classes") List<String> classes,
      @JsonProperty("high_grade") List<String> highGrade,
      @JsonProperty(value = "temperature", required = true) double temperature,
      @JsonProperty("ood_scale") Double oodScale,
      @JsonProperty(value = "ood_threshold", required = true)
          @JsonSetter(nulls = Nulls.SET)
          @JsonInclude(JsonInclude.Include.ALWAYS)
          Double oodThreshold,
      @JsonProperty("high_threshold") Double highThreshold,
      @JsonProperty("max_uncertain_fraction") Double maxUncertainFraction,
      @JsonProperty("max_no_roi_fraction") Double maxNoRoiFraction) {}

  /** {@code calibration}: INT8 calibration slices. */
  record Calibration(
      @JsonProperty(value = FileRef.FILE, required = true) String file,
      @JsonProperty(value = FileRef.SHA256, required = true) String sha256,
      @JsonProperty(value = "slices", required = true) int slices) {
    FileRef ref() {
      return new FileRef(file, sha256);
    }
  }

  /** {@code provenance}; the date stays text here so a bad one is reported with its key. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ProvenanceEntry(
      @JsonProperty(value = "training_data", required = true) String trainingData,
      @JsonProperty(value = "date", required = true) String date,
      @JsonProperty("metrics") Map<String, Double> metrics,
      @JsonProperty(value = "clinical_use", required = true) boolean clinicalUse,
      @JsonProperty("notes") String notes) {

    static ProvenanceEntry of(Provenance p) {
      return new ProvenanceEntry(
          p.trainingData(),
          p.date().toString(),
          new LinkedHashMap<>(p.metrics()),
          p.clinicalUse(),
          p.notes().isEmpty() ? null : p.notes());
    }
  }
}
