package io.cordwatch.roi;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * How a labels.csv or a folder of LabelImg VOC XML files is read, shared by {@link SuppliedBoxes}
 * (canal boxes) and the trainer's grade labels, so the two accept the same files the same way: the
 * CSV header's column names, the XML files of a folder, a parser safe for files from outside, an
 * element's text, and where the DICOM image an XML describes may lie. Each reader keeps its own
 * columns, checks and error type.
 */
public final class LabelFiles {
  private LabelFiles() {}

  /**
   * The column names of a labels.csv header line: byte-order mark dropped, split at commas, each
   * stripped and lower-cased.
   */
  public static List<String> csvColumns(String header) {
    String h = header.startsWith("\uFEFF") ? header.substring(1) : header;
    return Arrays.stream(h.split(",", -1)).map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
  }

  /** Makes the reader's own exception for a bad line of a labels.csv. */
  @FunctionalInterface
  public interface LineError {
    RuntimeException at(int line, String what);
  }

  /** One data row of a labels.csv. */
  @FunctionalInterface
  public interface Row {
    /**
     * @param line its 1-based line number in the file
     * @param fields its fields, in header order, as written
     * @param sopInstanceUid the SOP Instance UID field, stripped and not empty
     */
    void accept(int line, String[] fields, String sopInstanceUid);
  }

  /**
   * The data rows after a labels.csv header: blank lines skipped; a row with another number of
   * fields than the header's, or an empty SOP Instance UID, refused through {@code error}.
   */
  public static void csvRows(
      BufferedReader in, int columns, int sopColumn, LineError error, Row row) throws IOException {
    String line;
    int n = 1;
    while ((line = in.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      String[] c = line.split(",", -1);
      if (c.length != columns) {
        throw error.at(n, c.length + " fields, the header has " + columns);
      }
      String uid = c[sopColumn].strip();
      if (uid.isEmpty()) {
        throw error.at(n, "sop_instance_uid is empty");
      }
      row.accept(n, c, uid);
    }
  }

  /**
   * The regular files ending in .xml (any case) under {@code dir}, sorted.
   *
   * @throws IOException or {@link java.io.UncheckedIOException} when the folder cannot be walked
   */
  public static List<Path> xmlFiles(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
  }

  /** An XML parser for annotation files from outside: no DTDs, no external entities. */
  public static DocumentBuilder secureParser() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks secure processing", e);
    }
  }

  /** The stripped text of the first {@code name} element under {@code root}; null when blank. */
  public static String text(Element root, String name) {
    NodeList l = root.getElementsByTagName(name);
    if (l.getLength() == 0) {
      return null;
    }
    String s = l.item(0).getTextContent();
    return s == null || s.isBlank() ? null : s.strip();
  }

  /**
   * Where the DICOM image an XML file describes may lie, in the order to try: the file its {@code
   * <filename>} names (beside the XML; null or blank for none), then the XML's stem with .dcm, then
   * the bare stem.
   */
  public static List<Path> imageCandidates(Path xml, String filename) {
    Path folder = xml.toAbsolutePath().getParent();
    List<Path> candidates = new ArrayList<>();
    if (filename != null && !filename.isBlank()) {
      candidates.add(folder.resolve(Path.of(filename.strip()).getFileName().toString()));
    }
    String stem = xml.getFileName().toString().replaceFirst("(?i)\\.xml$", "");
    candidates.add(folder.resolve(stem + ".dcm"));
    candidates.add(folder.resolve(stem));
    return candidates;
  }
}
