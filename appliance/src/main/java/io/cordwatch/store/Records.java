package io.cordwatch.store;

import java.util.List;

/** Plain rows the index hands out; immutable and free of patient identifiers. */
public final class Records {
  private Records() {}

  /** One stored instance. {@code path} is relative to the data directory. */
  public record InstanceRow(
      long id,
      String sopInstanceUid,
      String sopClassUid,
      String studyUid,
      String seriesUid,
      String transferSyntax,
      String path,
      long sizeBytes,
      String sha256,
      long receivedMs,
      String callingAe,
      String factsJson) {}

  /** A series with its completion and selection state. */
  public record SeriesRow(
      String seriesUid,
      String studyUid,
      String modality,
      Integer seriesNumber,
      String description,
      int instanceCount,
      long firstReceivedMs,
      long lastReceivedMs,
      Long lastReleaseMs,
      String state,
      Long completedMs,
      String decision,
      String decisionSummary,
      List<String> decisionReasons,
      JobRow job,
      String verdictJson,
      List<SliceRow> slices) {}

  /**
   * One graded (or not graded) slice of a series, in slice-position order. Grade fields are null
   * unless {@code status} is {@code graded}; {@code reason} says why a slice was not graded.
   *
   * @param probabilitiesJson class name to probability, a JSON object in class order
   * @param box x0, y0, x1, y1 (0-based inclusive pixel indices), or null
   * @param boxSource where the box came from ({@code supplied}, {@code localizer}), or null
   * @param pHigh P(high); null unless graded, and for rows graded before schema version 5
   * @param highCall the decision rule's call; null unless graded, and for rows before version 5
   * @param tumourInBoxMm2 the tumour area the bundle's canal segmenter saw in the box; null where
   *     it did not look, and for rows before version 14
   * @param callWithdrawn whether the segmenter withdrew the slice's high call; null as above
   */
  public record SliceRow(
      int ordinal,
      String sopInstanceUid,
      int frame,
      String status,
      String grade,
      String probabilitiesJson,
      int[] box,
      Double ood,
      Boolean uncertain,
      String reason,
      String boxSource,
      Double pHigh,
      Boolean highCall,
      Double tumourInBoxMm2,
      Boolean callWithdrawn) {
    /** A row without the segmenter's measurement. */
    public SliceRow(
        int ordinal,
        String sopInstanceUid,
        int frame,
        String status,
        String grade,
        String probabilitiesJson,
        int[] box,
        Double ood,
        Boolean uncertain,
        String reason,
        String boxSource,
        Double pHigh,
        Boolean highCall) {
      this(
          ordinal,
          sopInstanceUid,
          frame,
          status,
          grade,
          probabilitiesJson,
          box,
          ood,
          uncertain,
          reason,
          boxSource,
          pHigh,
          highCall,
          null,
          null);
    }
  }

  /**
   * A settled study retention may consider (nothing arriving, no grading job pending).
   *
   * @param state the study's state as stored (graded, not_eligible, failed, complete)
   * @param lastReceivedMs when its last instance arrived: its age counts from here
   * @param instances its instance rows (each one file, one inode)
   * @param bytes its instances' data set bytes
   */
  public record RetentionCandidate(
      String studyUid, String state, long lastReceivedMs, int instances, long bytes) {}

  /**
   * A study retention removed: what its rows counted, and the instance files (relative to the data
   * directory) that are now the caller's to delete.
   */
  public record RemovedStudy(
      String studyUid, int series, int instances, long bytes, List<String> paths) {}

  /** A study with its series. {@code series} is empty in list views. */
  public record StudyRow(
      String studyUid,
      String state,
      long firstReceivedMs,
      long lastReceivedMs,
      int instanceCount,
      int seriesCount,
      List<SeriesRow> series) {}

  /**
   * A grading job.
   *
   * @param nextAttemptMs when a queued job that failed may be tried again; null when it may run at
   *     once (or is not queued)
   */
  public record JobRow(
      long id,
      String seriesUid,
      String studyUid,
      String state,
      long createdMs,
      long updatedMs,
      int attempts,
      String error,
      Long nextAttemptMs) {}

  /**
   * A canal box supplied for one slice (through the API): 0-based inclusive pixel indices.
   *
   * @param frame 1-based frame number
   */
  public record BoxRow(String sopInstanceUid, int frame, int x0, int y0, int x1, int y1) {}

  /**
   * What replacing a study's supplied boxes did.
   *
   * @param before boxes the study had
   * @param stored boxes it has now
   * @param changed slices whose box appeared, went or moved
   * @param requeuedSeries series whose grading was queued again because a box of theirs changed
   */
  public record BoxReplacement(int before, int stored, int changed, List<String> requeuedSeries) {}

  /** Counts for the status page. */
  public record Totals(
      long studies, long series, long instances, long bytes, long jobsQueued, long jobsRunning) {}

  /**
   * A clinician's decision on the model's grade of a whole study (no series, instance or frame) or
   * of one slice. Decisions are never changed: a later one for the same study or slice supersedes
   * it and both are kept.
   *
   * @param id the row id; order of recording (0 for a row not yet stored)
   * @param seriesUid the slice's series; null for a study decision
   * @param sopInstanceUid the slice's instance; null for a study decision
   * @param frame the slice's 1-based frame; null for a study decision
   * @param decision {@link #CONFIRM} or {@link #CORRECT}
   * @param grade the Bilsky grade the clinician gives (0, 1a, 1b, 1c, 2, 3)
   * @param modelGrade the model's grade when the decision was made; null when it had none
   * @param model the model (bundle name) that graded; null when unknown
   * @param box x0, y0, x1, y1 of the canal box the slice was graded with (0-based inclusive); null
   *     for a study decision or a slice without one
   * @param userName who decided (a user name)
   * @param atMs when
   */
  public record ReviewRow(
      long id,
      String studyUid,
      String seriesUid,
      String sopInstanceUid,
      Integer frame,
      String decision,
      String grade,
      String modelGrade,
      String model,
      int[] box,
      String userName,
      long atMs) {
    public static final String CONFIRM = "confirm";
    public static final String CORRECT = "correct";

    /** Whether this decides the study's grade rather than one slice's. */
    public boolean studyLevel() {
      return sopInstanceUid == null;
    }

    /** The header of {@link #labelsLine}'s rows: the labels.csv that grade and evaluate read. */
    public static final String LABELS_HEADER =
        "study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1,frame";

    /**
     * This slice decision as a labels.csv row (no line end), under {@code study} (the study UID, or
     * a tag standing for it): instance, grade, the box or four empty cells, frame (1 when none).
     */
    public String labelsLine(String study) {
      return study
          + ','
          + sopInstanceUid
          + ','
          + grade
          + ','
          + (box == null ? ",,," : box[0] + "," + box[1] + "," + box[2] + "," + box[3])
          + ','
          + (frame == null ? 1 : frame);
    }
  }

  /**
   * A study as the results worklist needs it: its row, its series' stored verdicts (JSON; empty
   * while none is graded), its latest study decision, how many slices have a decision, and the
   * facts JSON of its first stored instance (where Study Date and Time are; null when it has none).
   */
  public record WorklistRow(
      StudyRow study,
      List<String> verdicts,
      ReviewRow studyReview,
      int reviewedSlices,
      String firstFactsJson) {}
}
