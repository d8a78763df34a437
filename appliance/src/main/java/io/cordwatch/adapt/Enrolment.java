package io.cordwatch.adapt;

import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.grade.SeriesFiles;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.roi.SuppliedBoxes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Collects the embeddings of a site's graded slices ({@link LabelledStudies}: a folder's DICOM
 * files and labels.csv, or the slices clinicians decided on an appliance). Every series is graded
 * whole, as the appliance grades it (its intensity window comes from all its slices), with the
 * labelled boxes as the box source; the backbone's embedding of each labelled slice is kept with
 * its grade. A labelled slice that yields no embedding (file missing or unreadable, box unusable)
 * is counted, not enrolled.
 */
public final class Enrolment {
  private Enrolment() {}

  /**
   * What was enrolled.
   *
   * @param slices the enrolled slices, in source, study and series order
   * @param labelled slices with a reference grade in the sources' labels
   * @param studies distinct studies among the enrolled slices
   */
  public record Enrolled(List<EnrolledSlice> slices, int labelled, int studies) {
    /** Labelled slices that were not enrolled. */
    public int missing() {
      return labelled - slices.size();
    }
  }

  /**
   * @param selected whether the appliance would grade a series with these instances (its series
   *     selection rules): only such series are enrolled, so a site's T1 or sagittal slices never
   *     become prototypes of an axial T2 model; series an appliance already chose ({@link
   *     LabelledStudies#preselected()}) are taken as they are
   * @param log progress lines (folder names and counts only: no patient data)
   * @throws AdaptException naming a source or labels that cannot be used
   */
  public static Enrolled collect(
      Bundle bundle,
      BackboneEngine engine,
      List<LabelledStudies> sources,
      Predicate<List<InstanceFacts>> selected,
      Consumer<String> log) {
    List<EnrolledSlice> out = new ArrayList<>();
    int labelled = 0;
    Map<LocalLabels.Key, String> labelledIn = new java.util.HashMap<>();
    for (LabelledStudies source : sources) {
      Map<LocalLabels.Key, LocalLabels.Label> labels =
          LocalLabels.read(source.labelsName(), source.labelsCsv(), bundle.classes());
      labelled += labels.size();
      for (LocalLabels.Key k : labels.keySet()) {
        String before = labelledIn.putIfAbsent(k, source.name());
        if (before != null) {
          throw new AdaptException(
              LabelledStudies.labelledTwice(k.sopInstanceUid(), k.frame(), before, source.name()));
        }
      }
      SuppliedBoxes boxes;
      try {
        boxes = source.boxes();
      } catch (BoxFileException e) {
        throw new AdaptException(e.getMessage(), e);
      }
      Map<String, Map<String, List<SeriesFiles.File>>> studies =
          new TreeMap<>(SeriesFiles.group(source.files(), notDicom -> {}));
      int before = out.size();
      SeriesGrader grader =
          new SeriesGrader(
              bundle,
              engine,
              boxes,
              (sop, frame, embedding) -> {
                LocalLabels.Label l = labels.get(new LocalLabels.Key(sop, frame));
                if (l != null) {
                  out.add(new EnrolledSlice(l.study(), sop, frame, l.classIndex(), embedding));
                }
              });
      int skipped = 0;
      for (Map.Entry<String, Map<String, List<SeriesFiles.File>>> st : studies.entrySet()) {
        for (Map.Entry<String, List<SeriesFiles.File>> se : st.getValue().entrySet()) {
          List<SeriesFiles.File> items = se.getValue();
          if (!source.preselected() && !selected.test(SeriesFiles.facts(items))) {
            skipped++;
            continue;
          }
          grader.grade(st.getKey(), se.getKey(), SeriesFiles.inputs(items));
        }
      }
      if (skipped > 0) {
        log.accept(
            source.name() + ": " + skipped + " series not selected for grading, not enrolled");
      }
      log.accept(
          String.format(
              Locale.ROOT,
              "%s: %d of %d labelled slices enrolled from %d studies",
              source.name(),
              out.size() - before,
              labels.size(),
              out.subList(before, out.size()).stream()
                  .map(EnrolledSlice::study)
                  .distinct()
                  .count()));
    }
    int studyCount = (int) out.stream().map(EnrolledSlice::study).distinct().count();
    return new Enrolled(List.copyOf(out), labelled, studyCount);
  }
}
