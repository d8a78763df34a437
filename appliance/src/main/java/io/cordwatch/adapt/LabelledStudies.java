package io.cordwatch.adapt;

import io.cordwatch.roi.SuppliedBoxes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Studies with reference grades, wherever they come from: what {@code cordwatch validate} grades
 * and reports on and {@code cordwatch adapt} enrols. A folder holds them as DICOM files beside a
 * labels.csv ({@link LabelledFolder}); an appliance's data directory as its clinicians' slice
 * decisions over its spooled instances ({@link ReviewedStudies}). Both give the same three things
 * (labels in labels.csv form, the canal boxes that come with them, the files), so one code path
 * grades, enrols and reports either.
 */
public interface LabelledStudies {
  /**
   * The folders, then the data directories, as labelled studies.
   *
   * @throws AdaptException naming a folder or data directory that cannot be used
   */
  static List<LabelledStudies> of(List<Path> folders, List<Path> dataDirs) {
    List<LabelledStudies> out = new ArrayList<>();
    for (Path dir : folders) {
      out.add(LabelledFolder.of(dir));
    }
    for (Path dir : dataDirs) {
      out.add(ReviewedStudies.read(dir));
    }
    return List.copyOf(out);
  }

  /** What the data is, for progress lines and messages: a folder, or a data directory. */
  String name();

  /**
   * The reference labels in labels.csv form: a header naming {@code study_instance_uid}, {@code
   * sop_instance_uid}, {@code grade} and optionally {@code x0,y0,x1,y1} and {@code frame}.
   */
  String labelsCsv();

  /**
   * The message for a slice two sources label: which reference would count is anyone's guess, so
   * the data is refused.
   */
  static String labelledTwice(String sop, int frame, String first, String second) {
    return "instance "
        + sop
        + " frame "
        + frame
        + " is labelled both in "
        + first
        + " and in "
        + second
        + ": give each study once (the same studies in a folder and on the box?)";
  }

  /** What errors in {@link #labelsCsv} name as their file (a path). */
  String labelsName();

  /**
   * The canal boxes that come with the labels: used by {@code --boxes supplied} and by enrolment.
   *
   * @throws io.cordwatch.roi.BoxFileException when they cannot be used
   */
  SuppliedBoxes boxes();

  /** The files to grade, in a stable order (not every one need be DICOM). */
  List<Path> files();

  /**
   * Whether the appliance that graded these series already chose them by its own selection rules
   * (then they are graded as they are, not chosen again by the default rules).
   */
  boolean preselected();

  /**
   * How reports name a study of this data: its Study Instance UID for a folder (as its labels do),
   * its tag for an appliance's (as the labels of {@link ReviewedStudies} do).
   */
  String studyName(String studyInstanceUid);

  /** What a report says about this data: kind, counts, dates; no names and no UIDs. */
  Map<String, Object> describe();
}
