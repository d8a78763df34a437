package io.cordwatch.roi;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.DicomReadException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Boxes drawn by people, keyed by SOP Instance UID and frame.
 *
 * <p>Two file forms. A <b>labels.csv</b> (what the phantom writes, and what a reading study
 * exports) has a header naming at least {@code sop_instance_uid,x0,y0,x1,y1} and optionally {@code
 * frame} (1-based; 1 when absent); other columns such as {@code study_instance_uid} and {@code
 * grade} are ignored. A <b>folder of LabelImg Pascal VOC XML</b> has one file per slice; since
 * LabelImg only knows image file names, each XML is matched to its slice through the DICOM file it
 * names in {@code <filename>} (or, failing that, the DICOM file with the XML's stem) in the same
 * folder, whose SOP Instance UID is read once here. An XML that carries a {@code
 * <sop_instance_uid>} element needs no DICOM beside it. {@code <frame>} names the frame of a
 * multi-frame file.
 *
 * <p>Coordinates are 0-based inclusive pixel indices in both forms (the phantom writes the same
 * numbers into both; see {@link CanalBox}). A file that cannot be used is refused whole, with an
 * error naming the file and line: a silently skipped row would turn into a "no ROI" slice that
 * nobody could explain.
 */
public final class SuppliedBoxes implements BoxSource {
  private final Map<Key, CanalBox> boxes;
  private final String description;

  private record Key(String sop, int frame) {}

  private SuppliedBoxes(Map<Key, CanalBox> boxes, String description) {
    this.boxes = Map.copyOf(boxes);
    this.description = description;
  }

  /**
   * Loads a labels.csv (a file) or a folder of VOC XML (searched recursively).
   *
   * @throws BoxFileException naming the file (and line) that cannot be used
   */
  public static SuppliedBoxes load(Path path) {
    if (Files.isDirectory(path)) {
      return voc(path);
    }
    if (Files.isRegularFile(path)) {
      return csv(path);
    }
    throw new BoxFileException(path, 0, "no such labels.csv file or VOC folder");
  }

  /**
   * Like {@link #load}, but a labels.csv that also carries {@code exact_x0..exact_y1} (randomized
   * phantoms, whose {@code x0..y1} are jittered the way a localizer errs) gives those exact boxes:
   * what a canal localizer should learn, while the grader learns from the jittered ones.
   */
  public static SuppliedBoxes loadExact(Path path) {
    if (!Files.isRegularFile(path)) {
      return load(path);
    }
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return csv(in, path, EXACT);
    } catch (IOException e) {
      throw new BoxFileException(path, 0, "cannot read: " + e.getMessage(), e);
    }
  }

  /** Boxes given directly (for example through the API). */
  public static SuppliedBoxes of(Map<String, CanalBox> bySopInstanceUid, String description) {
    Map<Key, CanalBox> out = new HashMap<>();
    bySopInstanceUid.forEach((sop, box) -> out.put(new Key(sop, 1), box));
    return new SuppliedBoxes(out, description);
  }

  /**
   * Boxes of named slices and frames (for example those an appliance stored with its results).
   *
   * @throws BoxFileException when two different boxes name the same instance and frame
   */
  public static SuppliedBoxes of(List<SliceBox> slices, String description) {
    Map<Key, CanalBox> out = new HashMap<>();
    for (SliceBox s : slices) {
      CanalBox before = out.put(new Key(s.sopInstanceUid(), s.frame()), s.box());
      if (before != null && !before.equals(s.box())) {
        throw new BoxFileException(
            Path.of(description),
            0,
            "two different boxes for instance " + s.sopInstanceUid() + " frame " + s.frame());
      }
    }
    return new SuppliedBoxes(out, description);
  }

  @Override
  public Optional<CanalBox> box(String sopInstanceUid, int frame) {
    return Optional.ofNullable(boxes.get(new Key(sopInstanceUid, frame)));
  }

  /** Every box, ordered by instance and frame. */
  public List<SliceBox> slices() {
    return boxes.entrySet().stream()
        .map(e -> new SliceBox(e.getKey().sop(), e.getKey().frame(), e.getValue()))
        .sorted(SliceBox.ORDER)
        .toList();
  }

  /** How many slices have a box. */
  public int size() {
    return boxes.size();
  }

  /** Where the boxes came from, for logs and the status page. */
  public String description() {
    return description;
  }

  // ---- labels.csv

  private static SuppliedBoxes csv(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return csv(in, file);
    } catch (IOException e) {
      throw new BoxFileException(file, 0, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Parses labels.csv text that did not come from a file (a request body, say); errors name {@code
   * name} and the line, as for a file.
   *
   * @throws BoxFileException naming the line that cannot be used
   */
  public static SuppliedBoxes parseCsv(String text, String name) {
    try {
      return csv(new BufferedReader(new StringReader(text)), Path.of(name));
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string failed", e);
    }
  }

  private static final String EXACT = "exact_";

  private static SuppliedBoxes csv(BufferedReader in, Path file) throws IOException {
    return csv(in, file, "");
  }

  /** {@code prefer}: a column-name prefix whose box columns win when the header has all four. */
  private static SuppliedBoxes csv(BufferedReader in, Path file, String prefer) throws IOException {
    Map<Key, CanalBox> out = new HashMap<>();
    String header = in.readLine();
    if (header == null) {
      throw new BoxFileException(file, 1, "empty file: expected a header line");
    }
    List<String> names = LabelFiles.csvColumns(header);
    String p =
        !prefer.isEmpty()
                && names.containsAll(
                    List.of(prefer + "x0", prefer + "y0", prefer + "x1", prefer + "y1"))
            ? prefer
            : "";
    int sop = column(file, names, "sop_instance_uid");
    int x0 = column(file, names, p + "x0");
    int y0 = column(file, names, p + "y0");
    int x1 = column(file, names, p + "x1");
    int y1 = column(file, names, p + "y1");
    int frame = names.indexOf("frame");
    LabelFiles.csvRows(
        in,
        names.size(),
        sop,
        (line, what) -> new BoxFileException(file, line, what),
        (n, c, uid) -> {
          int f = frame < 0 ? 1 : integer(file, n, "frame", c[frame]);
          if (f < 1) {
            throw new BoxFileException(file, n, "frame must be 1 or more, got " + f);
          }
          CanalBox box;
          try {
            box =
                new CanalBox(
                    integer(file, n, "x0", c[x0]),
                    integer(file, n, "y0", c[y0]),
                    integer(file, n, "x1", c[x1]),
                    integer(file, n, "y1", c[y1]));
          } catch (IllegalArgumentException e) {
            throw new BoxFileException(file, n, e.getMessage());
          }
          CanalBox before = out.put(new Key(uid, f), box);
          if (before != null && !before.equals(box)) {
            throw new BoxFileException(
                file, n, "a second, different box for the same instance and frame");
          }
        });
    return new SuppliedBoxes(out, file.toString());
  }

  private static int column(Path file, List<String> names, String name) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new BoxFileException(
          file, 1, "header has no '" + name + "' column (has " + String.join(",", names) + ")");
    }
    return i;
  }

  private static int integer(Path file, int line, String name, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new BoxFileException(file, line, name + " is not a whole number: '" + value + "'");
    }
  }

  // ---- LabelImg VOC XML

  private static SuppliedBoxes voc(Path dir) {
    List<Path> files;
    try {
      files = LabelFiles.xmlFiles(dir);
    } catch (IOException | UncheckedIOException e) {
      throw new BoxFileException(dir, 0, "cannot list folder: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new BoxFileException(dir, 0, "no .xml files in this folder");
    }
    DocumentBuilder parser = LabelFiles.secureParser();
    Map<Key, CanalBox> out = new HashMap<>();
    for (Path xml : files) {
      Document doc;
      try {
        doc = parser.parse(xml.toFile());
      } catch (SAXParseException e) {
        throw new BoxFileException(xml, e.getLineNumber(), "not XML: " + e.getMessage(), e);
      } catch (SAXException | IOException e) {
        throw new BoxFileException(xml, 0, "cannot read: " + e.getMessage(), e);
      }
      Element root = doc.getDocumentElement();
      if (!"annotation".equals(root.getTagName())) {
        throw new BoxFileException(
            xml, 0, "root element is <" + root.getTagName() + ">, LabelImg writes <annotation>");
      }
      NodeList objects = root.getElementsByTagName("object");
      if (objects.getLength() != 1) {
        throw new BoxFileException(
            xml,
            0,
            objects.getLength() + " <object> elements; one canal box per slice is expected");
      }
      Element bndbox = child(xml, (Element) objects.item(0), "bndbox");
      CanalBox box;
      try {
        box =
            new CanalBox(
                vocNumber(xml, bndbox, "xmin"),
                vocNumber(xml, bndbox, "ymin"),
                vocNumber(xml, bndbox, "xmax"),
                vocNumber(xml, bndbox, "ymax"));
      } catch (IllegalArgumentException e) {
        throw new BoxFileException(xml, 0, e.getMessage());
      }
      String frameText = LabelFiles.text(root, "frame");
      int frame = frameText == null ? 1 : vocInteger(xml, "frame", frameText);
      String sop = LabelFiles.text(root, "sop_instance_uid");
      if (sop == null) {
        sop = sopOfImage(xml, LabelFiles.text(root, "filename"));
      }
      CanalBox before = out.put(new Key(sop, frame), box);
      if (before != null && !before.equals(box)) {
        throw new BoxFileException(
            xml, 0, "another XML file gives a different box for the same slice");
      }
    }
    return new SuppliedBoxes(out, dir.toString());
  }

  private static String sopOfImage(Path xml, String filename) {
    List<Path> candidates = LabelFiles.imageCandidates(xml, filename);
    for (Path image : candidates) {
      if (Files.isRegularFile(image)) {
        try {
          return DicomFacts.read(image).sopInstanceUid();
        } catch (DicomReadException e) {
          throw new BoxFileException(
              xml,
              0,
              "the image it describes, " + image + ", is not readable DICOM: " + e.reason());
        }
      }
    }
    throw new BoxFileException(
        xml,
        0,
        "no DICOM file beside it to say which instance it describes (looked for "
            + candidates.stream().map(p -> p.getFileName().toString()).distinct().toList()
            + "; or add <sop_instance_uid>)");
  }

  private static Element child(Path xml, Element parent, String name) {
    NodeList l = parent.getElementsByTagName(name);
    if (l.getLength() == 0) {
      throw new BoxFileException(xml, 0, "<" + parent.getTagName() + "> has no <" + name + ">");
    }
    return (Element) l.item(0);
  }

  private static int vocNumber(Path xml, Element bndbox, String name) {
    String s = child(xml, bndbox, name).getTextContent();
    return vocInteger(xml, name, s == null ? "" : s);
  }

  private static int vocInteger(Path xml, String name, String s) {
    try {
      // LabelImg writes integers, other tools sometimes "12.0".
      double d = Double.parseDouble(s.strip());
      if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return (int) d;
    } catch (NumberFormatException e) {
      throw new BoxFileException(xml, 0, "<" + name + "> is not a whole number: '" + s + "'");
    }
  }
}
