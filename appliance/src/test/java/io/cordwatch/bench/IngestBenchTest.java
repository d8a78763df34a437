package io.cordwatch.bench;

import static io.cordwatch.bench.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.testing.SkipPeers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench ingest} refuses nonsense sizes, and at a tiny size it runs every receiver over one
 * and four associations and checks each stored every instance; its timings are never asserted.
 */
class IngestBenchTest {
  @TempDir Path tmp;

  @Test
  void tinyRunStoresEveryInstanceInEachReceiverOverOneAndFourAssociations() {
    SkipPeers.assumePeers("storescu, storescp and Orthanc");
    CliRun r =
        CliRun.run(
            "bench",
            "ingest",
            "--instances",
            "6",
            "--size",
            "16",
            "--runs",
            "1",
            "--keep",
            tmp.resolve("work").toString());

    assertEquals(0, r.exit(), r.all());
    for (String peer : new String[] {"storescp", "orthanc", "cordwatch"}) {
      for (int n : new int[] {1, 4}) {
        assertTrue(
            r.out().lines().anyMatch(l -> l.matches(peer + " +\\| +" + n + " \\|.*")),
            peer + " x" + n + " row missing:\n" + r.all());
      }
    }
    assertTrue(r.out().contains("1 association: ratio cordwatch/orthanc "), r.all());
    assertTrue(r.out().contains("4 associations: ratio cordwatch/orthanc "), r.all());
    // Every Orthanc run held all six (the bench checks its REST API and fails otherwise).
    assertTrue(Files.exists(tmp.resolve("work/run-1/orthanc-4/orthanc.log")), r.all());
  }

  @Test
  void nonsenseSizesAreRefusedWithTheOptionNamed() {
    assertRefused(
        "--instances must be between 1 and 100000, was 0", "bench", "ingest", "--instances", "0");
    assertRefused(
        "--size must be between 16 and 4096 pixels, was 5", "bench", "ingest", "--size", "5");
    assertRefused("--runs must be between 1 and 50, was -1", "bench", "ingest", "--runs", "-1");
  }

  /**
   * Every bench that writes files takes {@code --keep} from one mixin ({@link WorkFolder}), so each
   * refuses a folder that holds files, or a file, the same way before any work starts.
   */
  @Test
  void everyBenchRefusesAKeepFolderThatIsNotEmptyOrNotAFolder() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    Path full = Files.createDirectories(tmp.resolve("full"));
    Files.writeString(full.resolve("left-over"), "x");
    Path file = Files.writeString(tmp.resolve("file"), "x");
    String b = bundle.toString();
    for (List<String> bench :
        List.of(
            List.of("bench", "ingest"),
            List.of("bench", "load", "--bundle", b),
            List.of("bench", "faults", "--bundle", b))) {
      List<String> args = new ArrayList<>(bench);
      args.addAll(List.of("--keep", full.toString()));
      assertRefused(
          "--keep " + full + " is not empty (the bench would mix its files with others)",
          args.toArray(String[]::new));
      args.set(args.size() - 1, file.toString());
      assertRefused("--keep " + file + " is not a folder", args.toArray(String[]::new));
    }
    try (Stream<Path> s = Files.list(full)) {
      assertEquals(
          List.of(full.resolve("left-over")), s.toList(), "a refused bench wrote in --keep");
    }
  }
}
