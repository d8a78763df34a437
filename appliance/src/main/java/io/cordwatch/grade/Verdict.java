package io.cordwatch.grade;

import io.cordwatch.infer.VerdictLimits;
import java.util.List;

/**
 * The result of one series: its study grade, where the disease is, and how it was obtained. Field
 * names are the wire names (snake_case on the wire).
 *
 * @param grade the worst confident (not uncertain) slice's grade, by nearest prototype; the first
 *     class (no disease) when confident slices showed none; null when no slice was graded with
 *     confidence
 * @param group {@value #HIGH} (a confident slice is called high), {@value #LOW}, or {@value
 *     #INDETERMINATE} (read manually: the series cannot be called, see {@code indeterminateReason})
 * @param indeterminateReason why the series is indeterminate, one of the {@code REASON_} codes;
 *     null unless indeterminate
 * @param indeterminateMessage the reason in a sentence for people; null unless indeterminate
 * @param segments runs of adjacent graded slices with disease, in slice-position order
 * @param keyImages the worst slice of each segment, in segment order
 * @param counts how many slices were graded, had no ROI, were unreadable, were uncertain
 * @param model the model that graded
 * @param timings where the time went
 */
public record Verdict(
    String grade,
    String group,
    String indeterminateReason,
    String indeterminateMessage,
    List<Segment> segments,
    List<KeyImage> keyImages,
    Counts counts,
    Model model,
    Timings timings) {

  public static final String HIGH = "high";
  public static final String LOW = "low";
  public static final String INDETERMINATE = "indeterminate";

  /** No slice was graded with confidence (no box, unreadable, or every graded slice uncertain). */
  public static final String REASON_NOTHING_GRADED = "nothing_graded";

  /**
   * Slices would be called high with confidence, but only before the series baseline discount:
   * every slice of the series scores higher than validation series do ({@link BaselineDiscount}),
   * so the model is outside what it knows and its high calls there are not trusted.
   */
  public static final String REASON_BASELINE_RAISED = "baseline_raised";

  /** The only slices called high are uncertain. */
  public static final String REASON_HIGH_ON_UNCERTAIN = "high_on_uncertain";

  /**
   * The only high calls are borderline: above the triage threshold but below the P(high) the model
   * needs to be confident ({@code head.confident_high_threshold}).
   */
  public static final String REASON_HIGH_BORDERLINE = "high_borderline";

  /**
   * The only high calls were withdrawn by the bundle's canal segmenter, which saw too little tumour
   * in their canal boxes ({@code segmenter.veto_below_mm2}): the calls are not trusted, and not
   * dismissed either.
   */
  public static final String REASON_HIGH_WITHDRAWN = "high_withdrawn";

  /**
   * No slice is called high, but a confident one has a P(high) at or above the bundle's {@code
   * head.rule_out_threshold}: high grade is not ruled out.
   */
  public static final String REASON_POSSIBLE_HIGH = "possible_high";

  /**
   * No slice is called high, but the canal box is missing on a slice between two slices that have
   * one: the canal does not vanish inside a spine, and a lesion that fills it can hide it from the
   * localizer.
   */
  public static final String REASON_CANAL_LOST = "canal_lost";

  /** More of the graded slices are uncertain than the bundle's limit allows. */
  public static final String REASON_TOO_MANY_UNCERTAIN = "too_many_uncertain";

  /** More of the slices have no canal box than the bundle's limit allows. */
  public static final String REASON_TOO_MANY_NO_ROI = "too_many_no_roi";

  /**
   * The series' Body Part Examined names only the lumbar or sacral spine, below the conus: no cord
   * to grade, and nothing the model was trained on ({@link io.cordwatch.dicom.SpineRegion}).
   */
  public static final String REASON_BELOW_CONUS = "below_conus";

  public Verdict {
    segments = List.copyOf(segments);
    keyImages = List.copyOf(keyImages);
  }

  /** Whether the series is high grade (should be considered for surgery). */
  public boolean high() {
    return HIGH.equals(group);
  }

  /** Whether the series could not be called and must be read manually. */
  public boolean indeterminate() {
    return INDETERMINATE.equals(group);
  }

  /**
   * A run of adjacent graded slices, all with disease.
   *
   * @param firstSlice 0-based index of its first slice in the series' slice list
   * @param lastSlice 0-based index of its last slice
   * @param sliceCount number of slices in it
   * @param maxGrade its worst grade
   * @param keyImage its worst slice
   */
  public record Segment(
      int firstSlice, int lastSlice, int sliceCount, String maxGrade, KeyImage keyImage) {}

  /** A slice to look at first. */
  public record KeyImage(String sopInstanceUid, int frame, String grade, double probability) {}

  /**
   * Slice counts by outcome.
   *
   * @param highCalls confident slices called high by the decision rule
   * @param uncertainHighCalls uncertain slices called high (they do not make the series high)
   * @param borderlineHighCalls confident high calls below the confident band
   * @param possibleHighSlices confident slices not called high with P(high) at or above the
   *     rule-out threshold (0 without one, and in verdicts stored before it existed)
   * @param withdrawnHighCalls slices whose high call the canal segmenter withdrew (0 without a
   *     segmenter, and in verdicts stored before it existed); they are not counted as high,
   *     borderline or possible high calls
   * @param canalLostSlices slices without a canal box that lie between two slices with one, in
   *     slice order (0 in verdicts stored before it was counted)
   * @param discountedHighCalls confident slices called high in the confident band before the series
   *     baseline discount and not after it ({@link BaselineDiscount#takenBack()}; 0 without a
   *     discount, and in verdicts stored before it existed)
   */
  public record Counts(
      int slices,
      int graded,
      int noRoi,
      int unreadable,
      int uncertain,
      int highCalls,
      int uncertainHighCalls,
      int borderlineHighCalls,
      int possibleHighSlices,
      int withdrawnHighCalls,
      int canalLostSlices,
      int discountedHighCalls) {
    /** Counts without high calls. */
    public Counts(int slices, int graded, int noRoi, int unreadable, int uncertain) {
      this(slices, graded, noRoi, unreadable, uncertain, 0, 0, 0, 0, 0, 0, 0);
    }
  }

  /**
   * The model.
   *
   * @param name the bundle's name
   * @param format the backbone's format ("onnx")
   * @param engine the engine that ran it, e.g. onnxruntime-cpu
   * @param clinicalUse the bundle's provenance flag; false for anything trained on phantoms
   * @param decision how a slice is called high: {@code "threshold 0.23"} (P(high) against the
   *     bundle's {@code high_threshold}) or {@code "nearest prototype"}
   * @param limits when a series is indeterminate
   * @param bundleSha256 the SHA-256 of the bundle's bundle.json: the exact version that graded
   *     (null in verdicts stored before it was recorded)
   * @param signed whether a key the appliance trusts signed that bundle (false: it ran because
   *     {@code allow-unsigned-bundles} is true; null when not checked: offline tools, and verdicts
   *     stored before signatures)
   * @param signedBy the trusted key, as {@code "<first 16 hex of its id> (<file>)"}; null unless
   *     signed
   * @param baselineDiscount the series baseline discount the series was judged with, in logits (0:
   *     none was due); null when the bundle has no series baseline, and in verdicts stored before
   *     it existed. The limits and the decision are then the ones that series was judged by
   */
  public record Model(
      String name,
      String format,
      String engine,
      boolean clinicalUse,
      String decision,
      VerdictLimits limits,
      String bundleSha256,
      Boolean signed,
      String signedBy,
      Double baselineDiscount) {
    /** A model without a series baseline discount. */
    public Model(
        String name,
        String format,
        String engine,
        boolean clinicalUse,
        String decision,
        VerdictLimits limits,
        String bundleSha256,
        Boolean signed,
        String signedBy) {
      this(
          name,
          format,
          engine,
          clinicalUse,
          decision,
          limits,
          bundleSha256,
          signed,
          signedBy,
          null);
    }

    /**
     * This model as it judged one series: with the bundle's series baseline in force, the limits
     * that series was judged by, the decision with its raised threshold, and the discount (0 when
     * none was due); without it, this model as it is.
     */
    public Model discounted(BaselineDiscount d) {
      if (!d.inForce()) {
        return this;
      }
      String how =
          d.logits() > 0
              ? String.format(
                  java.util.Locale.ROOT,
                  "%s, raised to %.4f for this series (series baseline discount %.2f logits)",
                  decision,
                  d.raisedTriage(),
                  d.logits())
              : decision;
      return new Model(
          name,
          format,
          engine,
          clinicalUse,
          how,
          d.limits(),
          bundleSha256,
          signed,
          signedBy,
          d.logits());
    }

    /** A model calling by the nearest prototype under the default limits. */
    public Model(String name, String format, String engine, boolean clinicalUse) {
      this(name, format, engine, clinicalUse, "nearest prototype", VerdictLimits.DEFAULTS);
    }

    /** A model whose bundle version and signature are not recorded. */
    public Model(
        String name,
        String format,
        String engine,
        boolean clinicalUse,
        String decision,
        VerdictLimits limits) {
      this(name, format, engine, clinicalUse, decision, limits, null, null, null);
    }
  }

  /**
   * Milliseconds spent.
   *
   * @param decodeMs reading and decoding pixel data
   * @param preprocessMs windowing, cropping and resizing
   * @param inferenceMs the backbone (engine calls)
   * @param headMs the prototype head and building the slice results
   * @param totalMs all of the grading, end to end
   * @param localizeMs finding canal boxes (the bundle's localizer when it runs; near 0 for supplied
   *     boxes), and the canal segmenter's look at borderline high calls when the bundle has one
   *     (docs/model-bundle.md): the models that look at the canal rather than grade it
   */
  public record Timings(
      long decodeMs,
      long preprocessMs,
      long inferenceMs,
      long headMs,
      long totalMs,
      long localizeMs) {
    /** Timings without a localizer. */
    public Timings(long decodeMs, long preprocessMs, long inferenceMs, long headMs, long totalMs) {
      this(decodeMs, preprocessMs, inferenceMs, headMs, totalMs, 0);
    }
  }
}
