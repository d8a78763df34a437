package io.cordwatch.dicom;

import static io.cordwatch.dicom.Sequences.firstItem;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.util.Locale;
import java.util.Map;

/**
 * The body part a file states, as a Body Part Examined term: Body Part Examined (0018,0015) when
 * the file has one, else its coded Anatomic Region (0008,2218) - the frame's own Frame Anatomy
 * (0020,9071), the shared Frame Anatomy, then the top-level sequence.
 *
 * <p>Body Part Examined is type 3 and often missing; an Enhanced MR image must carry Frame Anatomy,
 * so the coded region is what such a file always states. Spine regions of PS3.16 CID 4031 (SNOMED
 * CT, and the SRT codes older scanners write) map to the defined terms {@link SpineRegion} and
 * series selection read (LSPINE, LSSPINE, SACRUM, COCCYX, CSPINE, TSPINE, CTSPINE, TLSPINE); any
 * other code gives its Code Meaning in upper case (e.g. "BRAIN"), which the same readers compare as
 * free text.
 */
public final class AnatomicRegion {
  /** Coding scheme and code value to the Body Part Examined term. */
  private static final Map<String, String> SPINE_CODES =
      Map.ofEntries(
          Map.entry("SCT/122494005", "CSPINE"),
          Map.entry("SRT/T-11501", "CSPINE"),
          Map.entry("SCT/122495006", "TSPINE"),
          Map.entry("SRT/T-11502", "TSPINE"),
          Map.entry("SCT/122496007", "LSPINE"),
          Map.entry("SRT/T-11503", "LSPINE"),
          Map.entry("SCT/1217253001", "LSSPINE"),
          Map.entry("SRT/T-D00F9", "LSSPINE"),
          Map.entry("SRT/T-D00F7", "CTSPINE"),
          Map.entry("SRT/T-D00F8", "TLSPINE"),
          Map.entry("SCT/54735007", "SACRUM"),
          Map.entry("SRT/T-11AD0", "SACRUM"),
          Map.entry("SCT/64688005", "COCCYX"),
          Map.entry("SRT/T-11BF0", "COCCYX"));

  private AnatomicRegion() {}

  /**
   * The body part of one frame as a Body Part Examined term, or null when the file states none.
   *
   * @param list the whole data set
   * @param shared the Shared Functional Groups item, or null
   * @param frame the frame's Per-frame Functional Groups item, or null
   */
  public static String of(AttributeList list, AttributeList shared, AttributeList frame) {
    String stated =
        Attribute.getSingleStringValueOrEmptyString(list, TagFromName.BodyPartExamined).strip();
    if (!stated.isEmpty()) {
      return stated;
    }
    for (AttributeList group : new AttributeList[] {frame, shared}) {
      String coded = coded(firstItem(group, TagFromName.FrameAnatomySequence));
      if (coded != null) {
        return coded;
      }
    }
    return coded(list);
  }

  /** The term of the first Anatomic Region item of {@code list}; null when there is none. */
  static String coded(AttributeList list) {
    AttributeList item = firstItem(list, TagFromName.AnatomicRegionSequence);
    if (item == null) {
      return null;
    }
    String scheme =
        Attribute.getSingleStringValueOrEmptyString(item, TagFromName.CodingSchemeDesignator)
            .strip()
            .toUpperCase(Locale.ROOT);
    String value = Attribute.getSingleStringValueOrEmptyString(item, TagFromName.CodeValue).strip();
    String term = SPINE_CODES.get(("SNM3".equals(scheme) ? "SRT" : scheme) + "/" + value);
    if (term != null) {
      return term;
    }
    String meaning =
        Attribute.getSingleStringValueOrEmptyString(item, TagFromName.CodeMeaning).strip();
    return meaning.isEmpty() ? null : meaning.toUpperCase(Locale.ROOT);
  }
}
