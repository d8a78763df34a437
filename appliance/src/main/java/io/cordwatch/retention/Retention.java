package io.cordwatch.retention;

import io.cordwatch.store.Index;
import io.cordwatch.store.Records.RemovedStudy;
import io.cordwatch.store.RetentionHold;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.telemetry.VolumeUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which stored studies and quarantined files go, and their removal.
 *
 * <p>The rules. Only a settled study may go: none of its series is still receiving and none of its
 * grading jobs is queued or running (the index's {@link Index#retentionCandidates}), and no {@link
 * RetentionHold} keeps it (results not yet delivered, once results are delivered at all). Among
 * those, least recently received first: every study older than {@code retention-max-age}, then,
 * while the data volume is at or above {@code retention-disk-high-water} (bytes or inodes,
 * whichever is fuller), as many more as bring it down to {@code retention-disk-low-water} by the
 * index's own count of bytes and files. Quarantined files older than {@code quarantine-max-age} are
 * deleted.
 *
 * <p>The order of a removal, so that a crash anywhere loses nothing it should keep and leaves
 * nothing it cannot find: the study's file list is journaled ({@link RemovalJournal}), then its
 * rows and an audit row (hashed UID, counts, bytes) go in one transaction that checks again that
 * the study is settled, not held, and has exactly the journaled files; then the files, then the
 * journal entry. {@link #recover} finishes what a crash interrupted. One run at a time, across
 * processes.
 *
 * <p>A plan is a value: the {@code retention} command prints it ({@code --dry-run}) or applies it,
 * and the appliance's {@link RetentionWorker} plans and applies on a timer.
 */
public final class Retention {
  private static final Logger LOG = Logger.getLogger(Retention.class.getName());

  /**
   * What a run did.
   *
   * @param declined studies the plan named that were no longer removable (new instances arrived, a
   *     job was queued, a hold appeared) and were kept
   * @param failed studies whose removal failed (logged; kept whole)
   * @param recovered files of an interrupted earlier removal deleted now
   */
  public record Outcome(
      int studiesRemoved,
      long studyBytes,
      int declined,
      int failed,
      int quarantineRemoved,
      long quarantineBytes,
      int recovered) {
    boolean didAnything() {
      return studiesRemoved + declined + failed + quarantineRemoved + recovered > 0;
    }
  }

  private final Path dataDir;
  private final Index index;
  private final RetentionConfig config;
  private final RetentionHold hold;
  private final VolumeUsage volume;
  private final Meters meters;
  private final Clock clock;
  private final RemovalJournal journal;

  public Retention(
      Path dataDir,
      Index index,
      RetentionConfig config,
      RetentionHold hold,
      VolumeUsage volume,
      Meters meters,
      Clock clock) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.index = index;
    this.config = config;
    this.hold = hold;
    this.volume = volume;
    this.meters = meters;
    this.clock = clock;
    this.journal = new RemovalJournal(this.dataDir);
  }

  public RetentionConfig config() {
    return config;
  }

  /** Plans a run without changing anything. */
  public RetentionPlan plan() throws IOException {
    return new RetentionPlanner(dataDir, index, config, hold, volume).plan(clock.instant());
  }

  /**
   * One run, as the worker makes it: finishes an interrupted removal, plans and applies. Empty when
   * another run holds the lock (this one is skipped).
   */
  public Optional<Outcome> run() throws IOException {
    try (RemovalJournal.Lock lock = journal.lock()) {
      if (lock == null) {
        LOG.info("retention: another run is in progress over this data directory; skipped");
        return Optional.empty();
      }
      int recovered = recoverLocked();
      RetentionPlan plan = plan();
      if (plan.diskStaysFull()) {
        LOG.warning("retention: " + plan.disk());
      }
      Outcome o = applyLocked(plan, recovered);
      if (o.didAnything()) {
        LOG.info(summary(o));
      }
      return Optional.of(o);
    }
  }

  /**
   * Applies a plan (the {@code retention} command's, after it showed it). Empty when another run
   * holds the lock.
   */
  public Optional<Outcome> apply(RetentionPlan plan) throws IOException {
    try (RemovalJournal.Lock lock = journal.lock()) {
      if (lock == null) {
        return Optional.empty();
      }
      Outcome o = applyLocked(plan, recoverLocked());
      LOG.info(summary(o));
      return Optional.of(o);
    }
  }

  /**
   * Finishes removals a crash interrupted (start-up calls it before the spool is reconciled, so
   * those files are deleted rather than quarantined as orphans).
   *
   * @return files deleted; -1 when another run holds the lock
   */
  public int recover() throws IOException {
    try (RemovalJournal.Lock lock = journal.lock()) {
      return lock == null ? -1 : recoverLocked();
    }
  }

  private int recoverLocked() throws IOException {
    for (Path partial : journal.partials()) {
      // Written before any row went: nothing was removed on its account.
      journal.delete(partial);
    }
    int deleted = 0;
    for (Path entry : journal.entries()) {
      for (String relative : RemovalJournal.read(entry)) {
        // A row that still names the file means the removal never committed: keep it.
        if (!index.fileInUse(relative) && Files.deleteIfExists(resolve(relative))) {
          deleted++;
        }
      }
      journal.delete(entry);
    }
    if (deleted > 0) {
      LOG.info("retention: deleted " + deleted + " files of a removal a restart interrupted");
    }
    return deleted;
  }

  private Outcome applyLocked(RetentionPlan plan, int recovered) throws IOException {
    int removed = 0;
    long bytes = 0;
    int declined = 0;
    int failed = 0;
    for (RetentionPlan.Removal r : plan.removals()) {
      Set<String> paths = index.studyPaths(r.studyUid());
      Path entry = journal.write(paths);
      Optional<RemovedStudy> done;
      try {
        done =
            index.removeStudy(r.studyUid(), paths, hold, r.studyTag(), r.reason(), clock.millis());
      } catch (RuntimeException e) {
        journal.delete(entry);
        failed++;
        LOG.log(
            Level.WARNING,
            "retention: study " + r.studyTag() + " could not be removed and is kept: " + e,
            e);
        continue;
      }
      if (done.isEmpty()) {
        journal.delete(entry);
        declined++;
        LOG.info(
            "retention: study "
                + r.studyTag()
                + " kept: it changed since the plan (instances arrived, grading queued or a hold)");
        continue;
      }
      int missing = 0;
      for (String relative : done.get().paths()) {
        if (!Files.deleteIfExists(resolve(relative))) {
          missing++;
        }
      }
      journal.delete(entry);
      removed++;
      bytes += done.get().bytes();
      meters.studyRemoved(r.reason(), done.get().bytes());
      LOG.info(
          "retention: study "
              + r.studyTag()
              + " removed ("
              + r.reason()
              + ", last received "
              + r.lastReceived()
              + "): "
              + done.get().series()
              + " series, "
              + done.get().instances()
              + " instances, "
              + done.get().bytes()
              + " bytes"
              + (missing > 0 ? ", " + missing + " files were already gone" : ""));
    }
    int expired = 0;
    long expiredBytes = 0;
    for (RetentionPlan.ExpiredFile q : plan.quarantine()) {
      if (Files.deleteIfExists(q.file())) {
        expired++;
        expiredBytes += q.bytes();
      }
    }
    if (expired > 0) {
      meters.quarantineExpired(expired, expiredBytes);
    }
    return new Outcome(removed, bytes, declined, failed, expired, expiredBytes, recovered);
  }

  private Path resolve(String relative) {
    Path p = dataDir.resolve(relative).normalize();
    if (!p.startsWith(dataDir)) {
      throw new UncheckedIOException(
          new IOException("a stored path escapes the data directory: " + relative));
    }
    return p;
  }

  static String summary(Outcome o) {
    return "retention: "
        + o.studiesRemoved()
        + " studies removed ("
        + o.studyBytes()
        + " bytes), "
        + o.declined()
        + " kept because they changed, "
        + o.failed()
        + " failed, "
        + o.quarantineRemoved()
        + " quarantined files expired ("
        + o.quarantineBytes()
        + " bytes), "
        + o.recovered()
        + " files of an interrupted removal deleted";
  }
}
