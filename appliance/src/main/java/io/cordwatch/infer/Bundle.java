package io.cordwatch.infer;

import io.cordwatch.grade.bilsky.Grade;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A loaded, checked model bundle (see docs/model-bundle.md). Everything in it has been validated by
 * {@link Bundles#load}: the files exist with their checksums, the prototypes are K x D finite
 * floats with K equal to the number of classes. Whether the backbone runs is checked by {@link
 * Bundles#verify}, which needs ONNX Runtime.
 *
 * @param source what was loaded: the folder, or the .zip
 * @param directory the folder the files lie in (a private unpacked copy for a .zip)
 * @param name a label for logs and results ({@code name}, the folder's name when absent)
 * @param formatVersion bundle.json's {@code format_version}
 * @param backbone the ONNX graph producing embeddings
 * @param embeddingWidth D ({@code backbone.embedding_width})
 * @param localizer the optional canal localizer: its ONNX graph and how to run it
 * @param segmenter the optional canal segmenter, whose tumour measurement may withdraw a high call
 *     (docs/grading.md)
 * @param prototypesFile the [K, D] float32 little-endian file
 * @param prototypes K x D, one row per class in {@code classes} order
 * @param classes class names, index k is prototype k
 * @param highGrade the classes that count as high grade
 * @param temperature T in softmax(-d / T)
 * @param oodScale divides the nearest squared distance to give the OOD score
 * @param oodThreshold an OOD score above it marks a slice uncertain; +infinity when off
 * @param highThreshold the decision threshold on P(high) ({@code head.high_threshold}, in (0, 1)):
 *     a slice is called high when P(high) >= it; empty to call by the nearest prototype
 * @param verdictLimits when a series is indeterminate ({@code head.max_uncertain_fraction}, {@code
 *     head.max_no_roi_fraction}; {@link VerdictLimits#DEFAULTS} when absent)
 * @param preprocessing how slices become input tensors
 * @param calibration the optional INT8 calibration slices (TensorRT on a GPU builds an INT8 engine
 *     only with them)
 * @param provenance where the model came from
 * @param siteHighThreshold whether {@code highThreshold} is the site's own operating point (the
 *     {@code site-high-threshold} setting, {@link #withSiteHighThreshold}) rather than the bundle's
 * @param manifestSha256 the SHA-256 of bundle.json's bytes as loaded (hex): names this exact
 *     version of the bundle, since bundle.json holds every file's digest
 * @param signature what its signature said when it was loaded ({@link Bundles#load(Path,
 *     BundleTrust)}); {@link SignatureStatus#NOT_CHECKED} from {@link Bundles#load(Path)}
 */
public record Bundle(
    Path source,
    Path directory,
    String name,
    int formatVersion,
    BundleFile backbone,
    int embeddingWidth,
    Optional<BundleLocalizer> localizer,
    Optional<BundleSegmenter> segmenter,
    BundleFile prototypesFile,
    float[][] prototypes,
    List<String> classes,
    List<String> highGrade,
    double temperature,
    double oodScale,
    double oodThreshold,
    OptionalDouble highThreshold,
    VerdictLimits verdictLimits,
    PreprocessingSpec preprocessing,
    Optional<BundleCalibration> calibration,
    Provenance provenance,
    boolean siteHighThreshold,
    String manifestSha256,
    SignatureStatus signature) {

  /** The classes of a bundle whose manifest names none: the Bilsky grades' labels. */
  public static final List<String> DEFAULT_CLASSES = Grade.labels();

  /** The high-grade set of a bundle whose manifest names none: 1c, 2, 3. */
  public static final List<String> DEFAULT_HIGH_GRADE = Grade.highLabels();

  public Bundle {
    prototypes = copy(prototypes);
    classes = List.copyOf(classes);
    highGrade = List.copyOf(highGrade);
  }

  /**
   * This bundle with the site's own P(high) threshold in place of {@code head.high_threshold}. The
   * confident band starts at the higher of the two, so a high call at or above the site's threshold
   * is never below the band's start merely because the site chose a higher threshold.
   *
   * @throws IllegalArgumentException unless 0 < threshold < 1
   */
  public Bundle withSiteHighThreshold(double threshold) {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("a P(high) threshold is in (0, 1), got " + threshold);
    }
    VerdictLimits limits =
        verdictLimits.withConfidentHighThreshold(
            Math.max(verdictLimits.confidentHighThreshold(), threshold));
    return with(OptionalDouble.of(threshold), limits, true, signature);
  }

  /**
   * This bundle with the site's own rule-out threshold in place of {@code head.rule_out_threshold},
   * checked against the triage threshold in use (a site's own, when set first).
   *
   * @throws IllegalArgumentException unless the bundle has a triage threshold and 0 < threshold <=
   *     it
   */
  public Bundle withSiteRuleOutThreshold(double threshold) {
    if (highThreshold.isEmpty()) {
      throw new IllegalArgumentException(
          "a rule-out threshold needs a triage threshold (head.high_threshold or"
              + " site-high-threshold); this bundle calls by the nearest prototype");
    }
    double t = highThreshold.getAsDouble();
    if (!(threshold > 0 && threshold <= t)) {
      throw new IllegalArgumentException(
          "a rule-out threshold is above 0 and at most the triage threshold "
              + t
              + ", got "
              + threshold);
    }
    return with(
        highThreshold, verdictLimits.withRuleOutThreshold(threshold), siteHighThreshold, signature);
  }

  /** This bundle with the outcome of its signature check. */
  Bundle withSignature(SignatureStatus status) {
    return with(highThreshold, verdictLimits, siteHighThreshold, status);
  }

  /** A copy of this bundle with the decision settings and signature given. */
  private Bundle with(
      OptionalDouble threshold, VerdictLimits limits, boolean site, SignatureStatus status) {
    return new Bundle(
        source,
        directory,
        name,
        formatVersion,
        backbone,
        embeddingWidth,
        localizer,
        segmenter,
        prototypesFile,
        prototypes,
        classes,
        highGrade,
        temperature,
        oodScale,
        oodThreshold,
        threshold,
        limits,
        preprocessing,
        calibration,
        provenance,
        site,
        manifestSha256,
        status);
  }

  /**
   * The short name of this version: the bundle's name (letters, digits, dot, dash, underscore;
   * others become dashes) and the first 12 hex digits of bundle.json's SHA-256, as the bundle store
   * names its folders ({@code resnet50-bilsky-phantoms-2026-06-3f2a9c0d1e4b}).
   */
  public String versionId() {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[.-]+", "");
    if (safe.isEmpty()) {
      safe = "bundle";
    }
    if (safe.length() > 64) {
      safe = safe.substring(0, 64);
    }
    return safe + "-" + manifestSha256.substring(0, 12);
  }

  /** K x D; a copy, since the bundle is immutable. */
  @Override
  public float[][] prototypes() {
    return copy(prototypes);
  }

  /** K, the number of classes and prototypes. */
  public int classCount() {
    return classes.size();
  }

  public boolean isHighGrade(int classIndex) {
    return highGrade.contains(classes.get(classIndex));
  }

  /** Whether an OOD threshold is set. */
  public boolean oodEnabled() {
    return oodThreshold != Double.POSITIVE_INFINITY;
  }

  private static float[][] copy(float[][] rows) {
    float[][] out = new float[rows.length][];
    for (int k = 0; k < rows.length; k++) {
      out[k] = rows[k].clone();
    }
    return out;
  }
}
