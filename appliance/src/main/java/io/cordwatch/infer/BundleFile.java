package io.cordwatch.infer;

import java.nio.file.Path;

/**
 * A file a bundle names: its name in bundle.json, the sha256 recorded there (and checked at load),
 * and where it lies now.
 */
public record BundleFile(String file, String sha256, Path path) {}
