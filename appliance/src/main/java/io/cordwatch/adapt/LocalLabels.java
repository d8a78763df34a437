package io.cordwatch.adapt;

import io.cordwatch.roi.LabelFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference grades of a labels.csv (the phantom's, the results view's export or a site's own):
 * columns {@code study_instance_uid}, {@code sop_instance_uid}, {@code grade} and optionally {@code
 * frame}; the canal boxes of the same file are read by {@link io.cordwatch.roi.SuppliedBoxes}.
 */
final class LocalLabels {
  private LocalLabels() {}

  record Key(String sopInstanceUid, int frame) {}

  record Label(String study, int classIndex) {}

  /**
   * @param csv what errors name as the file
   * @param text the labels.csv's text
   * @param classes the bundle's class names; a grade outside them is refused with its line
   * @throws AdaptException naming the file and line
   */
  static Map<Key, Label> read(String csv, String text, List<String> classes) {
    Map<Key, Label> out = new HashMap<>();
    try (BufferedReader in = new BufferedReader(new StringReader(text))) {
      String header = in.readLine();
      if (header == null) {
        throw new AdaptException(csv + ": empty file, expected a header line");
      }
      List<String> names = LabelFiles.csvColumns(header);
      int study = column(csv, names, "study_instance_uid");
      int sop = column(csv, names, "sop_instance_uid");
      int grade = column(csv, names, "grade");
      int frame = names.indexOf("frame");
      LabelFiles.csvRows(
          in,
          names.size(),
          sop,
          (line, what) -> new AdaptException(csv + " line " + line + ": " + what),
          (line, f, uid) -> {
            int c = classes.indexOf(f[grade].strip());
            if (c < 0) {
              throw new AdaptException(
                  csv
                      + " line "
                      + line
                      + ": grade '"
                      + f[grade].strip()
                      + "' is not one of "
                      + classes);
            }
            int fr;
            try {
              fr = frame < 0 ? 1 : Integer.parseInt(f[frame].strip());
            } catch (NumberFormatException e) {
              throw new AdaptException(csv + " line " + line + ": frame is not a number");
            }
            out.put(new Key(uid, fr), new Label(f[study].strip(), c));
          });
    } catch (IOException e) {
      throw new AdaptException(csv + ": cannot read: " + e.getMessage(), e);
    }
    return out;
  }

  private static int column(String csv, List<String> names, String name) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new AdaptException(csv + ": header has no '" + name + "' column");
    }
    return i;
  }
}
