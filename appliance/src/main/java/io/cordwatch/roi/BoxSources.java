package io.cordwatch.roi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** Ways of combining box sources. */
public final class BoxSources {
  private BoxSources() {}

  /**
   * A source that answers, slice by slice, with the first of {@code sources} that has a box for the
   * slice: boxes supplied through the API before those of the configured file, and both before the
   * bundle's localizer, which fills in the rest. Each box keeps the source that found it. Without a
   * box from any, the reason is the last source's (the localizer's when it runs). The pixels are
   * computed at most once per slice, and only if a source looks at them.
   */
  public static BoxSource firstOf(BoxSource... sources) {
    List<BoxSource> list = List.of(sources);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("firstOf needs at least one box source");
    }
    return new BoxSource() {
      @Override
      public Optional<CanalBox> box(String sop, int frame) {
        for (BoxSource s : list) {
          Optional<CanalBox> box = s.box(sop, frame);
          if (box.isPresent()) {
            return box;
          }
        }
        return Optional.empty();
      }

      @Override
      public Located locate(String sop, int frame, Supplier<SlicePixels> pixels) {
        Supplier<SlicePixels> once = once(pixels);
        Located last = null;
        for (BoxSource s : list) {
          last = s.locate(sop, frame, once);
          if (last.found()) {
            return last;
          }
        }
        return last;
      }
    };
  }

  private static Supplier<SlicePixels> once(Supplier<SlicePixels> pixels) {
    Objects.requireNonNull(pixels, "pixels");
    return new Supplier<>() {
      private SlicePixels value;

      @Override
      public SlicePixels get() {
        if (value == null) {
          value = Objects.requireNonNull(pixels.get(), "pixels");
        }
        return value;
      }
    };
  }
}
