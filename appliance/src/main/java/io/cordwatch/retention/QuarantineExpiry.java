package io.cordwatch.retention;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which quarantined files are old enough to delete. Quarantine ({@code quarantine/<why>/}) keeps
 * what the appliance will not serve: files found without an index row at start-up, earlier copies
 * of re-sent instances. A file's age is its modification time, which moving it into quarantine
 * keeps: a superseded copy ages from when it was received, an orphan from when it was written.
 */
final class QuarantineExpiry {
  private QuarantineExpiry() {}

  static List<RetentionPlan.ExpiredFile> expired(Path quarantine, Duration maxAge, Instant now)
      throws IOException {
    if (!Files.isDirectory(quarantine)) {
      return List.of();
    }
    Instant cutoff = now.minus(maxAge);
    List<RetentionPlan.ExpiredFile> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(quarantine)) {
      for (Path p : s.toList()) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException goneMeanwhile) {
          continue;
        }
        Instant modified = a.lastModifiedTime().toInstant();
        if (a.isRegularFile() && modified.isBefore(cutoff)) {
          out.add(new RetentionPlan.ExpiredFile(p, a.size(), modified));
        }
      }
    }
    out.sort(Comparator.comparing(RetentionPlan.ExpiredFile::modified));
    return out;
  }
}
