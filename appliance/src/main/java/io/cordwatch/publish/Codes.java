package io.cordwatch.publish;

import java.util.Locale;

/**
 * The concepts the results documents use. Standard ones come from DICOM's own scheme (DCM, PS3.16);
 * the Bilsky grades, the high/low groups and the finding have no standard codes we could cite with
 * confidence, so they are local codes under {@value #LOCAL_SCHEME} (a "99" designator, private by
 * PS3.16 8.2), declared in every document's Coding Scheme Identification Sequence.
 */
final class Codes {
  private Codes() {}

  /** Our private coding scheme. */
  static final String LOCAL_SCHEME = "99CWBLSK";

  static final String LOCAL_SCHEME_NAME = "CordWatch Bilsky grading codes";

  // TID 1500 Measurement Report and its parts.
  static final Code MEASUREMENT_REPORT = Code.dcm("126000", "Imaging Measurement Report");
  static final Code LANGUAGE = Code.dcm("121049", "Language of Content Item and Descendants");
  static final Code ENGLISH = new Code("en", "RFC5646", "English");
  static final Code OBSERVER_TYPE = Code.dcm("121005", "Observer Type");
  static final Code DEVICE = Code.dcm("121007", "Device");
  static final Code DEVICE_OBSERVER_UID = Code.dcm("121012", "Device Observer UID");
  static final Code DEVICE_OBSERVER_NAME = Code.dcm("121013", "Device Observer Name");
  static final Code DEVICE_OBSERVER_MANUFACTURER =
      Code.dcm("121014", "Device Observer Manufacturer");
  static final Code DEVICE_OBSERVER_MODEL = Code.dcm("121015", "Device Observer Model Name");
  static final Code PROCEDURE_REPORTED = Code.dcm("121058", "Procedure reported");
  static final Code IMAGE_LIBRARY = Code.dcm("111028", "Image Library");
  static final Code IMAGE_LIBRARY_GROUP = Code.dcm("126200", "Image Library Group");
  static final Code IMAGING_MEASUREMENTS = Code.dcm("126010", "Imaging Measurements");
  static final Code MEASUREMENT_GROUP = Code.dcm("125007", "Measurement Group");
  static final Code TRACKING_IDENTIFIER = Code.dcm("112039", "Tracking Identifier");
  static final Code TRACKING_UID = Code.dcm("112040", "Tracking Unique Identifier");
  static final Code FINDING = Code.dcm("121071", "Finding");
  static final Code COMMENT = Code.dcm("121106", "Comment");

  // TID 4019 Algorithm Identification.
  static final Code ALGORITHM_NAME = Code.dcm("111001", "Algorithm Name");
  static final Code ALGORITHM_VERSION = Code.dcm("111003", "Algorithm Version");
  static final Code ALGORITHM_PARAMETERS = Code.dcm("111002", "Algorithm Parameters");

  // TID 2010 Key Object Selection.
  static final Code OF_INTEREST = Code.dcm("113000", "Of Interest");
  static final Code KEY_OBJECT_DESCRIPTION = Code.dcm("113012", "Key Object Description");

  // Contributing equipment (CID 7005).
  static final Code PROCESSING_EQUIPMENT = Code.dcm("109102", "Processing Equipment");
  static final Code SOURCE_IMAGE =
      Code.dcm("121322", "Source image for image processing operation");

  // Local concepts.
  static final Code PROCEDURE = Code.local("MRTSPINEAXT2", "MR thoracic spine, axial T2-weighted");
  static final Code MESCC = Code.local("MESCC", "Metastatic epidural spinal cord compression");
  static final Code BILSKY_GRADE = Code.local("BILSKY", "Bilsky grade");
  static final Code BILSKY_GROUP = Code.local("BILSKYGROUP", "Bilsky grade group");
  static final Code HIGH = Code.local("HIGH", "High grade (Bilsky 1c, 2 or 3)");
  static final Code LOW = Code.local("LOW", "Low grade (Bilsky 0, 1a or 1b)");
  static final Code INDETERMINATE = Code.local("INDETERMINATE", "Indeterminate: read manually");

  /** The code of a model class, e.g. "1c" is BILSKY-1C, "Bilsky grade 1c". */
  static Code grade(String className) {
    String value = "BILSKY-" + className.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
    return Code.local(
        value.length() > 16 ? value.substring(0, 16) : value, "Bilsky grade " + className);
  }

  /** The code of a verdict group: high, low or indeterminate. */
  static Code group(String group) {
    return switch (group) {
      case "high" -> HIGH;
      case "low" -> LOW;
      default -> INDETERMINATE;
    };
  }
}
