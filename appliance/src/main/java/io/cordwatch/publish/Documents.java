package io.cordwatch.publish;

import com.pixelmed.dicom.TagFromName;
import io.cordwatch.Version;
import io.cordwatch.dicom.Uids;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The modules every results document shares: patient and study copied from the source, its own
 * series, equipment (with the model's Device UID as contributing equipment), SOP common with the
 * coding scheme we declare, and the evidence it references. The SR and the key-object document are
 * built from these, then add their content tree; a Secondary Capture image adds its pixels.
 */
final class Documents {
  static final String MANUFACTURER = "CordWatch";
  static final String MODEL_NAME = "CordWatch MESCC grading";

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HHmmss.SSS").withZone(ZoneOffset.UTC);

  private Documents() {}

  /** A moment as a DICOM date (DA), in UTC. */
  static String date(java.time.Instant t) {
    return DATE.format(t);
  }

  /** A moment as a DICOM time (TM), in UTC. */
  static String time(java.time.Instant t) {
    return TIME.format(t);
  }

  /** An image (or one frame of one) the document refers to. */
  record Ref(String sopClassUid, String sopInstanceUid, Integer frame) {}

  /**
   * A document of {@code kind} about {@code r}, with every module except its content: SOP common,
   * patient, study, series, equipment, and content date and time.
   */
  static DataSet base(DocumentKind kind, SeriesReport r, SourceStudy source) {
    DataSet d = new DataSet();
    String date = DATE.format(r.gradedAt());
    String time = TIME.format(r.gradedAt());
    d.put(TagFromName.SOPClassUID, kind.sopClassUid())
        .put(TagFromName.SOPInstanceUID, ResultUids.document(kind, r))
        .put(TagFromName.InstanceCreationDate, date)
        .put(TagFromName.InstanceCreationTime, time)
        .put(TagFromName.TimezoneOffsetFromUTC, "+0000");
    source.copyInto(d);
    d.put(TagFromName.Modality, kind.modality())
        .put(TagFromName.SeriesInstanceUID, ResultUids.series(kind, r))
        .put(TagFromName.SeriesNumber, Integer.toString(kind.seriesNumber()))
        .put(
            TagFromName.SeriesDescription,
            switch (kind) {
                  case SR -> "CordWatch MESCC results";
                  case SC -> "CordWatch key images (box, grade)";
                  default -> "CordWatch key images";
                }
                + (r.model().clinicalUse() ? "" : " NOT FOR CLINICAL USE"));
    if (kind == DocumentKind.SC) {
      // General Series (an image IOD): Laterality is type 2C and the body part may be paired
      // as far as a validator knows; the procedure step reference is type 3, so left out.
      d.put(TagFromName.Laterality);
    } else {
      // SR and key-object document series: the procedure step reference is type 2.
      d.emptySequence(TagFromName.ReferencedPerformedProcedureStepSequence);
    }
    d.put(TagFromName.Manufacturer, MANUFACTURER)
        .put(TagFromName.ManufacturerModelName, MODEL_NAME)
        .put(TagFromName.DeviceSerialNumber, r.aeTitle())
        .put(TagFromName.SoftwareVersions, Version.current())
        .put(TagFromName.StationName, r.aeTitle());
    d.put(
            TagFromName.InstanceNumber,
            Integer.toString(r.seriesNumber() == null ? 1 : Math.max(1, r.seriesNumber())))
        .put(TagFromName.ContentDate, date)
        .put(TagFromName.ContentTime, time);
    d.item(TagFromName.CodingSchemeIdentificationSequence)
        .put(TagFromName.CodingSchemeDesignator, Codes.LOCAL_SCHEME)
        .put(TagFromName.CodingSchemeName, Codes.LOCAL_SCHEME_NAME)
        .put(TagFromName.CodingSchemeResponsibleOrganization, MANUFACTURER);
    d.item(TagFromName.ContributingEquipmentSequence)
        .code(TagFromName.PurposeOfReferenceCodeSequence, Codes.PROCESSING_EQUIPMENT)
        .put(TagFromName.Manufacturer, MANUFACTURER)
        .put(TagFromName.ManufacturerModelName, MODEL_NAME + " model " + r.model().name())
        .put(TagFromName.SoftwareVersions, r.model().version())
        .put(TagFromName.DeviceUID, r.model().deviceUid())
        .put(
            TagFromName.ContributionDescription,
            "Bilsky grading by model " + r.model().name() + " " + r.model().version());
    return d;
  }

  /** The Current Requested Procedure Evidence Sequence: every instance the content refers to. */
  static void evidence(DataSet d, SeriesReport r, Collection<Ref> refs) {
    Set<String> seen = new LinkedHashSet<>();
    DataSet series =
        d.item(TagFromName.CurrentRequestedProcedureEvidenceSequence)
            .put(TagFromName.StudyInstanceUID, r.studyUid())
            .item(TagFromName.ReferencedSeriesSequence)
            .put(TagFromName.SeriesInstanceUID, r.seriesUid());
    for (Ref ref : refs) {
      if (seen.add(ref.sopInstanceUid())) {
        series
            .item(TagFromName.ReferencedSOPSequence)
            .put(TagFromName.ReferencedSOPClassUID, ref.sopClassUid())
            .put(TagFromName.ReferencedSOPInstanceUID, ref.sopInstanceUid());
      }
    }
  }

  /** A reference to a slice: its frame only where the image has several. */
  static Ref ref(SeriesReport r, String sopInstanceUid, int frame) {
    String sopClass = r.sopClassOf(sopInstanceUid);
    return new Ref(
        sopClass, sopInstanceUid, Uids.ENHANCED_MR_IMAGE_STORAGE.equals(sopClass) ? frame : null);
  }

  /** Device observer context (TID 1002 / 1004) naming the grading software and its model. */
  static void deviceObserver(Content root, SeriesReport r) {
    root.code(Content.HAS_OBS_CONTEXT, Codes.OBSERVER_TYPE, Codes.DEVICE);
    root.uid(Content.HAS_OBS_CONTEXT, Codes.DEVICE_OBSERVER_UID, r.model().deviceUid());
    root.text(Content.HAS_OBS_CONTEXT, Codes.DEVICE_OBSERVER_NAME, r.aeTitle());
    root.text(Content.HAS_OBS_CONTEXT, Codes.DEVICE_OBSERVER_MANUFACTURER, MANUFACTURER);
    root.text(
        Content.HAS_OBS_CONTEXT,
        Codes.DEVICE_OBSERVER_MODEL,
        MODEL_NAME + " model " + r.model().name());
  }
}
