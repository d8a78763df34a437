package io.cordwatch.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The network targets of {@code cordwatch fuzz}: starts the appliance under fuzz ({@link FuzzHost})
 * in a scratch folder, runs the association or HTTP fuzzer for the time asked, then, for the
 * association target, sends the phantom study with DCMTK's storescu where it is installed (a real
 * sender must still get in), and prints what happened.
 */
final class NetworkFuzz {
  /** The receiver's limits under fuzz: short, so that a held connection shows within seconds. */
  static final Duration ARTIM = Duration.ofSeconds(1);

  static final Duration IDLE = Duration.ofSeconds(1);

  private NetworkFuzz() {}

  static int run(
      PrintWriter o, boolean association, double minutes, long maxInputs, long seed, Path out)
      throws IOException {
    Path scratch = Files.createTempDirectory("cordwatch-fuzz");
    // PixelMed prints every oddity it meets to System.err; a fuzz run meets millions.
    java.io.PrintStream err = System.err;
    System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try (LogWatch log = new LogWatch();
        FuzzHost host = FuzzHost.start(scratch, ARTIM, IDLE, seed)) {
      long end = System.nanoTime() + (long) (minutes * 60e9);
      long started = System.nanoTime();
      List<DicomFuzzer.Finding> findings = new ArrayList<>();
      if (association) {
        o.printf(
            "cordwatch fuzz --target association: receiver on 127.0.0.1:%d (ARTIM %d ms, idle %d"
                + " ms), %.1f min, seed %d%n",
            host.dicomPort(), ARTIM.toMillis(), IDLE.toMillis(), minutes, seed);
        o.flush();
        AssociationFuzzer.Report r =
            new AssociationFuzzer(host, log, AssociationFuzzer.phantomSeeds(host), seed, out, 50)
                .run(maxInputs, () -> System.nanoTime() < end);
        o.printf(
            "inputs %d in %.0f s, well-behaved stores between them %d, findings %d%n",
            r.inputs(), (System.nanoTime() - started) / 1e9, r.probes(), r.findings().size());
        kinds(o, r.byKind());
        findings.addAll(r.findings());
        String storescu = storescu(scratch.resolve("phantom"), host.dicomPort());
        o.println("storescu after the run: " + (storescu == null ? "sent" : storescu));
        if (storescu != null && !storescu.startsWith("not run")) {
          findings.add(new DicomFuzzer.Finding("storescu after the run", 1, null, storescu));
        }
      } else {
        o.printf(
            "cordwatch fuzz --target http: web server on 127.0.0.1:%d, %.1f min, seed %d%n",
            host.httpPort(), minutes, seed);
        o.flush();
        HttpFuzzer.Report r =
            new HttpFuzzer(host, log, seed, out, 50).run(maxInputs, () -> System.nanoTime() < end);
        o.printf(
            "inputs %d in %.0f s, health checks %d, findings %d%n  answers by status: %s%n",
            r.inputs(),
            (System.nanoTime() - started) / 1e9,
            r.healthChecks(),
            r.findings().size(),
            r.byStatus());
        kinds(o, r.byKind());
        findings.addAll(r.findings());
      }
      for (DicomFuzzer.Finding f : findings) {
        o.printf(
            "FINDING (%d hits) %s%n  input: %s%n  %s%n",
            f.hits(), f.signature(), f.input(), f.detail().replace("\n", "\n  "));
      }
      return findings.isEmpty() ? 0 : 1;
    } finally {
      System.setErr(err);
      try (var s = Files.walk(scratch)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void kinds(PrintWriter o, Map<String, Long> byKind) {
    byKind.forEach((k, n) -> o.printf("  mutation %s: %d%n", k, n));
  }

  /**
   * Sends the files under {@code dir} with DCMTK's storescu; null when every one was stored, "not
   * run: ..." without storescu, else what failed.
   */
  static String storescu(Path dir, int port) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "storescu",
                "-aet",
                "STORESCU",
                "-aec",
                PduStreams.CALLED_AE,
                "127.0.0.1",
                Integer.toString(port)));
    try (var s = Files.list(dir)) {
      s.sorted().forEach(p -> cmd.add(p.toString()));
    }
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.environment().put("TCP_NODELAY", "1");
    Process p;
    try {
      p = b.start();
    } catch (IOException e) {
      return "not run: storescu is not installed (apt-get install dcmtk)";
    }
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "storescu did not finish in 120 s";
      }
      return p.exitValue() == 0 ? null : "storescu exited " + p.exitValue() + ": " + output.strip();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
