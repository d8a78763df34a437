package io.cordwatch.grade;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.DicomReadException;
import io.cordwatch.dicom.InstanceFacts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Offline inputs (a folder of DICOM files, as {@code grade}, {@code validate} and {@code adapt}
 * read them) grouped by study and series, with each file's header facts, ready for {@link
 * SeriesGrader#grade}.
 */
public final class SeriesFiles {
  private SeriesFiles() {}

  /** One DICOM file and what its header says. */
  public record File(Path path, InstanceFacts facts) {}

  /**
   * study UID -> series UID -> files, each level in the order the files came. Labels and key-image
   * files beside the studies (.csv, .xml, .png) are passed over; a file that is not DICOM is named
   * to {@code notRead} with the reason and left out. A missing UID groups under "".
   */
  public static Map<String, Map<String, List<File>>> group(
      List<Path> files, Consumer<String> notRead) {
    Map<String, Map<String, List<File>>> studies = new LinkedHashMap<>();
    for (Path f : files) {
      String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".csv") || name.endsWith(".xml") || name.endsWith(".png")) {
        continue;
      }
      InstanceFacts facts;
      try {
        facts = DicomFacts.read(f);
      } catch (DicomReadException e) {
        notRead.accept(f + ": " + e.reason());
        continue;
      }
      studies
          .computeIfAbsent(orEmpty(facts.studyInstanceUid()), k -> new LinkedHashMap<>())
          .computeIfAbsent(orEmpty(facts.seriesInstanceUid()), k -> new ArrayList<>())
          .add(new File(f, facts));
    }
    return studies;
  }

  /** The header facts of a series' files, in order. */
  public static List<InstanceFacts> facts(List<File> series) {
    return series.stream().map(File::facts).toList();
  }

  /** A series' files as the grader's inputs, in order. */
  public static List<SeriesGrader.Input> inputs(List<File> series) {
    return series.stream()
        .map(f -> new SeriesGrader.Input(f.facts().sopInstanceUid(), f.path()))
        .toList();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
