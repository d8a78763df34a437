package io.cordwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;
import io.cordwatch.cli.Main;
import io.cordwatch.testing.SkipPeers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int instances;
    int size;
    int runs;
    try {
      instances = Main.run("bench", "ingest", "--instances", "0");
      size = Main.run("bench", "ingest", "--size", "5");
      runs = Main.run("bench", "ingest", "--runs", "-1");
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, instances);
    assertEquals(2, size);
    assertEquals(2, runs);
    String text = err.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("--instances must be between 1 and 100000, was 0"), text);
    assertTrue(text.contains("--size must be between 16 and 4096 pixels, was 5"), text);
    assertTrue(text.contains("--runs must be between 1 and 50, was -1"), text);
  }
}
