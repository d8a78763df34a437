package io.cordwatch.roi;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the spinal canal is on a slice. One interface for every way of knowing it (boxes drawn by
 * people, the bundle's localizer model), so the grader does not care which one runs.
 *
 * <p>The grader asks through {@link #locate}, handing over the decoded slice; a source that reads
 * boxes from a file or the index ignores the pixels and answers through {@link #box}, a model looks
 * at them. The pixels come as a supplier, so the modality values of a slice are computed only when
 * a model needs them (grading itself reads stored samples through a lookup table); a supplied box
 * costs no conversion.
 */
public interface BoxSource {
  /** {@link Located#source()} of a box drawn by a person in the {@code boxes} file (CSV, VOC). */
  String SUPPLIED = "supplied";

  /** {@link Located#source()} of a box supplied through {@code PUT /api/v1/studies/{uid}/boxes}. */
  String API = "api";

  /** {@link Located#source()} of a box found by the bundle's localizer model. */
  String LOCALIZER = "localizer";

  /** {@link Located#reason()} when no source has a box for the slice. */
  String NO_BOX = "no canal box";

  /**
   * The canal box of one slice, when it is known without looking at the pixels.
   *
   * @param sopInstanceUid the instance
   * @param frame 1-based frame number (1 for single-frame objects)
   * @return the box, or empty when this source has none for the slice
   */
  Optional<CanalBox> box(String sopInstanceUid, int frame);

  /**
   * The canal box of one decoded slice, with where it came from, or why there is none. The default
   * answers from {@link #box} as a supplied box.
   *
   * @param pixels the decoded slice, computed on first call
   */
  default Located locate(String sopInstanceUid, int frame, Supplier<SlicePixels> pixels) {
    return box(sopInstanceUid, frame)
        .map(b -> Located.found(b, SUPPLIED))
        .orElseGet(() -> Located.none(NO_BOX));
  }

  /** A source that never has a box: every slice is "no ROI". */
  static BoxSource none() {
    return (sop, frame) -> Optional.empty();
  }

  /**
   * A box and its source, or the reason there is none.
   *
   * @param box the box; null when none
   * @param source {@link #API}, {@link #SUPPLIED} or {@link #LOCALIZER}; null when none
   * @param reason why there is no box (reported with the "no ROI" slice); null when found
   */
  record Located(CanalBox box, String source, String reason) {
    public static Located found(CanalBox box, String source) {
      return new Located(Objects.requireNonNull(box), Objects.requireNonNull(source), null);
    }

    public static Located none(String reason) {
      return new Located(null, null, Objects.requireNonNull(reason));
    }

    public boolean found() {
      return box != null;
    }
  }
}
