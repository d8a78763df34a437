package io.cordwatch.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cordwatch.store.OutboxRecords.Via;
import io.cordwatch.store.Records.BoxReplacement;
import io.cordwatch.store.Records.BoxRow;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.Records.RemovedStudy;
import io.cordwatch.store.Records.RetentionCandidate;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.store.Records.StudyRow;
import io.cordwatch.store.Records.Totals;
import io.cordwatch.store.Records.WorklistRow;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The appliance's index: one SQLite database in WAL mode with {@code synchronous=FULL}, so a
 * committed row is on disk when {@link #recordInstance} returns. That is the last step before the
 * receiver answers Success, which is what makes "acknowledged means durable" hold across kill -9.
 *
 * <p>This class is the store's one entry point and says which writes belong together: each public
 * write is one {@link Database#transaction} (all or nothing, whatever fails inside) composed from
 * the concerns that own the SQL: {@link Schema} (tables and migrations), {@link Instances} (ingest
 * writes), {@link Series} (completion and selection), {@link JobQueue} (the grading queue), {@link
 * Results} (verdicts and slice rows), {@link Boxes} (supplied canal boxes), {@link Reviews}
 * (clinicians' decisions), {@link StudyStates} (the study's derived state), {@link Outbox} (results
 * documents to deliver), {@link StudyRemoval} (retention's rows), {@link AuditLog} and {@link
 * ReadModel} and {@link Activity} (what the API and the status page read).
 *
 * <p>One writing connection, serialised by {@link Database}: the appliance writes at most a few
 * hundred rows a second and SQLite has a single writer anyway. Reads (the web API, the status page,
 * grading's lookups) share a small pool of query-only connections ({@link #open(Path, int,
 * BoxChangePolicy)}), which in WAL mode neither wait for the writer nor hold it up.
 */
public final class Index implements AutoCloseable {
  /** Series is still receiving instances. Use {@link SeriesState#RECEIVING}. */
  public static final String SERIES_RECEIVING = SeriesState.RECEIVING.sql();

  /** Series has been stable long enough and has a selection decision. */
  public static final String SERIES_COMPLETE = SeriesState.COMPLETE.sql();

  /** Study states as stored; {@link StudyState} names them. */
  public static final String STUDY_RECEIVING = StudyState.RECEIVING.sql();

  public static final String STUDY_QUEUED = StudyState.QUEUED.sql();
  public static final String STUDY_NOT_ELIGIBLE = StudyState.NOT_ELIGIBLE.sql();
  public static final String STUDY_COMPLETE = StudyState.COMPLETE.sql();
  public static final String STUDY_GRADED = StudyState.GRADED.sql();
  public static final String STUDY_FAILED = StudyState.FAILED.sql();

  /** Job states as stored; {@link JobState} names them. */
  public static final String JOB_QUEUED = JobState.QUEUED.sql();

  public static final String JOB_RUNNING = JobState.RUNNING.sql();
  public static final String JOB_DONE = JobState.DONE.sql();
  public static final String JOB_FAILED = JobState.FAILED.sql();

  /**
   * Query-only connections an index opens unless told otherwise ({@link #open(Path, int,
   * BoxChangePolicy)}); the default of the {@code index-read-connections} setting.
   */
  public static final int DEFAULT_READ_CONNECTIONS = Database.DEFAULT_READ_CONNECTIONS;

  private final Database db;
  private final BoxChangePolicy boxChanges;
  private final Accounts accounts;
  private final BundleActivations bundleActivations;
  private final BundleShadows bundleShadows;
  private final ShadowResults shadowResults;
  private volatile long boxesVersion;

  private Index(Database db, BoxChangePolicy boxChanges) {
    this.db = db;
    this.boxChanges = boxChanges;
    this.accounts = new Accounts(db);
    this.bundleActivations = new BundleActivations(db);
    this.bundleShadows = new BundleShadows(db);
    this.shadowResults = new ShadowResults(db);
  }

  /** Which installed bundle runs in shadow ({@link BundleShadows}), in this same database. */
  public BundleShadows bundleShadows() {
    return bundleShadows;
  }

  /** What shadow bundles found ({@link ShadowResults}), never published; same database. */
  public ShadowResults shadowResults() {
    return shadowResults;
  }

  /** Which installed model bundle is active ({@link BundleActivations}), in this same database. */
  public BundleActivations bundleActivations() {
    return bundleActivations;
  }

  /** Users, API tokens and sessions ({@link Accounts}), in this same database. */
  public Accounts accounts() {
    return accounts;
  }

  /**
   * Opens (creating if needed) the index at {@code file} and brings its schema up to date. Its
   * boxes can be read but not replaced: {@link #replaceStudyBoxes} needs the grading stage's policy
   * ({@link #open(Path, BoxChangePolicy)}).
   */
  public static Index open(Path file) {
    return open(file, null);
  }

  /**
   * Opens the index as {@link #open(Path)} does, with what grading does when supplied boxes change
   * ({@link #replaceStudyBoxes}).
   */
  public static Index open(Path file, BoxChangePolicy boxChanges) {
    return open(file, DEFAULT_READ_CONNECTIONS, boxChanges);
  }

  /**
   * Opens the index as {@link #open(Path, BoxChangePolicy)} does, with {@code readConnections}
   * query-only connections (1 to 64) for the reads of the web API, the status page and grading: the
   * appliance's {@code index-read-connections}.
   *
   * @throws IllegalArgumentException when {@code readConnections} is out of range
   */
  public static Index open(Path file, int readConnections, BoxChangePolicy boxChanges) {
    Database db = Database.open(file, readConnections);
    try {
      Schema.migrate(db);
    } catch (StoreException e) {
      db.close();
      throw new StoreException(
          StoreException.Code.OPEN_FAILED,
          "cannot open index " + file + ": " + e.getMessage(),
          e.getCause());
    }
    return new Index(db, boxChanges);
  }

  /** Whether a trivial write transaction succeeds now (readiness). */
  public boolean writable() {
    return db.writable();
  }

  /** The instance with this SOP Instance UID, if stored. */
  public Optional<InstanceRow> findInstance(String sopInstanceUid) {
    return db.read(c -> Instances.find(c, sopInstanceUid));
  }

  /**
   * The same as {@link #findInstance}, read on the writing connection: for the receiver's duplicate
   * check, which must not wait behind the web's reads (see {@code Database.readOnWriter}).
   */
  public Optional<InstanceRow> findInstanceForIngest(String sopInstanceUid) {
    return db.readOnWriter(c -> Instances.find(c, sopInstanceUid));
  }

  /**
   * Commits one received instance: its row, and the series and study it belongs to (created or
   * touched; a complete series goes back to receiving). When an instance with the same SOP Instance
   * UID exists with other content, its row is replaced, an audit row ({@code instance_superseded}:
   * the UID, both senders and content hashes) is written in the same transaction, and the previous
   * path returned so the caller can set that file aside (the newest copy is served, every earlier
   * one kept).
   *
   * @return the path of a superseded file, if any
   */
  public Optional<String> recordInstance(
      InstanceRow row, String modality, Integer seriesNumber, String seriesDescription) {
    return db.groupedTransaction(
        c -> {
          Optional<Instances.Replaced> old =
              Instances.record(c, row, modality, seriesNumber, seriesDescription);
          if (old.isPresent()) {
            AuditLog.append(
                c,
                row.receivedMs(),
                "instance_superseded",
                "sop %s re-sent by %s with other content (sha256 %s, was %s from %s); earlier copy"
                        .formatted(
                            row.sopInstanceUid(),
                            row.callingAe(),
                            row.sha256(),
                            old.get().sha256(),
                            old.get().callingAe())
                    + " kept in quarantine/superseded");
          }
          return old.map(Instances.Replaced::path);
        });
  }

  /**
   * Whether the series is known and still receiving: not yet complete, so a release counts. Read on
   * the writing connection, like {@link #findInstanceForIngest}: the receiver asks it per
   * duplicate.
   */
  public boolean seriesReceiving(String seriesUid) {
    return db.readOnWriter(c -> Series.receiving(c, seriesUid));
  }

  /** Notes that an association that sent instances of this series has been released. */
  public void markSeriesReleased(String seriesUid, long atMs) {
    db.transaction(
        c -> {
          Series.markReleased(c, seriesUid, atMs);
          return null;
        });
  }

  /** Series in a state, oldest activity first. */
  public List<SeriesRow> seriesInState(SeriesState state) {
    return seriesInState(state.sql());
  }

  /** Series in a state (as stored), oldest activity first. */
  public List<SeriesRow> seriesInState(String state) {
    return db.read(c -> ReadModel.seriesInState(c, state));
  }

  /** The facts JSON of every instance in a series, in instance-number order where known. */
  public List<String> factsOfSeries(String seriesUid) {
    return db.read(c -> Instances.factsOfSeries(c, seriesUid));
  }

  /**
   * Marks a series complete with its selection decision and, when selected, queues (or re-queues)
   * its grading job; then refreshes the study's state. One transaction, so a decision never exists
   * without its job.
   */
  public void completeSeries(
      String seriesUid, long nowMs, boolean selected, String summary, List<String> reasons) {
    String reasonsJson;
    try {
      reasonsJson = Rows.JSON.writeValueAsString(reasons);
    } catch (JsonProcessingException e) {
      throw new StoreException(StoreException.Code.WRITE_FAILED, e.getMessage(), e);
    }
    db.transaction(
        c -> {
          Optional<String> studyUid = Series.studyOf(c, seriesUid);
          if (studyUid.isEmpty()) {
            return null;
          }
          Series.complete(
              c,
              seriesUid,
              nowMs,
              selected ? SeriesDecision.SELECTED : SeriesDecision.SKIPPED,
              summary,
              reasonsJson);
          if (selected) {
            JobQueue.enqueue(c, seriesUid, studyUid.get(), nowMs);
          }
          // The series changed since it was graded (or is no longer selected): its old results
          // would describe images that are not the series any more.
          Results.delete(c, seriesUid);
          StudyStates.refresh(c, studyUid.get());
          return null;
        });
  }

  /**
   * Takes the oldest queued job that is due (a retried job waits until its {@code
   * next_attempt_ms}): it becomes running with one more attempt. Empty when none is due.
   */
  public Optional<JobRow> claimJob(long nowMs) {
    return db.transaction(
        c -> {
          Optional<JobRow> claimed = JobQueue.claim(c, nowMs);
          if (claimed.isPresent()) {
            StudyStates.refresh(c, claimed.get().studyUid());
          }
          return claimed;
        });
  }

  /**
   * Records a finished job's verdict and slice rows and marks it done, in one transaction. Does
   * nothing and returns false when the job is no longer running: its series was re-queued by new
   * instances while it was graded, and the new job will grade the whole series again.
   */
  public boolean finishJob(JobRow job, String verdictJson, List<SliceRow> slices, long nowMs) {
    return finishJob(job, verdictJson, slices, nowMs, List.of());
  }

  /**
   * Records a finished job as {@link #finishJob(JobRow, String, List, long)} does and, in the same
   * transaction, queues its results documents in the outbox (one row per document and destination);
   * deliveries still pending for the series' earlier verdict are superseded. So a committed verdict
   * always has its deliveries queued, whenever the process dies.
   */
  public boolean finishJob(
      JobRow job,
      String verdictJson,
      List<SliceRow> slices,
      long nowMs,
      List<OutboxRecords.Item> outbox) {
    return db.transaction(
        c -> {
          if (!JobQueue.finish(c, job, nowMs)) {
            return false;
          }
          Results.write(c, job.seriesUid(), job.studyUid(), verdictJson, slices, nowMs);
          StudyStates.refresh(c, job.studyUid());
          int superseded = Outbox.supersede(c, job.seriesUid(), nowMs);
          if (superseded > 0) {
            AuditLog.append(
                c,
                nowMs,
                "outbox_superseded",
                "series %s graded again: %d pending deliveries of its earlier verdict dropped"
                    .formatted(job.seriesUid(), superseded));
          }
          Outbox.enqueue(c, job.studyUid(), job.seriesUid(), outbox, nowMs);
          return true;
        });
  }

  /** Outbox rows due at {@code nowMs}, oldest due first, at most {@code limit}. */
  public List<OutboxRecords.Row> dueOutbox(long nowMs, int limit) {
    return db.read(c -> Outbox.due(c, nowMs, limit));
  }

  /** When the next pending outbox row is due; null when none is pending. */
  public Long nextOutboxDue() {
    return db.read(Outbox::nextDue);
  }

  /**
   * Outbox rows whose C-STORE is about to go, in one transaction: after a crash their delivery is
   * in doubt, and the sender asks the destination (C-FIND) before sending them again.
   */
  public void outboxStarted(List<Long> ids, long nowMs) {
    db.transaction(
        c -> {
          Outbox.started(c, ids, nowMs);
          return null;
        });
  }

  /** An outbox row was delivered by C-STORE; see {@link #outboxDelivered(long, Via, long)}. */
  public boolean outboxDelivered(long id, long nowMs) {
    return outboxDelivered(id, Via.C_STORE, nowMs);
  }

  /**
   * An outbox row was delivered, proven {@code via}, with an audit row ({@code results_sent}: the
   * document, its study and where it went; "confirmed by C-FIND" when the destination already held
   * it) in the same transaction. False (nothing changed) when it was no longer pending.
   */
  public boolean outboxDelivered(long id, Via via, long nowMs) {
    return db.transaction(
        c -> {
          if (!Outbox.delivered(c, id, via, nowMs)) {
            return false;
          }
          Optional<OutboxRecords.Row> row =
              Database.first(c, "SELECT * FROM outbox WHERE id = ?", Outbox::row, id);
          if (row.isPresent()) {
            OutboxRecords.Row r = row.get();
            AuditLog.append(
                c,
                nowMs,
                "results_sent",
                "%s %s of study %s to %s%s"
                    .formatted(
                        r.kind(),
                        r.objectUid(),
                        r.studyUid(),
                        withoutSecrets(r.destination()),
                        via == Via.C_FIND ? " (confirmed by C-FIND, not sent again)" : ""));
          }
          return true;
        });
  }

  /** A destination as the audit trail names it: a URL without its user info and query. */
  private static String withoutSecrets(String destination) {
    int scheme = destination.indexOf("://");
    if (scheme < 0) {
      return destination;
    }
    String rest = destination.substring(scheme + 3);
    int at = rest.indexOf('@');
    int slash = rest.indexOf('/');
    if (at >= 0 && (slash < 0 || at < slash)) {
      rest = rest.substring(at + 1);
    }
    int query = rest.indexOf('?');
    return destination.substring(0, scheme + 3) + (query < 0 ? rest : rest.substring(0, query));
  }

  /**
   * An attempt to deliver an outbox row failed with {@code error}: it is due again at {@code
   * nextAttemptMs}, or, with {@code giveUp}, failed for good, with an audit row ({@code
   * outbox_failed}) in the same transaction.
   */
  public boolean outboxAttemptFailed(
      OutboxRecords.Row row, String error, boolean giveUp, long nextAttemptMs, long nowMs) {
    return db.transaction(
        c -> {
          boolean changed = Outbox.attemptFailed(c, row.id(), error, giveUp, nextAttemptMs, nowMs);
          if (changed && giveUp) {
            AuditLog.append(
                c,
                nowMs,
                "outbox_failed",
                "%s %s of series %s to %s given up after %d attempts: %s"
                    .formatted(
                        row.kind(),
                        row.objectUid(),
                        row.seriesUid(),
                        row.destination(),
                        row.attempts() + 1,
                        error));
          }
          return changed;
        });
  }

  /** The outbox in numbers (status, metrics). */
  public OutboxRecords.Counts outboxCounts() {
    return db.read(Outbox::counts);
  }

  /** A study's outbox rows, in the order they were queued. */
  public List<OutboxRecords.Row> outboxOfStudy(String studyUid) {
    return db.read(c -> Outbox.ofStudy(c, studyUid));
  }

  /**
   * Queues results documents made after the verdict (a clinician's verified SR) for delivery, with
   * an audit row, in one transaction; an item already queued is left as it is.
   *
   * @param what the audit text (no patient data)
   */
  public void queueResults(
      String studyUid, String seriesUid, List<OutboxRecords.Item> items, String what, long nowMs) {
    db.transaction(
        c -> {
          Outbox.enqueue(c, studyUid, seriesUid, items, nowMs);
          AuditLog.append(c, nowMs, "results_verified", what);
          return null;
        });
  }

  /**
   * A running job did not finish: back to queued for another attempt no earlier than {@code
   * nextAttemptMs}, or failed for good, with its reason either way.
   *
   * @param nextAttemptMs when the job may be claimed again; null for at once (ignored unless {@code
   *     retry})
   */
  public void failJob(JobRow job, String reason, boolean retry, Long nextAttemptMs, long nowMs) {
    db.transaction(
        c -> {
          JobQueue.fail(c, job, reason, retry, nextAttemptMs, nowMs);
          StudyStates.refresh(c, job.studyUid());
          return null;
        });
  }

  /**
   * Puts jobs left running by a previous process (killed mid-job) back in the queue.
   *
   * @return how many
   */
  public int requeueRunningJobs(long nowMs) {
    return db.transaction(c -> JobQueue.requeueRunning(c, nowMs));
  }

  /** The stored instances of a series. */
  public List<InstanceRow> instancesOfSeries(String seriesUid) {
    return db.read(c -> Instances.ofSeries(c, seriesUid));
  }

  /** The stored instances of a study. */
  public List<InstanceRow> instancesOfStudy(String studyUid) {
    return db.read(c -> Instances.ofStudy(c, studyUid));
  }

  /**
   * A counter that moves whenever supplied boxes change, so a result computed with the boxes of an
   * earlier version can tell it is stale.
   */
  public long boxesVersion() {
    return boxesVersion;
  }

  /** The supplied box of one slice, if any. */
  public Optional<BoxRow> box(String sopInstanceUid, int frame) {
    return db.read(c -> Boxes.of(c, sopInstanceUid, frame));
  }

  /** The supplied boxes of a study, by instance and frame. */
  public List<BoxRow> boxesOfStudy(String studyUid) {
    return db.read(c -> Boxes.ofStudy(c, studyUid));
  }

  /**
   * Replaces every supplied box of a study with {@code boxes}, in one transaction that also hands
   * the series where a box appeared, went or moved to the {@link BoxChangePolicy} the index was
   * opened with (which queues grading again and clears results as it decides), refreshes the
   * study's state and writes an audit row. The caller has checked that the instances belong to the
   * study.
   *
   * @param who who asked, for the audit row (e.g. "api 10.0.0.5")
   * @return the counts, and the series the policy queued again
   * @throws IllegalStateException when the index was opened without a policy
   */
  public BoxReplacement replaceStudyBoxes(
      String studyUid, List<BoxRow> boxes, long nowMs, String who) {
    if (boxChanges == null) {
      throw new IllegalStateException(
          "this index was opened without a box-change policy; boxes cannot be replaced");
    }
    BoxReplacement done =
        db.transaction(
            c -> {
              Boxes.Diff diff = Boxes.replace(c, studyUid, boxes, nowMs);
              List<String> requeued = new ArrayList<>();
              boxChanges.boxesChanged(
                  List.copyOf(Instances.seriesOf(c, diff.changedSops())),
                  new BoxChangePolicy.Regrading() {
                    @Override
                    public boolean requeue(String seriesUid) {
                      try {
                        boolean queued = JobQueue.requeue(c, seriesUid, nowMs);
                        if (queued) {
                          requeued.add(seriesUid);
                        }
                        return queued;
                      } catch (SQLException e) {
                        throw Database.write(e);
                      }
                    }

                    @Override
                    public void clearResults(String seriesUid) {
                      try {
                        Results.delete(c, seriesUid);
                      } catch (SQLException e) {
                        throw Database.write(e);
                      }
                    }
                  });
              StudyStates.refresh(c, studyUid);
              AuditLog.append(
                  c,
                  nowMs,
                  "boxes_replaced",
                  "study %s by %s: %d boxes (%d before), %d changed, %d series queued again"
                      .formatted(
                          studyUid,
                          who,
                          diff.stored(),
                          diff.before(),
                          diff.changed(),
                          requeued.size()));
              return new BoxReplacement(
                  diff.before(), diff.stored(), diff.changed(), List.copyOf(requeued));
            });
    boxesVersion++;
    return done;
  }

  /** Studies, newest activity first, optionally only those in {@code state}. */
  public List<StudyRow> studies(String state, int limit) {
    return db.read(c -> ReadModel.studies(c, state, limit));
  }

  /** One study with its series, their selection decisions and job states. */
  public Optional<StudyRow> study(String studyUid) {
    return db.read(c -> ReadModel.study(c, studyUid));
  }

  /**
   * The newest {@code limit} studies for the results worklist, each with its series' verdicts, its
   * latest study decision and how many of its slices have one. One read, so a study's verdicts and
   * reviews are seen as of the same moment.
   */
  public List<WorklistRow> worklist(int limit) {
    return db.read(
        c -> {
          List<WorklistRow> out = new ArrayList<>();
          for (StudyRow s : ReadModel.studies(c, null, limit)) {
            out.add(
                new WorklistRow(
                    s,
                    ReadModel.verdictsOfStudy(c, s.studyUid()),
                    Reviews.latestOfStudy(c, s.studyUid()).orElse(null),
                    Reviews.reviewedSlices(c, s.studyUid()),
                    ReadModel.firstFactsOfStudy(c, s.studyUid()).orElse(null)));
          }
          return out;
        });
  }

  /**
   * Records a clinician's decision on a study's or a slice's grade, with an audit row naming who,
   * in one transaction. Nothing is overwritten: an earlier decision on the same study or slice
   * stays as history and this one becomes the current one.
   *
   * @return the stored row (with its id)
   */
  public ReviewRow recordReview(ReviewRow r) {
    return db.transaction(
        c -> {
          ReviewRow stored = Reviews.add(c, r);
          AuditLog.append(
              c,
              r.atMs(),
              "review_recorded",
              "study %s%s: %s grade %s (model %s: %s) by user %s"
                  .formatted(
                      r.studyUid(),
                      r.studyLevel() ? "" : " sop " + r.sopInstanceUid() + " frame " + r.frame(),
                      r.decision(),
                      r.grade(),
                      r.model(),
                      r.modelGrade(),
                      r.userName()));
          return stored;
        });
  }

  /**
   * The facts JSON of a study's first stored instance (study-wide attributes such as Study Date),
   * if the study has any instance.
   */
  public Optional<String> firstFactsOfStudy(String studyUid) {
    return db.read(c -> ReadModel.firstFactsOfStudy(c, studyUid));
  }

  /** Every decision on a study, oldest first (the history the study page lists). */
  public List<ReviewRow> reviewsOfStudy(String studyUid) {
    return db.read(c -> Reviews.ofStudy(c, studyUid));
  }

  /** The current (latest) decision on every study and slice that has one, by study. */
  public List<ReviewRow> currentReviews() {
    return db.read(Reviews::current);
  }

  /** Jobs in a state, oldest first. */
  public List<JobRow> jobs(JobState state) {
    return db.read(c -> JobQueue.inState(c, state));
  }

  /** Jobs in a state (as stored), oldest first. */
  public List<JobRow> jobs(String state) {
    return jobs(JobState.valueOf(state.toUpperCase(java.util.Locale.ROOT)));
  }

  /**
   * Arrivals, verdict latencies and traffic per calling AE since {@code sinceMs} (the status page's
   * charts; numbers and AE titles only).
   */
  public Activity activity(long sinceMs) {
    return db.read(c -> Activity.read(c, sinceMs));
  }

  /** Totals for status and metrics. */
  public Totals totals() {
    return db.read(ReadModel::totals);
  }

  /** Every stored path with its row id (for start-up reconciliation). */
  public List<InstanceRow> allInstances() {
    return db.read(Instances::all);
  }

  /**
   * Removes the row of an instance whose file is gone (found at start-up), and records why in the
   * audit log; its series is put back to receiving so its decision is made again on what is really
   * there.
   */
  public void forgetMissingInstance(InstanceRow row, long nowMs) {
    db.transaction(
        c -> {
          Instances.forget(c, row, nowMs);
          AuditLog.append(
              c, nowMs, "instance_file_missing", "row " + row.id() + " path " + row.path());
          return null;
        });
  }

  /**
   * Settled studies (no series receiving, no grading job queued or running), least recently
   * received first: what retention may remove, before its age and disk rules and any {@link
   * RetentionHold}.
   */
  public List<RetentionCandidate> retentionCandidates() {
    return db.read(StudyRemoval::candidates);
  }

  /**
   * The files (relative paths) that removing the study would leave to delete: its instances and its
   * results documents in the outbox folder.
   */
  public Set<String> studyPaths(String studyUid) {
    return db.read(c -> StudyRemoval.paths(c, studyUid));
  }

  /**
   * The store's own hold on studies ({@link StudyRemoval#heldByResults}): results not yet
   * delivered, or clinicians' reviews. {@link #removeStudy} checks it again inside its transaction,
   * whatever hold it is given.
   */
  public RetentionHold resultsHold() {
    return studyUid -> db.read(c -> StudyRemoval.heldByResults(c, studyUid));
  }

  /**
   * Removes a study's rows (instances, series, jobs, verdicts, slice results, boxes, the study, the
   * outbox rows of its delivered or given-up results) and writes a {@code study_removed} audit row
   * with the counts, in one transaction; the files are the caller's to delete after it returns. It
   * removes nothing, and returns empty, unless the study is still settled, neither {@code hold} nor
   * {@link #resultsHold} holds it, and its instance paths (instances and results documents) are
   * exactly {@code journaledPaths}: the caller has written those down before calling, so a crash
   * between this commit and the file deletions leaves files it can find, and an instance that
   * arrived since it looked (not in its list) is never orphaned.
   *
   * @param studyTag the study as logs name it (a hash of the UID; the audit row carries no UID)
   * @param reason why it goes (a short fixed word, e.g. {@code age}, {@code disk})
   */
  public Optional<RemovedStudy> removeStudy(
      String studyUid,
      Set<String> journaledPaths,
      RetentionHold hold,
      String studyTag,
      String reason,
      long nowMs) {
    return db.transaction(
        c -> {
          if (!StudyRemoval.settled(c, studyUid)
              || StudyRemoval.heldByResults(c, studyUid).isPresent()
              || hold.heldBecause(studyUid).isPresent()
              || !StudyRemoval.paths(c, studyUid).equals(journaledPaths)) {
            return Optional.empty();
          }
          StudyRemoval.Counts n = StudyRemoval.delete(c, studyUid);
          AuditLog.append(
              c,
              nowMs,
              "study_removed",
              "study %s by retention (%s): %d series, %d instances, %d bytes%s"
                  .formatted(
                      studyTag,
                      reason,
                      n.series(),
                      n.instances(),
                      n.bytes(),
                      n.results() == 0 ? "" : ", " + n.results() + " results outbox rows"));
          return Optional.of(
              new RemovedStudy(
                  studyUid, n.series(), n.instances(), n.bytes(), List.copyOf(journaledPaths)));
        });
  }

  /**
   * Whether any instance row or outbox row names this file (relative to the data directory): a file
   * a removal journaled but whose rows are still there was never removed.
   */
  public boolean fileInUse(String relativePath) {
    return db.read(c -> StudyRemoval.named(c, relativePath));
  }

  /** Appends an audit event (no PHI in {@code detail}). */
  public void audit(long atMs, String event, String detail) {
    db.transaction(
        c -> {
          AuditLog.append(c, atMs, event, detail);
          return null;
        });
  }

  /**
   * Audit rows after {@code afterId}, oldest first, at most {@code limit} (what the syslog export
   * sends next).
   */
  public List<AuditRow> auditAfter(long afterId, int limit) {
    return db.read(c -> AuditLog.after(c, afterId, limit));
  }

  /** How many audit rows there are after {@code afterId} (the export's backlog). */
  public long auditCountAfter(long afterId) {
    return db.read(c -> AuditLog.countAfter(c, afterId));
  }

  /** The id of the last audit row sent to {@code collector}; 0 when none has been. */
  public long auditExported(String collector) {
    return db.read(c -> AuditLog.exported(c, collector));
  }

  /** Records that every audit row up to {@code lastId} has gone to {@code collector}. */
  public void markAuditExported(String collector, long lastId, long nowMs) {
    db.transaction(
        c -> {
          AuditLog.markExported(c, collector, lastId, nowMs);
          return null;
        });
  }

  @Override
  public void close() {
    db.close();
  }
}
