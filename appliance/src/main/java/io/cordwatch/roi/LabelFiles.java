package io.cordwatch.roi;

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
