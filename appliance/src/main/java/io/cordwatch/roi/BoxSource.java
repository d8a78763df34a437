package io.cordwatch.roi;

import java.util.Optional;

/**
 * Where the spinal canal is on a slice. One interface for every way of knowing it (supplied boxes
 * today, the bundle's localizer model later), so the grader does not care which one runs.
 */
public interface BoxSource {
  /**
   * The canal box of one slice.
   *
   * @param sopInstanceUid the instance
   * @param frame 1-based frame number (1 for single-frame objects)
   * @return the box, or empty when this source has none for the slice
   */
  Optional<CanalBox> box(String sopInstanceUid, int frame);

  /** A source that never has a box: every slice is "no ROI". */
  static BoxSource none() {
    return (sop, frame) -> Optional.empty();
  }
}
