package io.cordwatch.trainer.dataset;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.DicomReadException;
import io.cordwatch.roi.LabelFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The grade of every labelled slice, read from the same files the appliance reads boxes from
 * ({@link io.cordwatch.roi.SuppliedBoxes}): a labels.csv with a {@code grade} column, or a folder
 * of LabelImg Pascal VOC XML whose single {@code <object><name>} is the grade (the source study's
 * annotation form). Boxes are deliberately not read here: {@link Dataset} takes them from {@code
 * SuppliedBoxes}, so a box means in training exactly what it means in service.
 *
 * <p>A grade outside the class list is an error naming the file and line (or XML file), never a
 * skipped slice: a silently dropped grade-3 slice would bias the training set towards low grades.
 */
public final class GradeLabels {
  private GradeLabels() {}

  /** One slice's key. */
  public record Key(String sopInstanceUid, int frame) {}

  /**
   * One graded slice.
   *
   * @param where file and line (or XML file) the grade came from, for messages
   */
  public record Graded(Key key, int classIndex, String where) {}

  /**
   * Reads grades from {@code labels} (a labels.csv file, or a folder searched recursively for VOC
   * XML), mapping grade names to indices of {@code classes}.
   *
   * @throws DatasetException {@code NO_LABELS} or {@code BAD_LABELS}
   */
  public static Map<Key, Graded> read(Path labels, List<String> classes) {
    if (Files.isRegularFile(labels)) {
      return csv(labels, classes);
    }
    if (Files.isDirectory(labels)) {
      return voc(labels, classes);
    }
    throw new DatasetException(
        DatasetException.Code.NO_LABELS, labels + ": no such labels.csv or VOC folder");
  }

  private static Map<Key, Graded> csv(Path file, List<String> classes) {
    Map<Key, Graded> out = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw bad(file, 1, "empty file: expected a header line");
      }
      List<String> names = LabelFiles.csvColumns(header);
      int sop = names.indexOf("sop_instance_uid");
      int grade = names.indexOf("grade");
      int frame = names.indexOf("frame");
      if (sop < 0 || grade < 0) {
        throw new DatasetException(
            DatasetException.Code.NO_LABELS,
            file
                + ":1: training needs 'sop_instance_uid' and 'grade' columns (the header has "
                + String.join(",", names)
                + ")");
      }
      LabelFiles.csvRows(
          in,
          names.size(),
          sop,
          (line, what) -> bad(file, line, what),
          (n, c, uid) -> {
            int f = 1;
            if (frame >= 0) {
              try {
                f = Integer.parseInt(c[frame].strip());
              } catch (NumberFormatException e) {
                throw bad(file, n, "frame is not a whole number: '" + c[frame] + "'");
              }
            }
            String where = file.getFileName() + ":" + n;
            put(out, new Graded(new Key(uid, f), index(classes, c[grade], file, n), where));
          });
    } catch (IOException e) {
      throw new DatasetException(
          DatasetException.Code.BAD_LABELS, file + ": cannot read: " + e.getMessage(), e);
    }
    return out;
  }

  private static Map<Key, Graded> voc(Path dir, List<String> classes) {
    List<Path> files;
    try {
      files = LabelFiles.xmlFiles(dir);
    } catch (IOException | UncheckedIOException e) {
      throw new DatasetException(
          DatasetException.Code.NO_LABELS, dir + ": cannot list: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new DatasetException(
          DatasetException.Code.NO_LABELS,
          dir + ": no labels.csv and no LabelImg .xml files in this folder");
    }
    DocumentBuilder parser = LabelFiles.secureParser();
    Map<Key, Graded> out = new LinkedHashMap<>();
    for (Path xml : files) {
      Element root;
      try {
        Document doc = parser.parse(xml.toFile());
        root = doc.getDocumentElement();
      } catch (SAXException | IOException e) {
        throw bad(xml, 0, "not readable XML: " + e.getMessage());
      }
      NodeList objects = root.getElementsByTagName("object");
      if (objects.getLength() != 1) {
        throw bad(xml, 0, objects.getLength() + " <object> elements; one graded box per slice");
      }
      String grade = LabelFiles.text((Element) objects.item(0), "name");
      if (grade == null) {
        throw bad(xml, 0, "<object> has no <name> (the grade)");
      }
      String frameText = LabelFiles.text(root, "frame");
      int frame;
      try {
        frame = frameText == null ? 1 : Integer.parseInt(frameText);
      } catch (NumberFormatException e) {
        throw bad(xml, 0, "<frame> is not a whole number: '" + frameText + "'");
      }
      String sop = LabelFiles.text(root, "sop_instance_uid");
      if (sop == null) {
        sop = sopOfImage(xml, LabelFiles.text(root, "filename"));
      }
      put(
          out,
          new Graded(
              new Key(sop, frame), index(classes, grade, xml, 0), xml.getFileName().toString()));
    }
    return out;
  }

  /** The SOP Instance UID of the DICOM file an XML describes, as SuppliedBoxes finds it. */
  private static String sopOfImage(Path xml, String filename) {
    Path image =
        LabelFiles.imageCandidates(xml, filename).stream()
            .filter(Files::isRegularFile)
            .findFirst()
            .orElseThrow(
                () ->
                    bad(
                        xml,
                        0,
                        "no DICOM file beside it to say which slice it grades (add"
                            + " <sop_instance_uid>)"));
    try {
      return DicomFacts.read(image).sopInstanceUid();
    } catch (DicomReadException e) {
      throw bad(xml, 0, "the image it describes, " + image + ", is not readable DICOM");
    }
  }

  private static void put(Map<Key, Graded> out, Graded g) {
    Graded before = out.put(g.key(), g);
    if (before != null && before.classIndex() != g.classIndex()) {
      throw new DatasetException(
          DatasetException.Code.BAD_LABELS,
          g.where() + ": grades a slice that " + before.where() + " grades differently");
    }
  }

  private static int index(List<String> classes, String grade, Path file, int line) {
    int i = classes.indexOf(grade.strip());
    if (i < 0) {
      throw bad(file, line, "grade '" + grade.strip() + "' is not one of " + classes);
    }
    return i;
  }

  private static DatasetException bad(Path file, int line, String reason) {
    return new DatasetException(
        DatasetException.Code.BAD_LABELS, file + (line > 0 ? ":" + line : "") + ": " + reason);
  }
}
