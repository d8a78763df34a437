package io.cordwatch.roi;

import java.util.Comparator;
import java.util.Objects;

/**
 * The canal box of one slice, named by its instance and frame.
 *
 * @param frame 1-based frame number (1 for single-frame objects)
 */
public record SliceBox(String sopInstanceUid, int frame, CanalBox box) {
  /** By instance, then frame. */
  public static final Comparator<SliceBox> ORDER =
      Comparator.comparing(SliceBox::sopInstanceUid).thenComparingInt(SliceBox::frame);

  public SliceBox {
    Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
    Objects.requireNonNull(box, "box");
    if (frame < 1) {
      throw new IllegalArgumentException("frame must be 1 or more, got " + frame);
    }
  }
}
