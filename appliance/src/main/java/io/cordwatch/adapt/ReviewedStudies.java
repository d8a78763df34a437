package io.cordwatch.adapt;

import io.cordwatch.dicom.Uids;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.SliceBox;
import io.cordwatch.roi.SuppliedBoxes;
import io.cordwatch.store.IndexSnapshot;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The studies clinicians have reviewed on an appliance, read from its data directory as labelled
 * studies: the reference is each slice's current decision in the results view, the files are the
 * spooled instances of the series those slices belong to, the canal boxes are the ones the
 * appliance graded those series with.
 *
 * <p>What counts, and why. A slice decision (confirm or correct, {@code reviews} rows with an
 * instance and frame) names one slice and one grade: the latest one per slice is its reference, a
 * confirmation giving the model's grade and a correction the reader's. A study decision names a
 * study grade, which is the worst confident slice grade: it says nothing exact about any one slice
 * (a study confirmed as Bilsky 2 may have one slice at 2 and twenty at 0), so it is counted in the
 * description and never turned into slice labels. Only the series holding a decided slice are
 * graded again; a series nobody decided a slice of is not part of the data, even in a reviewed
 * study. The grading window of a series comes from all its slices, so every instance of a reviewed
 * series is graded, and only its decided slices are compared.
 *
 * <p>Boxes: those stored with each slice's result, i.e. the boxes the appliance's grading used,
 * whatever gave them (a boxes file, the API, or the bundle's localizer at the time); a slice graded
 * without one has none here. The reference labels carry the box each decision recorded. The series
 * were chosen by the appliance's own selection rules ({@link #preselected()}), which may be a
 * site's, not the defaults.
 *
 * <p>Nothing is written: the index is read through {@link IndexSnapshot} (read-only, one read
 * transaction, works while the appliance runs). The description names no user, patient or UID;
 * studies are named by their {@link Uids#tag} in the labels, the same tag the status page and the
 * log use.
 */
public final class ReviewedStudies implements LabelledStudies {
  private static final String INDEX = "index.db";

  /**
   * What the reviews cover.
   *
   * @param studies studies with at least one slice decision
   * @param series series holding a decided slice (the series graded again)
   * @param slices slices with a current decision (the reference)
   * @param confirmed of these, decisions that confirm the model's grade
   * @param corrected of these, decisions that correct it
   * @param studyDecisions current study-level decisions (not used: they grade no single slice)
   * @param unreviewedSeries graded series of the reviewed studies with no decided slice (not used)
   * @param reviewers distinct users whose decisions are used
   * @param firstDecision the earliest used decision's date (UTC)
   * @param lastDecision the latest used decision's date (UTC)
   * @param instances files of the series graded again
   * @param boxes slices of those series with a stored canal box
   */
  public record Summary(
      int studies,
      int series,
      int slices,
      int confirmed,
      int corrected,
      int studyDecisions,
      int unreviewedSeries,
      int reviewers,
      LocalDate firstDecision,
      LocalDate lastDecision,
      int instances,
      int boxes) {}

  private final Path dataDir;
  private final String labelsCsv;
  private final List<SliceBox> boxes;
  private final List<Path> files;
  private final Summary summary;

  private ReviewedStudies(
      Path dataDir, String labelsCsv, List<SliceBox> boxes, List<Path> files, Summary summary) {
    this.dataDir = dataDir;
    this.labelsCsv = labelsCsv;
    this.boxes = boxes;
    this.files = files;
    this.summary = summary;
  }

  /**
   * Reads the reviewed studies of the appliance whose data directory is {@code dataDir}.
   *
   * @throws AdaptException naming what is missing: the folder, its index, or any slice decision
   */
  public static ReviewedStudies read(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      throw new AdaptException(
          dataDir
              + ": no such folder (give the appliance's data-dir, /var/lib/cordwatch on a box)");
    }
    Path index = dataDir.resolve(INDEX);
    if (!Files.isRegularFile(index)) {
      throw new AdaptException(
          dataDir
              + ": no "
              + INDEX
              + " here: not an appliance's data directory, or one that has never run (give its"
              + " data-dir setting, /var/lib/cordwatch on a box)");
    }
    try (IndexSnapshot snapshot = IndexSnapshot.open(index)) {
      return snapshot.read(view -> collect(dataDir, index, view));
    } catch (StoreException e) {
      throw new AdaptException(e.getMessage(), e);
    }
  }

  private static ReviewedStudies collect(Path dataDir, Path index, IndexSnapshot.View view) {
    List<ReviewRow> current = view.currentReviews();
    int studyDecisions = 0;
    Map<String, List<ReviewRow>> byStudy = new LinkedHashMap<>();
    for (ReviewRow r : current) {
      if (r.studyLevel()) {
        studyDecisions++;
      } else {
        byStudy.computeIfAbsent(r.studyUid(), k -> new ArrayList<>()).add(r);
      }
    }
    if (byStudy.isEmpty()) {
      throw new AdaptException(
          index
              + ": no slice decisions yet ("
              + studyDecisions
              + " study decision(s), which grade no single slice): nothing to validate against."
              + " Confirm or correct slice grades in the results view (/studies, each slice's"
              + " form), then run this again");
    }
    StringBuilder labels = new StringBuilder(ReviewRow.LABELS_HEADER).append('\n');
    List<SliceBox> boxes = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    Set<String> reviewers = new HashSet<>();
    int series = 0;
    int slices = 0;
    int confirmed = 0;
    int unreviewed = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    Path root = dataDir.toAbsolutePath().normalize();
    for (Map.Entry<String, List<ReviewRow>> e : byStudy.entrySet()) {
      StudyRow study = view.study(e.getKey()).orElse(null);
      Map<String, String> seriesOfSop = new LinkedHashMap<>();
      if (study != null) {
        for (SeriesRow s : study.series()) {
          for (SliceRow sl : s.slices()) {
            seriesOfSop.put(sl.sopInstanceUid(), s.seriesUid());
          }
        }
      }
      Set<String> reviewedSeries = new LinkedHashSet<>();
      String tag = Uids.tag(e.getKey());
      for (ReviewRow r : e.getValue()) {
        String s = r.seriesUid() != null ? r.seriesUid() : seriesOfSop.get(r.sopInstanceUid());
        if (s != null) {
          reviewedSeries.add(s);
        }
        labels.append(r.labelsLine(tag)).append('\n');
        slices++;
        confirmed += ReviewRow.CONFIRM.equals(r.decision()) ? 1 : 0;
        reviewers.add(r.userName());
        first = Math.min(first, r.atMs());
        last = Math.max(last, r.atMs());
      }
      if (study != null) {
        for (SeriesRow s : study.series()) {
          if (!reviewedSeries.contains(s.seriesUid())) {
            unreviewed += s.verdictJson() != null ? 1 : 0;
            continue;
          }
          for (SliceRow sl : s.slices()) {
            int[] b = sl.box();
            if (b != null) {
              boxes.add(
                  new SliceBox(
                      sl.sopInstanceUid(), sl.frame(), new CanalBox(b[0], b[1], b[2], b[3])));
            }
          }
        }
      }
      for (String s : reviewedSeries) {
        series++;
        for (InstanceRow i : view.instancesOfSeries(s)) {
          Path f = root.resolve(i.path()).normalize();
          if (!f.startsWith(root)) {
            throw new AdaptException(index + ": a stored instance path leaves the data directory");
          }
          files.add(f);
        }
      }
    }
    Summary summary =
        new Summary(
            byStudy.size(),
            series,
            slices,
            confirmed,
            slices - confirmed,
            studyDecisions,
            unreviewed,
            reviewers.size(),
            date(first),
            date(last),
            files.size(),
            boxes.size());
    return new ReviewedStudies(dataDir, labels.toString(), List.copyOf(boxes), files, summary);
  }

  private static LocalDate date(long ms) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
  }

  /** What the reviews cover. */
  public Summary summary() {
    return summary;
  }

  @Override
  public String name() {
    return dataDir.toString();
  }

  @Override
  public String labelsCsv() {
    return labelsCsv;
  }

  @Override
  public String labelsName() {
    return dataDir.resolve(INDEX) + " (slice decisions)";
  }

  @Override
  public SuppliedBoxes boxes() {
    return SuppliedBoxes.of(boxes, dataDir.resolve(INDEX) + " (the boxes grading used)");
  }

  @Override
  public List<Path> files() {
    return files;
  }

  @Override
  public boolean preselected() {
    return true;
  }

  @Override
  public String studyName(String studyInstanceUid) {
    return Uids.tag(studyInstanceUid);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("kind", "appliance");
    d.put("data_dir", dataDir.toString());
    d.put("reference", "clinicians' current slice decisions (results view)");
    d.put("studies", summary.studies());
    d.put("series", summary.series());
    d.put("slices", summary.slices());
    d.put("confirmed", summary.confirmed());
    d.put("corrected", summary.corrected());
    d.put("reviewers", summary.reviewers());
    d.put("first_decision", summary.firstDecision().toString());
    d.put("last_decision", summary.lastDecision().toString());
    d.put("study_decisions_not_used", summary.studyDecisions());
    d.put("unreviewed_series_not_used", summary.unreviewedSeries());
    d.put("instances", summary.instances());
    d.put("stored_boxes", summary.boxes());
    return d;
  }
}
