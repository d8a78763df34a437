package io.cordwatch.roi;

import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleLocalizer;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.OnnxLocalizer;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Boxes found by the bundle's localizer model ({@link CanalLocator} around {@link OnnxLocalizer}).
 * It needs the pixels, so {@link #box} never has a box; the grader asks through {@link #locate}. A
 * slice where the model is not confident is "no ROI" with the model's reason, never a guess. Engine
 * failures ({@link io.cordwatch.infer.EngineException}) propagate: they fail the job like a
 * backbone failure does, rather than turn every slice into "no ROI".
 *
 * <p>Owns its ONNX Runtime session; close it when done. Concurrent callers (the grading worker and
 * streaming grading share one grader) are safe: the locator holds no per-call state and the session
 * is synchronised, so they take turns on the model.
 */
public final class LocalizerBoxes implements BoxSource, AutoCloseable {
  private final OnnxLocalizer engine;
  private final CanalLocator locator;
  private final String description;

  private LocalizerBoxes(OnnxLocalizer engine, CanalLocator locator, String description) {
    this.engine = engine;
    this.locator = locator;
    this.description = description;
  }

  /**
   * Opens the bundle's localizer.
   *
   * @throws io.cordwatch.infer.BundleException when the bundle has none or it does not load
   */
  public static LocalizerBoxes open(Bundle bundle) {
    BundleLocalizer l =
        bundle
            .localizer()
            .orElseThrow(
                () ->
                    new io.cordwatch.infer.BundleException(
                        io.cordwatch.infer.BundleException.Code.MISSING_FILE,
                        bundle.source() + ": the bundle has no localizer"));
    OnnxLocalizer engine = Bundles.openLocalizer(bundle);
    return new LocalizerBoxes(
        engine,
        new CanalLocator(l.spec(), engine::probabilities),
        "localizer "
            + l.file()
            + " ("
            + l.spec().inputSize()
            + " px views, threshold "
            + l.spec().threshold()
            + ")");
  }

  @Override
  public Optional<CanalBox> box(String sopInstanceUid, int frame) {
    return Optional.empty();
  }

  @Override
  public Located locate(String sopInstanceUid, int frame, Supplier<SlicePixels> pixels) {
    Objects.requireNonNull(pixels, "pixels");
    CanalLocator.Result r = locator.locate(pixels.get());
    return r.found() ? Located.found(r.box(), LOCALIZER) : Located.none(r.reason());
  }

  /** What runs, for logs and the status page. */
  public String description() {
    return description;
  }

  @Override
  public void close() {
    engine.close();
  }
}
