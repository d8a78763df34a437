package io.cordwatch.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The findings of one network fuzz run, counted by signature; the first input of each signature is
 * saved beside a text file naming the signature, the mutations that made the input and the detail,
 * so that it can be replayed.
 */
final class FindingLog {
  private final Path dir;
  private final String name;
  private final String extension;
  private final Map<String, DicomFuzzer.Finding> bySignature = new LinkedHashMap<>();

  /**
   * @param dir where the inputs are saved; null to keep none
   * @param name the start of each saved file's name ("association", "http")
   * @param extension the saved input's extension, with its dot
   */
  FindingLog(Path dir, String name, String extension) {
    this.dir = dir;
    this.name = name;
    this.extension = extension;
  }

  /** Counts a finding; the first of its signature is saved with its input (when there is one). */
  void record(String signature, String detail, byte[] input, List<?> mutations) {
    DicomFuzzer.Finding f = bySignature.get(signature);
    bySignature.put(
        signature,
        f == null
            ? new DicomFuzzer.Finding(
                signature, 1, save(bySignature.size(), input, signature, detail, mutations), detail)
            : new DicomFuzzer.Finding(f.signature(), f.hits() + 1, f.input(), f.detail()));
  }

  /** The findings so far, first seen first. */
  List<DicomFuzzer.Finding> findings() {
    return List.copyOf(bySignature.values());
  }

  private Path save(int n, byte[] input, String signature, String detail, List<?> mutations) {
    if (dir == null || input == null) {
      return null;
    }
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name + "-" + (n + 1) + extension);
      Files.write(file, input);
      Files.writeString(
          dir.resolve(name + "-" + (n + 1) + ".txt"),
          signature + "\nmutations: " + mutations + "\n" + detail + "\n",
          StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save a finding in " + dir, e);
    }
  }
}
