package io.cordwatch.infer;

import java.nio.file.Path;

/**
 * A bundle's canal localizer: the ONNX file bundle.json's {@code localizer} entry names, and how to
 * run it.
 *
 * @param model the file, with its checked sha256
 * @param spec input size, window, output meaning and threshold (docs/model-bundle.md)
 */
public record BundleLocalizer(BundleFile model, LocalizerSpec spec) {
  /** The file's name in bundle.json. */
  public String file() {
    return model.file();
  }

  /** The file's sha256 as checked at load. */
  public String sha256() {
    return model.sha256();
  }

  /** Where the file lies now. */
  public Path path() {
    return model.path();
  }
}
