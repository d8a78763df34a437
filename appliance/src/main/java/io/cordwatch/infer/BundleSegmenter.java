package io.cordwatch.infer;

import java.nio.file.Path;

/**
 * A bundle's canal segmenter: the ONNX file bundle.json's {@code segmenter} entry names, and how to
 * run it.
 *
 * @param model the file, with its checked sha256
 * @param spec view size, window, classes and veto threshold (docs/model-bundle.md)
 */
public record BundleSegmenter(BundleFile model, SegmenterSpec spec) {
  /** The file's name in bundle.json. */
  public String file() {
    return model.file();
  }

  /** Where the file lies now. */
  public Path path() {
    return model.path();
  }
}
