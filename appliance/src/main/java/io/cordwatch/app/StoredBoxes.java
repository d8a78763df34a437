package io.cordwatch.app;

import io.cordwatch.roi.BoxSource;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.SlicePixels;
import io.cordwatch.store.Index;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Canal boxes supplied through the API ({@code PUT /api/v1/studies/{uid}/boxes}), read from the
 * index slice by slice, so a box stored a moment ago is the one the next grading uses. A stored box
 * was checked when it was accepted; one that cannot be a box any more is treated as absent rather
 * than failing the series. Its slices record {@link BoxSource#API} as their box source.
 */
final class StoredBoxes implements BoxSource {
  private final Index index;

  StoredBoxes(Index index) {
    this.index = index;
  }

  @Override
  public Optional<CanalBox> box(String sopInstanceUid, int frame) {
    return index
        .box(sopInstanceUid, frame)
        .flatMap(
            b -> {
              try {
                return Optional.of(new CanalBox(b.x0(), b.y0(), b.x1(), b.y1()));
              } catch (IllegalArgumentException e) {
                return Optional.empty();
              }
            });
  }

  @Override
  public Located locate(String sopInstanceUid, int frame, Supplier<SlicePixels> pixels) {
    return box(sopInstanceUid, frame)
        .map(b -> Located.found(b, API))
        .orElseGet(() -> Located.none(NO_BOX));
  }
}
