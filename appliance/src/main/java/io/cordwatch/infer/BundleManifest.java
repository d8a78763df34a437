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
 * by side; {@link BundleManifestReader#localizer} splits it. The {@code segmenter} entry likewise
 * ({@link SegmenterSpec}, split by {@link BundleManifestReader#segmenter}).
 *
 * <p>Component order is the order keys are written in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BundleManifest(
    @JsonProperty(value = FORMAT_VERSION, required = true) int formatVersion,
    @JsonProperty(NAME) String name,
    @JsonProperty(value = BACKBONE, required = true) Backbone backbone,
    @JsonProperty(LOCALIZER) ObjectNode localizer,
    @JsonProperty(SEGMENTER) ObjectNode segmenter,
    @JsonProperty(value = HEAD, required = true) Head head,
    @JsonProperty(value = PREPROCESSING, required = true) PreprocessingSpec preprocessing,
    @JsonProperty(CALIBRATION) Calibration calibration,
    @JsonProperty(value = PROVENANCE, required = true) ProvenanceEntry provenance) {

  /** The key read before the rest, so a newer format is reported as such, not as unknown keys. */
  static final String FORMAT_VERSION = "format_version";

  static final String NAME = "name";
  static final String BACKBONE = "backbone";
  static final String LOCALIZER = "localizer";
  static final String SEGMENTER = "segmenter";
  static final String HEAD = "head";
  static final String PREPROCESSING = "preprocessing";
  static final String CALIBRATION = "calibration";
  static final String PROVENANCE = "provenance";

  /** The dotted path of {@code key} inside the object {@code entry}, as messages name it. */
  static String path(String entry, String key) {
    return entry + "." + key;
  }

  BundleManifest withLocalizer(ObjectNode entry) {
    return new BundleManifest(
        formatVersion,
        name,
        backbone,
        entry,
        segmenter,
        head,
        preprocessing,
        calibration,
        provenance);
  }

  BundleManifest withSegmenter(ObjectNode entry) {
    return new BundleManifest(
        formatVersion,
        name,
        backbone,
        localizer,
        entry,
        head,
        preprocessing,
        calibration,
        provenance);
  }

  BundleManifest withNameAndProvenance(String n, ProvenanceEntry p) {
    return new BundleManifest(
        formatVersion, n, backbone, localizer, segmenter, head, preprocessing, calibration, p);
  }

  BundleManifest withHead(Head entry) {
    return new BundleManifest(
        formatVersion,
        name,
        backbone,
        localizer,
        segmenter,
        entry,
        preprocessing,
        calibration,
        provenance);
  }

  BundleManifest withCalibration(Calibration entry) {
    return new BundleManifest(
        formatVersion,
        name,
        backbone,
        localizer,
        segmenter,
        head,
        preprocessing,
        entry,
        provenance);
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
      @JsonProperty(value = EMBEDDING_WIDTH, required = true) int embeddingWidth) {
    static final String EMBEDDING_WIDTH = "embedding_width";

    FileRef ref() {
      return new FileRef(file, sha256);
    }
  }

  /** {@code head}: the prototypes and the numbers of the decision rule. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Head(
      @JsonProperty(value = PROTOTYPES, required = true) FileRef prototypes,
      @JsonProperty(CLASSES) List<String> classes,
      @JsonProperty(HIGH_GRADE) List<String> highGrade,
      @JsonProperty(value = TEMPERATURE, required = true) double temperature,
      @JsonProperty(OOD_SCALE) Double oodScale,
      @JsonProperty(value = OOD_THRESHOLD, required = true)
          @JsonSetter(nulls = Nulls.SET)
          @JsonInclude(JsonInclude.Include.ALWAYS)
          Double oodThreshold,
      @JsonProperty(HIGH_THRESHOLD) Double highThreshold,
      @JsonProperty(MAX_UNCERTAIN_FRACTION) Double maxUncertainFraction,
      @JsonProperty(MAX_NO_ROI_FRACTION) Double maxNoRoiFraction,
      @JsonProperty(CONFIDENT_HIGH_THRESHOLD) Double confidentHighThreshold,
      @JsonProperty(RULE_OUT_THRESHOLD) Double ruleOutThreshold,
      @JsonProperty(SERIES_BASELINE) SeriesBaseline seriesBaseline) {
    static final String PROTOTYPES = "prototypes";
    static final String CLASSES = "classes";
    static final String HIGH_GRADE = "high_grade";
    static final String TEMPERATURE = "temperature";
    static final String OOD_SCALE = "ood_scale";
    static final String OOD_THRESHOLD = "ood_threshold";
    static final String HIGH_THRESHOLD = "high_threshold";
    static final String MAX_UNCERTAIN_FRACTION = "max_uncertain_fraction";
    static final String MAX_NO_ROI_FRACTION = "max_no_roi_fraction";
    static final String CONFIDENT_HIGH_THRESHOLD = "confident_high_threshold";
    static final String RULE_OUT_THRESHOLD = "rule_out_threshold";
    static final String SERIES_BASELINE = "series_baseline";

    Head withPrototypes(FileRef file, double scale) {
      return copy(
          file, scale, highThreshold, confidentHighThreshold, ruleOutThreshold, seriesBaseline);
    }

    Head withConfidentHighThreshold(double t) {
      return copy(prototypes, oodScale, highThreshold, t, ruleOutThreshold, seriesBaseline);
    }

    Head withRuleOutThreshold(double t) {
      return copy(prototypes, oodScale, highThreshold, confidentHighThreshold, t, seriesBaseline);
    }

    Head withSeriesBaseline(SeriesBaseline b) {
      return copy(prototypes, oodScale, highThreshold, confidentHighThreshold, ruleOutThreshold, b);
    }

    /**
     * A new triage threshold. A confident band below it is dropped: the band lies at or above the
     * triage threshold, and one chosen above the old threshold says nothing about the new one. A
     * rule-out threshold above it is dropped for the same reason, and a series baseline with it
     * (the baseline needs a rule-out threshold); otherwise the baseline is kept, since its
     * reference is a level of the slices' P(high), not a threshold.
     */
    Head withHighThreshold(double t) {
      Double band =
          confidentHighThreshold != null && confidentHighThreshold >= t
              ? confidentHighThreshold
              : null;
      Double ruleOut = ruleOutThreshold != null && ruleOutThreshold <= t ? ruleOutThreshold : null;
      return copy(prototypes, oodScale, t, band, ruleOut, ruleOut == null ? null : seriesBaseline);
    }

    /** This head with the values a bundle command may change; the rest as they are. */
    private Head copy(
        FileRef file,
        Double scale,
        Double high,
        Double confident,
        Double ruleOut,
        SeriesBaseline baseline) {
      return new Head(
          file,
          classes,
          highGrade,
          temperature,
          scale,
          oodThreshold,
          high,
          maxUncertainFraction,
          maxNoRoiFraction,
          confident,
          ruleOut,
          baseline);
    }
  }

  /** {@code calibration}: INT8 calibration slices. */
  record Calibration(
      @JsonProperty(value = FileRef.FILE, required = true) String file,
      @JsonProperty(value = FileRef.SHA256, required = true) String sha256,
      @JsonProperty(value = SLICES, required = true) int slices) {
    static final String SLICES = "slices";

    FileRef ref() {
      return new FileRef(file, sha256);
    }
  }

  /** {@code provenance}; the date stays text here so a bad one is reported with its key. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ProvenanceEntry(
      @JsonProperty(value = TRAINING_DATA, required = true) String trainingData,
      @JsonProperty(value = DATE, required = true) String date,
      @JsonProperty(METRICS) Map<String, Double> metrics,
      @JsonProperty(value = CLINICAL_USE, required = true) boolean clinicalUse,
      @JsonProperty(NOTES) String notes,
      @JsonProperty(PARENT) ParentEntry parent) {
    static final String TRAINING_DATA = "training_data";
    static final String DATE = "date";
    static final String METRICS = "metrics";
    static final String CLINICAL_USE = "clinical_use";
    static final String NOTES = "notes";
    static final String PARENT = "parent";

    static ProvenanceEntry of(Provenance p) {
      return new ProvenanceEntry(
          p.trainingData(),
          p.date().toString(),
          new LinkedHashMap<>(p.metrics()),
          p.clinicalUse(),
          p.notes().isEmpty() ? null : p.notes(),
          p.parent() == null
              ? null
              : new ParentEntry(p.parent().name(), p.parent().manifestSha256()));
    }
  }

  /** {@code provenance.parent}: the bundle an adapted one was derived from. */
  record ParentEntry(
      @JsonProperty(value = NAME, required = true) String name,
      @JsonProperty(value = FileRef.SHA256, required = true) String sha256) {}
}
