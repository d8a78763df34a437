package io.cordwatch.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The acquiring scanner and the study date of an instance, for local validation reports that break
 * agreement down by scanner model and field strength and name the dates of the data they used.
 *
 * @param sopInstanceUid the instance, or null when the file names none (then it is no stored
 *     instance)
 * @param manufacturer Manufacturer (0008,0070), or null
 * @param model Manufacturer's Model Name (0008,1090), or null
 * @param fieldStrengthTesla Magnetic Field Strength (0018,0087), or null
 * @param studyDate Study Date (0008,0020) as written (yyyymmdd), or null
 */
public record ScannerFacts(
    String sopInstanceUid,
    String manufacturer,
    String model,
    Double fieldStrengthTesla,
    String studyDate) {
  private static final AttributeTag MAGNETIC_FIELD_STRENGTH = new AttributeTag(0x0018, 0x0087);

  /** "Manufacturer Model 1.5 T", with "unknown" for what the header does not say. */
  public String label() {
    String field =
        fieldStrengthTesla == null
            ? "? T"
            : String.format(Locale.ROOT, "%.1f T", fieldStrengthTesla);
    return (manufacturer == null ? "unknown" : manufacturer)
        + " "
        + (model == null ? "unknown" : model)
        + " "
        + field;
  }

  /**
   * Reads the header of a Part 10 file up to its pixel data.
   *
   * @throws DicomReadException naming the file when it cannot be parsed
   */
  public static ScannerFacts read(Path file) {
    AttributeList list = new AttributeList();
    try {
      list.read(file.toString(), TagFromName.PixelData);
    } catch (IOException | DicomException | RuntimeException e) {
      throw new DicomReadException(
          file, DicomReadException.Code.MALFORMED, "cannot parse: " + e.getMessage(), e);
    }
    String field = text(list, MAGNETIC_FIELD_STRENGTH);
    Double tesla = null;
    if (field != null) {
      try {
        tesla = Double.parseDouble(field);
      } catch (NumberFormatException e) {
        tesla = null; // an unreadable field strength is reported as unknown
      }
    }
    return new ScannerFacts(
        text(list, TagFromName.SOPInstanceUID),
        text(list, TagFromName.Manufacturer),
        text(list, TagFromName.ManufacturerModelName),
        tesla,
        text(list, TagFromName.StudyDate));
  }

  private static String text(AttributeList list, AttributeTag tag) {
    String s = Attribute.getSingleStringValueOrNull(list, tag);
    return s == null || s.isBlank() ? null : s.strip();
  }
}
