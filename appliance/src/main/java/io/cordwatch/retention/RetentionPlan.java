package io.cordwatch.retention;

import io.cordwatch.dicom.Uids;
import io.cordwatch.telemetry.VolumeFigures;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What one retention run would do: a value, printed by the {@code retention} command and applied by
 * {@link Retention#apply}.
 *
 * @param figures the data volume as read for the disk rule; null when the rule is off or the
 *     figures could not be read
 * @param disk one sentence on the disk rule's decision
 * @param diskStaysFull the volume is at or above the high water mark and removing every study the
 *     rules allow would not bring it to the low water mark
 * @param settled settled studies considered
 * @param held settled studies a hold kept
 */
public record RetentionPlan(
    Instant at,
    VolumeFigures figures,
    String disk,
    boolean diskStaysFull,
    List<Removal> removals,
    List<ExpiredFile> quarantine,
    int settled,
    int held) {
  public RetentionPlan {
    removals = List.copyOf(removals);
    quarantine = List.copyOf(quarantine);
  }

  /** A study a plan removes, and why ({@code age} or {@code disk}). */
  public record Removal(
      String studyUid,
      String reason,
      String state,
      Instant lastReceived,
      int instances,
      long bytes) {
    /** The study as logs and the audit trail name it (a hash of its UID). */
    public String studyTag() {
      return Uids.tag(studyUid);
    }
  }

  /** A quarantined file a plan deletes. */
  public record ExpiredFile(Path file, long bytes, Instant modified) {}

  /** Data set bytes of the studies it removes. */
  public long studyBytes() {
    return removals.stream().mapToLong(Removal::bytes).sum();
  }

  /** Bytes of the quarantined files it deletes. */
  public long quarantineBytes() {
    return quarantine.stream().mapToLong(ExpiredFile::bytes).sum();
  }
}
