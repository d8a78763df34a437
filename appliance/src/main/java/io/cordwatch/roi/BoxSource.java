package io.cordwatch.roi;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the spinal canal is on a slice. One interface for every way of knowing it (boxes drawn by
 * people, the bundle's localizer model), so the grader does not care which one runs.
 *
 * <p>The grader asks through {@link #locate}, handing over the decoded slice; a source that reads
 * boxes from a file ignores the pixels and answers through {@link #box}, a model looks at them.
 */
public interface BoxSource {
  /** {@link Located#source()} of a box drawn by a person (labels.csv, VOC XML, the API). */
  String SUPPLIED = "supplied";

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
   * @param pixels the decoded slice
   */
  default Located locate(String sopInstanceUid, int frame, SlicePixels pixels) {
    return box(sopInstanceUid, frame)
        .map(b -> Located.found(b, SUPPLIED))
        .orElseGet(() -> Located.none(NO_BOX));
  }

  /** A source that never has a box: every slice is "no ROI". */
  static BoxSource none() {
    return (sop, frame) -> Optional.empty();
  }

  /**
   * {@code first} wherever it has a box, else {@code second}: supplied boxes win over the
   * localizer, which fills in the rest. Without a box from either, the reason is {@code second}'s.
   */
  static BoxSource firstOf(BoxSource first, BoxSource second) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    return new BoxSource() {
      @Override
      public Optional<CanalBox> box(String sop, int frame) {
        Optional<CanalBox> b = first.box(sop, frame);
        return b.isPresent() ? b : second.box(sop, frame);
      }

      @Override
      public Located locate(String sop, int frame, SlicePixels pixels) {
        Located a = first.locate(sop, frame, pixels);
        return a.found() ? a : second.locate(sop, frame, pixels);
      }
    };
  }

  /**
   * A box and its source, or the reason there is none.
   *
   * @param box the box; null when none
   * @param source {@link #SUPPLIED} or {@link #LOCALIZER}; null when none
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
