package io.cordwatch.adapt;

import io.cordwatch.roi.SuppliedBoxes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of labelled studies: DICOM files anywhere below it (symbolic links followed, as a site
 * may link study folders into one) and a {@code labels.csv} at its top with the reference grade and
 * canal box of each labelled slice (what {@code cordwatch phantom} writes and the results view's
 * {@code reviews.csv} export holds).
 */
public final class LabelledFolder implements LabelledStudies {
  private final Path dir;
  private final Path labels;
  private final String csv;
  private final List<Path> files;

  private LabelledFolder(Path dir, Path labels, String csv, List<Path> files) {
    this.dir = dir;
    this.labels = labels;
    this.csv = csv;
    this.files = files;
  }

  /**
   * Reads the folder's labels.csv and lists its files.
   *
   * @throws AdaptException naming the folder when it has no labels.csv or cannot be read
   */
  public static LabelledFolder of(Path dir) {
    Path labels = dir.resolve("labels.csv");
    if (!Files.isRegularFile(labels)) {
      throw new AdaptException(dir + ": no labels.csv (reference grades and canal boxes)");
    }
    try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
      return new LabelledFolder(
          dir, labels, Files.readString(labels, StandardCharsets.UTF_8), files);
    } catch (IOException | UncheckedIOException e) {
      throw new AdaptException(dir + ": cannot read: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return dir.toString();
  }

  @Override
  public String labelsCsv() {
    return csv;
  }

  @Override
  public String labelsName() {
    return labels.toString();
  }

  @Override
  public SuppliedBoxes boxes() {
    return SuppliedBoxes.load(labels);
  }

  @Override
  public List<Path> files() {
    return files;
  }

  @Override
  public boolean preselected() {
    return false;
  }

  @Override
  public String studyName(String studyInstanceUid) {
    return studyInstanceUid;
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("kind", "folder");
    d.put("folder", dir.toString());
    return d;
  }
}
