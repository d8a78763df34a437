package io.cordwatch.dicom;

import static io.cordwatch.dicom.Sequences.firstItem;
import static io.cordwatch.dicom.Sequences.items;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Turns a DICOM data set into {@link InstanceFacts}: the few attributes series selection and the
 * index need, so nothing downstream has to open the file again or know PixelMed.
 *
 * <p>Classic MR keeps everything at the top level. Enhanced MR (and any other object with
 * functional groups, such as Legacy Converted Enhanced MR) spreads it over the Shared and Per-frame
 * Functional Groups Sequences, and a value may sit in either: the standard lets the writer choose,
 * and Philips and Siemens choose differently. So every value is looked up top level first, then in
 * the shared group, then per frame. Orientation is the exception: it is per frame by nature, so
 * each frame's own Plane Orientation wins over the shared one, and a shared orientation with no
 * per-frame ones yields a single entry (every frame has the same plane, and repeating it would only
 * make the index bigger).
 *
 * <p>Where frames disagree on echo or repetition time (multi-echo objects), the first frame's value
 * is kept: it is what a viewer shows first, and for the common proton-density/T2 dual echo it is
 * the shorter echo, so such an object is not mistaken for a clean T2-weighted one.
 *
 * <p>Scanning Sequence is an MR-image attribute that Enhanced MR replaced with Echo Pulse Sequence;
 * when only the latter is present it is mapped (SPIN to SE, GRADIENT to GR, BOTH to SE\GR) so that
 * selection sees one vocabulary.
 *
 * <p>Patient and study-level identifying attributes are never read, so they cannot leak through
 * this class.
 */
public final class DicomFacts {
  private static final int PREAMBLE = 128;
  private static final byte[] MAGIC = "DICM".getBytes(StandardCharsets.US_ASCII);

  // Debian's PixelMed ships a TagFromName without these MR attributes, so they are spelled out.
  private static final AttributeTag SCANNING_SEQUENCE = new AttributeTag(0x0018, 0x0020);
  private static final AttributeTag SEQUENCE_NAME = new AttributeTag(0x0018, 0x0024);
  private static final AttributeTag ECHO_PULSE_SEQUENCE = new AttributeTag(0x0018, 0x9008);
  private static final AttributeTag EFFECTIVE_ECHO_TIME = new AttributeTag(0x0018, 0x9082);

  private DicomFacts() {}

  /**
   * Reads a DICOM Part 10 file up to (not including) its pixel data and extracts its facts.
   *
   * @throws DicomReadException naming the file when it is missing, not Part 10 DICOM, cannot be
   *     parsed, or has no SOP Class/Instance UID
   */
  public static InstanceFacts read(Path file) {
    requirePart10(file);
    AttributeList list = new AttributeList();
    try {
      list.read(file.toString(), TagFromName.PixelData);
    } catch (IOException e) {
      throw new DicomReadException(
          file, DicomReadException.Code.MALFORMED, "cannot parse: " + firstLine(e), e);
    } catch (DicomException | RuntimeException e) {
      // PixelMed reports structural damage as unchecked exceptions too (bad lengths, bad VRs).
      throw new DicomReadException(
          file, DicomReadException.Code.MALFORMED, "cannot parse: " + firstLine(e), e);
    }
    InstanceFacts facts;
    try {
      facts = fromAttributes(list);
    } catch (RuntimeException e) {
      // A value PixelMed accepted but cannot convert must not escape as a bare exception: callers
      // walk many files and need to know which one failed.
      throw new DicomReadException(
          file, DicomReadException.Code.MALFORMED, "unusable value: " + firstLine(e), e);
    }
    if (facts.sopClassUid() == null || facts.sopInstanceUid() == null) {
      throw new DicomReadException(
          file,
          DicomReadException.Code.INCOMPLETE,
          "no SOP Class or SOP Instance UID (damaged, or not a stored instance)",
          null);
    }
    return facts;
  }

  /**
   * Extracts facts from an already parsed data set (for example one received by C-STORE). Missing
   * attributes become null (or empty, or 1 frame); nothing is validated here because the caller
   * decides what a missing UID means.
   */
  public static InstanceFacts fromAttributes(AttributeList list) {
    AttributeList shared = firstItem(list, TagFromName.SharedFunctionalGroupsSequence);
    List<AttributeList> perFrame = items(list, TagFromName.PerFrameFunctionalGroupsSequence);

    Integer numberOfFrames = integer(list, TagFromName.NumberOfFrames);
    int frames =
        numberOfFrames != null && numberOfFrames > 0
            ? numberOfFrames
            : Math.max(1, perFrame.size());

    String sequenceName = string(list, SEQUENCE_NAME);
    if (sequenceName == null) {
      sequenceName = string(list, TagFromName.PulseSequenceName);
    }
    String scanningSequence = strings(list, SCANNING_SEQUENCE);
    if (scanningSequence == null) {
      scanningSequence = fromEchoPulseSequence(string(list, ECHO_PULSE_SEQUENCE));
    }

    Double echoTime = number(list, TagFromName.EchoTime);
    if (echoTime == null) {
      echoTime =
          functionalGroupNumber(shared, perFrame, TagFromName.MREchoSequence, EFFECTIVE_ECHO_TIME);
    }
    Double repetitionTime = number(list, TagFromName.RepetitionTime);
    if (repetitionTime == null) {
      repetitionTime =
          functionalGroupNumber(
              shared,
              perFrame,
              TagFromName.MRTimingAndRelatedParametersSequence,
              TagFromName.RepetitionTime);
    }

    return new InstanceFacts(
        string(list, TagFromName.SOPClassUID),
        string(list, TagFromName.SOPInstanceUID),
        string(list, TagFromName.StudyInstanceUID),
        string(list, TagFromName.SeriesInstanceUID),
        string(list, TagFromName.Modality),
        integer(list, TagFromName.SeriesNumber),
        integer(list, TagFromName.InstanceNumber),
        string(list, TagFromName.SeriesDescription),
        string(list, TagFromName.ProtocolName),
        sequenceName,
        scanningSequence,
        echoTime,
        repetitionTime,
        orientations(list, shared, perFrame),
        frames,
        integer(list, TagFromName.Rows),
        integer(list, TagFromName.Columns),
        AnatomicRegion.of(list, shared, perFrame.isEmpty() ? null : perFrame.getFirst()),
        string(list, TagFromName.StudyDate),
        string(list, TagFromName.StudyTime));
  }

  private static List<double[]> orientations(
      AttributeList list, AttributeList shared, List<AttributeList> perFrame) {
    double[] top = orientation(list);
    if (top != null) {
      return List.of(top);
    }
    double[] common =
        orientation(
            shared == null ? null : firstItem(shared, TagFromName.PlaneOrientationSequence));
    List<double[]> out = new ArrayList<>();
    boolean anyOwn = false;
    for (AttributeList frame : perFrame) {
      double[] own = orientation(firstItem(frame, TagFromName.PlaneOrientationSequence));
      anyOwn |= own != null;
      if (own != null) {
        out.add(own);
      } else if (common != null) {
        out.add(common);
      }
    }
    if (!anyOwn) {
      return common == null ? List.of() : List.of(common);
    }
    return out;
  }

  private static double[] orientation(AttributeList list) {
    if (list == null) {
      return null;
    }
    double[] v = Attribute.getDoubleValues(list, TagFromName.ImageOrientationPatient);
    if (v == null || v.length != 6 || !Arrays.stream(v).allMatch(Double::isFinite)) {
      return null;
    }
    return v;
  }

  /** Shared group first, then the first frame that has it (see the class comment for why). */
  private static Double functionalGroupNumber(
      AttributeList shared, List<AttributeList> perFrame, AttributeTag macro, AttributeTag tag) {
    if (shared != null) {
      Double v = number(firstItem(shared, macro), tag);
      if (v != null) {
        return v;
      }
    }
    for (AttributeList frame : perFrame) {
      Double v = number(firstItem(frame, macro), tag);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String fromEchoPulseSequence(String echoPulseSequence) {
    if (echoPulseSequence == null) {
      return null;
    }
    return switch (echoPulseSequence.toUpperCase(Locale.ROOT)) {
      case "SPIN" -> "SE";
      case "GRADIENT" -> "GR";
      case "BOTH" -> "SE\\GR";
      default -> null;
    };
  }

  private static String string(AttributeList list, AttributeTag tag) {
    String s = Attribute.getSingleStringValueOrNull(list, tag);
    if (s == null) {
      return null;
    }
    s = s.strip();
    return s.isEmpty() ? null : s;
  }

  /** All values joined with a backslash, as DICOM writes multi-valued strings. */
  private static String strings(AttributeList list, AttributeTag tag) {
    String s = Attribute.getDelimitedStringValuesOrNull(list, tag);
    if (s == null) {
      return null;
    }
    s = s.strip();
    return s.isEmpty() ? null : s;
  }

  private static Integer integer(AttributeList list, AttributeTag tag) {
    String s = string(list, tag);
    if (s == null) {
      return null;
    }
    try {
      return Integer.valueOf(s);
    } catch (NumberFormatException e) {
      // IS values written as "12.0" or with a plus sign by some writers.
      try {
        double d = Double.parseDouble(s);
        return Double.isFinite(d) && d == Math.rint(d) ? (int) d : null;
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
  }

  private static Double number(AttributeList list, AttributeTag tag) {
    if (list == null || list.get(tag) == null) {
      return null;
    }
    double[] v = Attribute.getDoubleValues(list, tag);
    return v != null && v.length > 0 && Double.isFinite(v[0]) ? v[0] : null;
  }

  /**
   * PixelMed will happily "parse" a text file as a bare implicit-VR data set and return nothing,
   * logging an error instead of failing. Checking the Part 10 marker ourselves gives a clear answer
   * for stray files and keeps PixelMed away from bytes it would misread.
   */
  private static void requirePart10(Path file) {
    byte[] head = new byte[PREAMBLE + MAGIC.length];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (NoSuchFileException e) {
      throw new DicomReadException(file, DicomReadException.Code.IO, "no such file", e);
    } catch (IOException e) {
      throw new DicomReadException(
          file, DicomReadException.Code.IO, "cannot read: " + firstLine(e), e);
    }
    if (n < head.length || !Arrays.equals(head, PREAMBLE, head.length, MAGIC, 0, MAGIC.length)) {
      throw new DicomReadException(
          file, DicomReadException.Code.NOT_DICOM, "not DICOM (no DICM marker at byte 128)", null);
    }
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return m.lines().findFirst().orElse(m).strip();
  }
}
