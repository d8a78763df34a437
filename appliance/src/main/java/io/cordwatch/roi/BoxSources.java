package io.cordwatch.roi;

import java.util.List;
import java.util.Optional;

/** Ways of combining box sources. */
public final class BoxSources {
  private BoxSources() {}

  /**
   * A source that answers, slice by slice, with the first of {@code sources} that has a box for the
   * slice (boxes supplied through the API before those of the configured file, say).
   */
  public static BoxSource firstOf(BoxSource... sources) {
    List<BoxSource> list = List.of(sources);
    return (sop, frame) -> {
      for (BoxSource s : list) {
        Optional<CanalBox> box = s.box(sop, frame);
        if (box.isPresent()) {
          return box;
        }
      }
      return Optional.empty();
    };
  }
}
