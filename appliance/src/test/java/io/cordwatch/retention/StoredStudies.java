package io.cordwatch.retention;

import io.cordwatch.store.Index;
import io.cordwatch.store.PrivateFiles;
import io.cordwatch.store.ReceivedInstances;
import io.cordwatch.store.Records.JobRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Studies written through the real index with real files under a data directory, received at a
 * chosen time and left in a chosen state, for retention tests.
 */
final class StoredStudies {
  /** Where a study is left. */
  enum Left {
    /** Its series still receives. */
    ARRIVING,
    /** Complete, selected, its grading job queued. */
    QUEUED,
    /** Complete and graded. */
    GRADED,
    /** Complete, not selected for grading. */
    NOT_ELIGIBLE
  }

  /** A stored study: its UID and its files. */
  record Study(String uid, List<Path> files) {}

  private final Path dataDir;
  private final Index index;
  private int counter;

  StoredStudies(Path dataDir, Index index) {
    this.dataDir = dataDir;
    this.index = index;
  }

  /** A study of one series with {@code instances} files of {@code bytes} each. */
  Study add(Instant received, int instances, int bytes, Left left) throws IOException {
    int n = ++counter;
    String study = "1.2.826.0.1.3680043.10.1." + n;
    String series = study + ".1";
    List<Path> files = new ArrayList<>();
    for (int i = 1; i <= instances; i++) {
      files.add(instance(study, series, series + "." + i, received, bytes));
    }
    long at = received.toEpochMilli();
    switch (left) {
      case ARRIVING -> {}
      case NOT_ELIGIBLE -> index.completeSeries(series, at, false, "not axial", List.of("x"));
      case QUEUED -> index.completeSeries(series, at, true, "selected", List.of());
      case GRADED -> {
        index.completeSeries(series, at, true, "selected", List.of());
        JobRow job = index.claimJob(at).orElseThrow();
        if (!job.seriesUid().equals(series) || !index.finishJob(job, "{}", List.of(), at)) {
          throw new IllegalStateException("another study's job was queued; add queued ones last");
        }
      }
    }
    return new Study(study, files);
  }

  /** One more instance of the study's series arrives (the series receives again). */
  Path addInstance(Study s, Instant received) throws IOException {
    String series = s.uid() + ".1";
    return instance(s.uid(), series, series + ".new" + (++counter), received, 10);
  }

  private Path instance(String study, String series, String sop, Instant received, int bytes)
      throws IOException {
    String name = UUID.randomUUID().toString();
    Path dir =
        PrivateFiles.createDirectories(dataDir.resolve("spool/instances/" + name.substring(0, 2)));
    Path file = dir.resolve(name + ".dcm");
    Files.write(file, new byte[bytes]);
    index.recordInstance(
        ReceivedInstances.row(
            sop,
            study,
            series,
            dataDir.relativize(file).toString(),
            bytes,
            received.toEpochMilli(),
            "STORESCU"),
        "MR",
        1,
        "t2 axial");
    return file;
  }
}
