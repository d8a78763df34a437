package io.cordwatch.retention;

import io.cordwatch.store.Index;
import io.cordwatch.store.Records.RetentionCandidate;
import io.cordwatch.store.RetentionHold;
import io.cordwatch.telemetry.VolumeFigures;
import io.cordwatch.telemetry.VolumeUsage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides what one run removes ({@link Retention} says the rules): settled studies not held, by age
 * and then, least recently received first, for the disk's high water mark; expired quarantined
 * files. It reads the index and the volume and changes nothing.
 */
final class RetentionPlanner {
  private final Path dataDir;
  private final Index index;
  private final RetentionConfig config;
  private final RetentionHold hold;
  private final VolumeUsage volume;

  RetentionPlanner(
      Path dataDir, Index index, RetentionConfig config, RetentionHold hold, VolumeUsage volume) {
    this.dataDir = dataDir;
    this.index = index;
    this.config = config;
    this.hold = hold;
    this.volume = volume;
  }

  /** Plans a run at {@code now} without changing anything. */
  RetentionPlan plan(Instant now) throws IOException {
    List<RetentionCandidate> free = new ArrayList<>();
    int settled = 0;
    int held = 0;
    for (RetentionCandidate c : index.retentionCandidates()) {
      settled++;
      if (hold.heldBecause(c.studyUid()).isPresent()) {
        held++;
      } else {
        free.add(c);
      }
    }
    List<RetentionPlan.ExpiredFile> quarantine =
        config.quarantineRule()
            ? QuarantineExpiry.expired(
                dataDir.resolve("quarantine"), config.quarantineMaxAge(), now)
            : List.of();
    List<RetentionPlan.Removal> removals = new ArrayList<>();
    Set<String> planned = new HashSet<>();
    if (config.ageRule()) {
      long cutoff = now.minus(config.maxAge()).toEpochMilli();
      for (RetentionCandidate c : free) {
        if (c.lastReceivedMs() < cutoff) {
          removals.add(removal(c, "age"));
          planned.add(c.studyUid());
        }
      }
    }
    VolumeFigures figures = null;
    DiskDecision disk;
    if (!config.diskRule()) {
      disk = new DiskDecision("disk rule off", false);
    } else {
      try {
        figures = volume.read(dataDir);
        disk = diskRule(figures, free, planned, removals, quarantine);
      } catch (IOException e) {
        disk =
            new DiskDecision(
                "volume figures unreadable (" + e.getMessage() + "); the disk rule was skipped",
                false);
      }
    }
    return new RetentionPlan(
        now, figures, disk.text(), disk.staysFull(), removals, quarantine, settled, held);
  }

  private record DiskDecision(String text, boolean staysFull) {}

  /**
   * Adds the studies the disk rule removes, least recently received first, until the index's count
   * of what goes (with the age rule's studies and the expired quarantine) brings both bytes and
   * inodes to the low water mark; returns what it decided, in one sentence.
   */
  private DiskDecision diskRule(
      VolumeFigures f,
      List<RetentionCandidate> free,
      Set<String> planned,
      List<RetentionPlan.Removal> removals,
      List<RetentionPlan.ExpiredFile> quarantine) {
    String now =
        String.format(
            Locale.ROOT,
            "%.1f %% used (bytes %.1f %%, inodes %.1f %%)",
            f.usedPercent(),
            f.bytesUsedPercent(),
            f.inodesUsedPercent());
    if (f.usedPercent() < config.highWaterPercent()) {
      return new DiskDecision(
          now + ", below the high water mark of " + percent(config.highWaterPercent()), false);
    }
    double low = config.lowWaterPercent() / 100.0;
    long needBytes = f.usedBytes() - (long) (low * (f.usedBytes() + f.availableBytes()));
    long needInodes =
        f.totalInodes() <= 0
            ? 0
            : (f.totalInodes() - f.freeInodes()) - (long) (low * f.totalInodes());
    for (RetentionPlan.Removal r : removals) {
      needBytes -= r.bytes();
      needInodes -= r.instances();
    }
    for (RetentionPlan.ExpiredFile q : quarantine) {
      needBytes -= q.bytes();
      needInodes--;
    }
    int added = 0;
    for (RetentionCandidate c : free) {
      if (needBytes <= 0 && needInodes <= 0) {
        break;
      }
      if (planned.add(c.studyUid())) {
        removals.add(removal(c, "disk"));
        needBytes -= c.bytes();
        needInodes -= c.instances();
        added++;
      }
    }
    String head =
        now + ", at or above the high water mark of " + percent(config.highWaterPercent());
    if (needBytes > 0 || needInodes > 0) {
      return new DiskDecision(
          head
              + ": every settled study that is not held goes ("
              + added
              + " for disk) and the volume stays above the low water mark of "
              + percent(config.lowWaterPercent())
              + " (what fills it is not ours, or is still arriving or held)",
          true);
    }
    return new DiskDecision(
        head
            + ": "
            + added
            + " studies go for disk, to bring it to the low water mark of "
            + percent(config.lowWaterPercent()),
        false);
  }

  private static String percent(double p) {
    return String.format(Locale.ROOT, "%.0f %%", p);
  }

  private static RetentionPlan.Removal removal(RetentionCandidate c, String reason) {
    return new RetentionPlan.Removal(
        c.studyUid(),
        reason,
        c.state(),
        Instant.ofEpochMilli(c.lastReceivedMs()),
        c.instances(),
        c.bytes());
  }
}
