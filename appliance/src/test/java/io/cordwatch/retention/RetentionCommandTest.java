package io.cordwatch.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;
import io.cordwatch.dicom.Uids;
import io.cordwatch.retention.StoredStudies.Left;
import io.cordwatch.retention.StoredStudies.Study;
import io.cordwatch.store.Index;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cordwatch retention}: shows what goes, removes it only without --dry-run. */
class RetentionCommandTest {
  @TempDir Path tmp;

  @Test
  void dryRunShowsTheOldStudyAndRemovesNothingThenARunRemovesIt() throws Exception {
    Path data = tmp.resolve("data");
    Path config = tmp.resolve("cordwatch.yaml");
    Files.writeString(
        config,
        """
        retention-max-age: 30d
        retention-disk-high-water: 0
        quarantine-max-age: 0
        """);
    Study old;
    Study young;
    try (Index index = Index.open(data.resolve("index.db"))) {
      StoredStudies studies = new StoredStudies(data, index);
      old = studies.add(Instant.now().minus(Duration.ofDays(40)), 2, 100, Left.GRADED);
      young = studies.add(Instant.now().minus(Duration.ofDays(1)), 1, 100, Left.GRADED);
    }
    String[] args = {"retention", "--config", config.toString(), "--data-dir", data.toString()};

    CliRun dry = CliRun.run(append(args, "--dry-run"));
    assertEquals(0, dry.exit(), dry.all());
    assertTrue(dry.out().contains("remove study " + Uids.tag(old.uid()) + " (graded"), dry.all());
    assertFalse(dry.out().contains(Uids.tag(young.uid())), dry.all());
    assertFalse(dry.out().contains(old.uid()), "no UID is printed");
    assertTrue(dry.out().contains("disk: disk rule off"), dry.all());
    assertTrue(dry.out().contains("(retention-max-age 30d)"), dry.all());
    assertTrue(dry.out().contains("dry run: nothing removed"), dry.all());
    assertTrue(old.files().stream().allMatch(Files::exists));

    CliRun run = CliRun.run(args);
    assertEquals(0, run.exit(), run.all());
    assertTrue(run.out().contains("removed 1 studies (200 bytes)"), run.all());
    assertTrue(old.files().stream().noneMatch(Files::exists));
    assertTrue(young.files().stream().allMatch(Files::exists));
    try (Index index = Index.open(data.resolve("index.db"))) {
      assertTrue(index.study(old.uid()).isEmpty());
      assertTrue(index.study(young.uid()).isPresent());
    }
  }

  @Test
  void aFolderWithoutAnIndexIsRefusedNamingIt() {
    CliRun r = CliRun.run("retention", "--data-dir", tmp.resolve("empty").toString());
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains("no index at"), r.all());
  }

  private static String[] append(String[] args, String more) {
    String[] out = java.util.Arrays.copyOf(args, args.length + 1);
    out[args.length] = more;
    return out;
  }
}
