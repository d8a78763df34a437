package io.cordwatch.publish;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.dicom.Uids;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A clinician's verification of a results SR, as a new SR that supersedes it (PS3.3 C.17.2): the
 * same content, Verification Flag VERIFIED with the Verifying Observer (who, which organisation,
 * when), and the earlier document in the Predecessor Documents Sequence; a correction adds the
 * reader's grade as a comment beside the model's. The earlier SR is never changed: the PACS holds
 * both, and the new one names the old. The caller gives its SOP Instance UID ({@link #uid}: from
 * the model's SR and the review), so making it again gives the same instance.
 */
public final class VerifiedReport {
  // PixelMed's TagFromName marks these deprecated (its dictionary's duplicates); the tags are
  // PS3.6's.
  private static final AttributeTag VERIFYING_OBSERVER_SEQUENCE = new AttributeTag(0x0040, 0xA073);
  private static final AttributeTag VERIFYING_OBSERVER_NAME = new AttributeTag(0x0040, 0xA075);
  private static final AttributeTag VERIFYING_ORGANIZATION = new AttributeTag(0x0040, 0xA027);
  private static final AttributeTag VERIFYING_OBSERVER_ID_CODES = new AttributeTag(0x0040, 0xA088);
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);

  private VerifiedReport() {}

  /**
   * Who verified, and what they decided about the study's grade.
   *
   * @param name the verifying user's name (a person name as the appliance knows it)
   * @param organization the verifying organisation (the appliance's AE title when none is known)
   * @param at when
   * @param corrected whether the reader changed the grade
   * @param grade the reader's Bilsky grade
   * @param modelGrade the model's grade at the time
   */
  public record Verifier(
      String name,
      String organization,
      Instant at,
      boolean corrected,
      String grade,
      String modelGrade) {}

  /** The verified SR's UID for a review of the series whose model SR is {@code modelSrUid}. */
  public static String uid(String modelSrUid, long reviewId) {
    return Uids.named("cordwatch verified sr/" + modelSrUid + "/" + reviewId);
  }

  /**
   * Writes the verified successor of the SR file {@code predecessor} (a document of this appliance,
   * in the outbox) as {@code uid} and returns it, ready to queue.
   *
   * @throws PublishException when the predecessor cannot be read or the successor written
   */
  public static PreparedDocument write(
      ResultFiles files, Path predecessor, String uid, Verifier v, String aeTitle) {
    AttributeList old = new AttributeList();
    try {
      old.read(predecessor.toString());
    } catch (IOException | DicomException e) {
      throw new PublishException(
          PublishException.Code.WRITE_FAILED,
          "cannot read the results SR to verify (" + predecessor.getFileName() + "): " + e,
          e);
    }
    old.removeMetaInformationHeaderAttributes();
    old.removeGroupLengthAttributes();
    String oldUid = Attribute.getSingleStringValueOrEmptyString(old, TagFromName.SOPInstanceUID);
    DataSet d = DataSet.of(old);
    d.put(TagFromName.SOPInstanceUID, uid)
        .put(TagFromName.InstanceCreationDate, DATE.format(v.at()))
        .put(TagFromName.InstanceCreationTime, TIME.format(v.at()))
        .put(TagFromName.ContentDate, DATE.format(v.at()))
        .put(TagFromName.ContentTime, TIME.format(v.at()))
        .put(TagFromName.VerificationFlag, "VERIFIED");
    old.remove(VERIFYING_OBSERVER_SEQUENCE);
    old.remove(TagFromName.PredecessorDocumentsSequence);
    d.item(VERIFYING_OBSERVER_SEQUENCE)
        .put(VERIFYING_OBSERVER_NAME, v.name())
        .emptySequence(VERIFYING_OBSERVER_ID_CODES)
        .put(VERIFYING_ORGANIZATION, v.organization())
        .put(TagFromName.VerificationDateTime, DATE_TIME.format(v.at()));
    d.item(TagFromName.PredecessorDocumentsSequence)
        .put(
            TagFromName.StudyInstanceUID,
            Attribute.getSingleStringValueOrEmptyString(old, TagFromName.StudyInstanceUID))
        .item(TagFromName.ReferencedSeriesSequence)
        .put(
            TagFromName.SeriesInstanceUID,
            Attribute.getSingleStringValueOrEmptyString(old, TagFromName.SeriesInstanceUID))
        .item(TagFromName.ReferencedSOPSequence)
        .put(TagFromName.ReferencedSOPClassUID, DocumentKind.SR.sopClassUid())
        .put(TagFromName.ReferencedSOPInstanceUID, oldUid);
    Content.existingRoot(d)
        .text(
            Content.CONTAINS,
            Codes.COMMENT,
            v.corrected()
                ? "Reader's Bilsky grade: "
                    + v.grade()
                    + " (corrected from the model's "
                    + v.modelGrade()
                    + ") by "
                    + v.name()
                : "Reader confirmed the Bilsky grade " + v.grade() + " (" + v.name() + ")");
    String path = files.write(d, aeTitle);
    return new PreparedDocument(DocumentKind.SR, uid, path);
  }
}
