package io.cordwatch.roi;

import io.cordwatch.infer.Bundle;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The canal boxes grading uses, as an operator configures them: boxes drawn by people (the {@code
 * boxes} setting, {@code --boxes}) win wherever they have one; the bundle's localizer, when it has
 * one, finds the rest; a slice neither can box is "no ROI". One place builds this for the
 * appliance, {@code cordwatch grade} and the demo, so they cannot disagree. Opens the bundle's
 * canal segmenter beside them when it has one ({@link #tissue}), the other model that looks at the
 * canal, so the grader that uses these boxes also uses it. Owns both ONNX Runtime sessions.
 */
public final class ConfiguredBoxes implements AutoCloseable {
  private final BoxSource source;
  private final LocalizerBoxes localizer;
  private final String description;
  private final CanalTissue tissue;

  private ConfiguredBoxes(BoxSource source, LocalizerBoxes localizer, String description) {
    this(source, localizer, description, null);
  }

  private ConfiguredBoxes(
      BoxSource source, LocalizerBoxes localizer, String description, CanalTissue tissue) {
    this.source = source;
    this.localizer = localizer;
    this.description = description;
    this.tissue = tissue;
  }

  /**
   * Loads the supplied boxes (if a path is given) and opens the bundle's localizer (if it has one).
   *
   * @param supplied labels.csv or a VOC folder; null for none
   * @throws BoxFileException when the box file cannot be used
   * @throws io.cordwatch.infer.BundleException when the localizer cannot be opened
   * @throws io.cordwatch.infer.EngineException when ONNX Runtime cannot load
   */
  public static ConfiguredBoxes open(Bundle bundle, Path supplied) {
    Objects.requireNonNull(bundle, "bundle");
    return openWith(bundle, supplied == null ? null : SuppliedBoxes.load(supplied));
  }

  /**
   * Like {@link #open(Bundle, Path)}, with boxes already loaded.
   *
   * @param boxes the supplied boxes; null for none
   */
  public static ConfiguredBoxes openWith(Bundle bundle, SuppliedBoxes boxes) {
    Objects.requireNonNull(bundle, "bundle");
    ConfiguredBoxes configured = boxesFor(bundle, boxes);
    if (bundle.segmenter().isEmpty()) {
      return configured;
    }
    try {
      return new ConfiguredBoxes(
          configured.source,
          configured.localizer,
          configured.description,
          CanalTissue.open(bundle));
    } catch (RuntimeException e) {
      configured.close();
      throw e;
    }
  }

  private static ConfiguredBoxes boxesFor(Bundle bundle, SuppliedBoxes boxes) {
    LocalizerBoxes model = bundle.localizer().isPresent() ? LocalizerBoxes.open(bundle) : null;
    String from =
        boxes == null
            ? null
            : "canal boxes from " + boxes.description() + " (" + boxes.size() + ")";
    if (boxes != null && model != null) {
      return new ConfiguredBoxes(
          BoxSources.firstOf(boxes, model),
          model,
          from + ", the rest from the " + model.description());
    }
    if (boxes != null) {
      return new ConfiguredBoxes(boxes, null, from);
    }
    if (model != null) {
      return new ConfiguredBoxes(model, model, "canal boxes from the " + model.description());
    }
    return new ConfiguredBoxes(
        BoxSource.none(),
        null,
        "no canal boxes: every slice is reported 'no ROI' (set boxes, or use a bundle with a"
            + " localizer)");
  }

  /** The source the grader asks. */
  public BoxSource source() {
    return source;
  }

  /** Whether any slice can get a box (supplied boxes or a localizer are configured). */
  public boolean any() {
    return source instanceof SuppliedBoxes || localizer != null;
  }

  /** Whether the bundle's localizer runs. */
  public boolean localizes() {
    return localizer != null;
  }

  /** One line for logs and the status page. */
  public String description() {
    return tissue == null ? description : description + "; " + tissue.description();
  }

  /** The bundle's canal segmenter, or null when it has none. */
  public CanalTissue tissue() {
    return tissue;
  }

  @Override
  public void close() {
    try {
      if (localizer != null) {
        localizer.close();
      }
    } finally {
      if (tissue != null) {
        tissue.close();
      }
    }
  }
}
