package io.cordwatch.dicom;

import java.util.List;

/**
 * What the pipeline needs to know about one stored instance, read once at receive time and kept in
 * the index as JSON so that series selection and the API never reopen the file. No patient
 * identifiers are held here on purpose: this record is logged, indexed and served.
 *
 * @param sopClassUid SOP Class UID of the data set
 * @param sopInstanceUid SOP Instance UID of the data set
 * @param studyInstanceUid Study Instance UID
 * @param seriesInstanceUid Series Instance UID
 * @param modality Modality (MR expected)
 * @param seriesNumber Series Number, or null
 * @param instanceNumber Instance Number, or null
 * @param seriesDescription Series Description, or null
 * @param protocolName Protocol Name, or null
 * @param sequenceName Sequence Name / Pulse Sequence Name, or null
 * @param scanningSequence Scanning Sequence (e.g. SE, GR), or null
 * @param echoTimeMs Echo Time (classic) or Effective Echo Time (enhanced), or null
 * @param repetitionTimeMs Repetition Time, or null
 * @param frameOrientations Image Orientation (Patient) per frame: six direction cosines each; one
 *     entry for a classic single-frame image; empty when the object carries none
 * @param frames number of frames
 * @param rows Rows, or null
 * @param columns Columns, or null
 * @param bodyPartExamined Body Part Examined (0018,0015) as recorded, else the term for the coded
 *     anatomic region ({@link AnatomicRegion}; the first frame's for a multi-frame image), or null
 *     when the file states neither
 * @param studyDate Study Date (0008,0020) as recorded (YYYYMMDD), or null; shown to clinicians on
 *     the results view, never logged
 * @param studyTime Study Time (0008,0030) as recorded (HHMMSS.FFFFFF, possibly shorter), or null
 */
public record InstanceFacts(
    String sopClassUid,
    String sopInstanceUid,
    String studyInstanceUid,
    String seriesInstanceUid,
    String modality,
    Integer seriesNumber,
    Integer instanceNumber,
    String seriesDescription,
    String protocolName,
    String sequenceName,
    String scanningSequence,
    Double echoTimeMs,
    Double repetitionTimeMs,
    List<double[]> frameOrientations,
    int frames,
    Integer rows,
    Integer columns,
    String bodyPartExamined,
    String studyDate,
    String studyTime) {

  public InstanceFacts {
    frameOrientations = frameOrientations == null ? List.of() : List.copyOf(frameOrientations);
  }
}
