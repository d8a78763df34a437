package io.cordwatch.publish;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The patient and study of the graded images, as one of their instances carries them. A results
 * document copies them unchanged so that a PACS files it in the same study under the same patient;
 * they are read from the spooled instance when the document is built and never stored, logged or
 * returned anywhere else (the index holds no patient identifiers).
 */
final class SourceStudy {
  /** Patient module (PS3.3 C.7.1.1): type 2 attributes are written empty when absent. */
  private static final List<AttributeTag> PATIENT_TYPE2 =
      List.of(
          TagFromName.PatientName,
          TagFromName.PatientID,
          TagFromName.PatientBirthDate,
          TagFromName.PatientSex);

  private static final List<AttributeTag> PATIENT_OPTIONAL =
      List.of(TagFromName.IssuerOfPatientID, TagFromName.OtherPatientIDsSequence);

  /** General Study module (PS3.3 C.7.2.1): type 2 attributes written empty when absent. */
  private static final List<AttributeTag> STUDY_TYPE2 =
      List.of(
          TagFromName.StudyDate,
          TagFromName.StudyTime,
          TagFromName.ReferringPhysicianName,
          TagFromName.StudyID,
          TagFromName.AccessionNumber);

  private static final List<AttributeTag> STUDY_OPTIONAL =
      List.of(
          TagFromName.StudyDescription,
          TagFromName.IssuerOfAccessionNumberSequence,
          TagFromName.SpecificCharacterSet);

  private final AttributeList source;

  private SourceStudy(AttributeList source) {
    this.source = source;
  }

  /**
   * Reads the attributes before the pixel data of {@code instance}.
   *
   * @throws PublishException when the file cannot be read as DICOM
   */
  static SourceStudy read(Path instance) {
    AttributeList list = new AttributeList();
    try {
      list.read(instance.toString(), TagFromName.PixelData);
    } catch (IOException | DicomException e) {
      throw new PublishException(
          PublishException.Code.SOURCE_UNREADABLE,
          "cannot read the study's attributes from a spooled instance: " + e.getMessage(),
          e);
    }
    return new SourceStudy(list);
  }

  /** The Study Instance UID of the graded images. */
  String studyUid() {
    return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(
        source, TagFromName.StudyInstanceUID);
  }

  /**
   * Copies the patient and study modules (and the character set their text is in) into {@code d}.
   */
  void copyInto(DataSet d) {
    for (AttributeTag t : PATIENT_TYPE2) {
      d.copyOrEmpty(source, t);
    }
    for (AttributeTag t : PATIENT_OPTIONAL) {
      d.copyIfPresent(source, t);
    }
    d.put(TagFromName.StudyInstanceUID, studyUid());
    for (AttributeTag t : STUDY_TYPE2) {
      d.copyOrEmpty(source, t);
    }
    for (AttributeTag t : STUDY_OPTIONAL) {
      d.copyIfPresent(source, t);
    }
  }
}
