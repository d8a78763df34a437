package io.cordwatch.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.receive.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short fixed-seed runs of the network fuzzers against a real in-process appliance: the receiver
 * and the web server survive a few hundred damaged inputs with no finding, and a real storescu send
 * still succeeds after the association run (the long runs are {@code cordwatch fuzz --target
 * association|http}).
 */
class NetworkFuzzersTest {
  @TempDir Path tmp;

  @Test
  void theReceiverSurvivesDamagedAssociationsAndStillTakesARealSender() throws Exception {
    try (LogWatch log = new LogWatch();
        FuzzHost host = FuzzHost.start(tmp, Duration.ofSeconds(1), Duration.ofSeconds(1), 5)) {
      AssociationFuzzer.Report r =
          new AssociationFuzzer(
                  host, log, AssociationFuzzer.phantomSeeds(host), 20261205L, tmp.resolve("f"), 25)
              .run(150, () -> true);
      assertEquals(150, r.inputs());
      assertEquals(List.of(), r.findings(), "findings (inputs under " + tmp.resolve("f") + ")");
      assertTrue(r.probes() >= 6, "well-behaved stores ran between the inputs");
      Peers.Run sent = Peers.storescu(host.dicomPort(), "STORESCU", phantom(tmp));
      assertEquals(0, sent.exit(), sent.output());
      assertEquals(3, Peers.successes(sent));
    }
  }

  @Test
  void theWebServerAnswersDamagedRequestsWithoutFaultsOrLeaks() throws Exception {
    try (LogWatch log = new LogWatch();
        FuzzHost host = FuzzHost.start(tmp, Duration.ofSeconds(1), Duration.ofSeconds(1), 6)) {
      HttpFuzzer.Report r =
          new HttpFuzzer(host, log, 20261205L, tmp.resolve("f"), 50).run(300, () -> true);
      assertEquals(300, r.inputs());
      assertEquals(List.of(), r.findings(), "findings (inputs under " + tmp.resolve("f") + ")");
      assertTrue(r.byStatus().getOrDefault(200, 0L) > 0, "some requests got in: " + r.byStatus());
      assertTrue(r.byStatus().getOrDefault(401, 0L) > 0, "some were refused: " + r.byStatus());
    }
  }

  private static List<Path> phantom(Path dir) throws Exception {
    try (var s = Files.list(dir.resolve("phantom"))) {
      return s.sorted().toList();
    }
  }
}
