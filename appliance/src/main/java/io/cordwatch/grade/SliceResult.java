package io.cordwatch.grade;

import io.cordwatch.roi.CanalBox;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What became of one slice (one frame of one instance). The field names are the wire names of the
 * API and of {@code cordwatch grade --json} (in snake_case).
 *
 * @param sopInstanceUid the instance
 * @param frame 1-based frame number
 * @param status {@link #GRADED}, {@link #NO_ROI} or {@link #UNREADABLE}
 * @param grade the class name of the nearest prototype; null unless graded
 * @param probabilities class name to probability in class order, summing to 1; null unless graded
 * @param box the canal box that was cropped; null when there was none
 * @param ood the out-of-distribution score; null unless graded
 * @param uncertain whether the OOD score is above the bundle's threshold; null unless graded
 * @param reason why the slice was not graded; null when graded
 * @param slicePosition position along the slice normal in mm, or null when the object has none
 * @param boxSource where the box came from ({@code supplied} or {@code localizer}); null when there
 *     was no box
 * @param pHigh P(high), the summed probability of the bundle's high-grade classes; null unless
 *     graded
 * @param highCall whether the slice is called high by the bundle's decision rule (P(high) against
 *     {@code high_threshold}, else the nearest prototype's grade); null unless graded. An uncertain
 *     slice keeps its call, but it never makes a series high (docs/grading.md)
 * @param tumourInBoxMm2 the expected tumour area the bundle's canal segmenter sees inside the box,
 *     in mm²; null where it did not look (no segmenter, or a slice not about to be called high
 *     below the confident band)
 * @param callWithdrawn true when the segmenter withdrew the slice's high call ({@code highCall} is
 *     then false, and the slice counts as a withdrawn call, never as a plain low); null where it
 *     did not look
 */
public record SliceResult(
    String sopInstanceUid,
    int frame,
    String status,
    String grade,
    Map<String, Double> probabilities,
    CanalBox box,
    Double ood,
    Boolean uncertain,
    String reason,
    Double slicePosition,
    String boxSource,
    Double pHigh,
    Boolean highCall,
    Double tumourInBoxMm2,
    Boolean callWithdrawn) {
  public static final String GRADED = "graded";
  public static final String NO_ROI = "no_roi";
  public static final String UNREADABLE = "unreadable";

  public SliceResult {
    probabilities =
        probabilities == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
  }

  /**
   * A graded slice: its box came from {@code boxSource}; {@code pHigh} and {@code highCall} are
   * P(high) and the decision rule's call, or null where the caller has none.
   */
  public static SliceResult graded(
      String sop,
      int frame,
      String grade,
      Map<String, Double> probabilities,
      CanalBox box,
      String boxSource,
      double ood,
      boolean uncertain,
      Double position,
      Double pHigh,
      Boolean highCall) {
    return new SliceResult(
        sop,
        frame,
        GRADED,
        grade,
        probabilities,
        box,
        ood,
        uncertain,
        null,
        position,
        boxSource,
        pHigh,
        highCall,
        null,
        null);
  }

  public static SliceResult noRoi(String sop, int frame, String reason, Double position) {
    return new SliceResult(
        sop, frame, NO_ROI, null, null, null, null, null, reason, position, null, null, null, null,
        null);
  }

  public static SliceResult unreadable(String sop, int frame, String reason) {
    return new SliceResult(
        sop,
        frame,
        UNREADABLE,
        null,
        null,
        null,
        null,
        null,
        reason,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * This slice as the canal segmenter saw it: {@code mm2} of tumour in the box, and its high call
   * withdrawn when {@code withdraw}.
   */
  public SliceResult withTissue(double mm2, boolean withdraw) {
    return with(withdraw ? Boolean.FALSE : highCall, mm2, withdraw);
  }

  /** This slice with its high call made again ({@link BaselineDiscount}). */
  public SliceResult withHighCall(boolean call) {
    return with(call, tumourInBoxMm2, callWithdrawn);
  }

  /** This slice with another call and segmenter outcome, everything else as it is. */
  private SliceResult with(Boolean call, Double mm2, Boolean withdrawn) {
    return new SliceResult(
        sopInstanceUid,
        frame,
        status,
        grade,
        probabilities,
        box,
        ood,
        uncertain,
        reason,
        slicePosition,
        boxSource,
        pHigh,
        call,
        mm2,
        withdrawn);
  }

  /** Whether the canal segmenter withdrew this slice's high call. */
  public boolean withdrawn() {
    return Boolean.TRUE.equals(callWithdrawn);
  }

  public boolean isGraded() {
    return GRADED.equals(status);
  }

  /** Graded and not uncertain: a slice that may drive the series verdict. */
  public boolean isConfident() {
    return isGraded() && !Boolean.TRUE.equals(uncertain);
  }
}
