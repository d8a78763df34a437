package io.cordwatch.bench;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.Logging;
import io.cordwatch.config.Settings;
import io.cordwatch.phantom.SyntheticStudy;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code cordwatch bench ingest}: C-STORE ingest, CordWatch against DCMTK {@code storescp}. The
 * number means something on whatever machine it runs on because the peer runs on it too.
 *
 * <p>{@code bench ingest} asks one question: what does the durability promise (every acknowledged
 * instance is fsync'd, renamed, its directory fsync'd and its index row committed) cost against a
 * receiver that makes no such promise? The peer is DCMTK {@code storescp}, which writes each file
 * and answers Success without fsync. Both are fed the same files by the same client ({@code
 * storescu}, one association), both run on loopback with the same maximum PDU, and the timed span
 * is the whole {@code storescu} process, so client start-up and association set-up weigh the same
 * on both sides.
 *
 * <p>How the runs are arranged, and why:
 *
 * <ul>
 *   <li>One untimed round of each first: it fills the page cache with the input files and lets the
 *       in-process appliance's JIT warm up; each later appliance starts in the same JVM.
 *   <li>Every run gets a fresh output folder and a fresh appliance data directory: a re-sent
 *       instance with the same content is acknowledged without being written again, which would
 *       measure the duplicate check instead of ingest.
 *   <li>{@code sync} runs, untimed, before each timed phase: storescp leaves its files dirty in the
 *       page cache, and on ext4 the next fsync can end up paying for their write-back. Without it,
 *       CordWatch would be charged for the peer's deferred work.
 *   <li>The order within a round flips each round (peer first, then CordWatch first), so neither
 *       always runs on a disk the other has just stirred.
 *   <li>The "fsync floor" row is the lower bound the disk sets for any receiver that keeps the
 *       promise: per instance, write a file of the average size, {@code force} it and fsync its
 *       directory, one after another, as one association does. CordWatch does that plus a rename
 *       and a SQLite WAL commit (a third fsync), so it cannot beat this row.
 * </ul>
 *
 * <p>Store latency for CordWatch comes from the appliance's own {@code cordwatch.store.latency}
 * timer (last data fragment to index commit), read from its percentile histogram with linear
 * interpolation inside the bucket. That reads the meter operators see rather than a bench-only
 * probe, at the meter's resolution: Micrometer's bucket bounds are about 0.35 ms apart between 1
 * and 4 ms and 1.4 ms apart up to 17 ms, so a value is good to a fraction of that. Each run has a
 * fresh appliance, hence a fresh timer: the reported p50/p95 are medians of the per-run values.
 * storescp has no such timer, so its cells are empty; the fsync floor's are exact.
 */
@Command(
    name = "ingest",
    description = {
      "C-STORE ingest throughput: CordWatch (fsync per instance) against DCMTK storescp (no"
          + " fsync), same files, same client, alternating runs; prints medians and the ratio."
    },
    mixinStandardHelpOptions = true)
final class IngestBench implements Callable<Integer> {
  static final int MAX_INSTANCES = 100_000;
  static final int MIN_SIZE = 16;
  static final int MAX_SIZE = 4096;
  static final int MAX_RUNS = 50;
  private static final String CALLING_AE = "BENCH";
  private static final String PEER_AE = "PEER";
  // The appliance advertises 64 KiB; the peer gets the same so PDU framing is not what differs.
  private static final int MAX_PDU = 65536;
  private static final long SEND_TIMEOUT_S = 1800;
  private static final double MB = 1e6;

  @CommandLine.Spec CommandSpec spec;

  @Option(
      names = "--instances",
      defaultValue = "200",
      description = "MR instances per run (default: ${DEFAULT-VALUE})")
  int instances;

  @Option(
      names = "--size",
      defaultValue = "256",
      description = "Rows and columns, 16-bit pixels (default: ${DEFAULT-VALUE})")
  int size;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Timed runs of each, after one untimed warm-up (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--keep",
      paramLabel = "DIR",
      description =
          "Work in DIR (absent or empty) and leave inputs, outputs and logs there;"
              + " default: a temporary folder, deleted afterwards")
  Path keep;

  /** One timed send: wall time and, for CordWatch, the store-latency percentiles in ms. */
  record Sample(double wallSeconds, double p50Ms, double p95Ms) {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    validate();
    BenchHost.requireTool("storescu");
    BenchHost.requireTool("storescp");
    Logging.configure(Level.WARNING);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    Path work = workFolder();
    try {
      Path input = work.resolve("input");
      err.printf("cordwatch bench: writing %d synthetic MR instances to %s%n", instances, input);
      err.flush();
      List<Path> files =
          SyntheticStudy.write(input, new SyntheticStudy.Spec(instances, false, false, size, 1));
      long payload = 0;
      for (Path f : files) {
        payload += Files.size(f);
      }
      requireSpace(work, payload);

      List<Sample> peer = new ArrayList<>();
      List<Sample> ours = new ArrayList<>();
      List<Sample> floor = new ArrayList<>();
      int fileBytes = (int) (payload / instances);
      for (int round = 0; round <= runs; round++) {
        Path dir = work.resolve(round == 0 ? "warmup" : "run-" + round);
        err.printf(
            "cordwatch bench: %s%n",
            round == 0 ? "warm-up (untimed)" : "run " + round + "/" + runs);
        err.flush();
        Sample p;
        Sample c;
        if (round % 2 == 0) {
          p = peerRun(dir.resolve("storescp"), input);
          c = cordwatchRun(dir.resolve("cordwatch"), input);
        } else {
          c = cordwatchRun(dir.resolve("cordwatch"), input);
          p = peerRun(dir.resolve("storescp"), input);
        }
        Sample f = fsyncFloor(dir.resolve("fsync"), fileBytes);
        if (round > 0) {
          peer.add(p);
          ours.add(c);
          floor.add(f);
        }
      }
      report(out, work, payload, peer, ours, floor);
      return 0;
    } finally {
      if (keep == null) {
        BenchHost.deleteTree(work);
      }
    }
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (instances < 1 || instances > MAX_INSTANCES) {
      throw new ParameterException(
          cl, "--instances must be between 1 and " + MAX_INSTANCES + ", was " + instances);
    }
    if (size < MIN_SIZE || size > MAX_SIZE) {
      throw new ParameterException(
          cl, "--size must be between " + MIN_SIZE + " and " + MAX_SIZE + " pixels, was " + size);
    }
    if (runs < 1 || runs > MAX_RUNS) {
      throw new ParameterException(
          cl, "--runs must be between 1 and " + MAX_RUNS + ", was " + runs);
    }
    if (keep != null && Files.exists(keep)) {
      if (!Files.isDirectory(keep)) {
        throw new ParameterException(cl, "--keep " + keep + " is not a folder");
      }
      try (Stream<Path> s = Files.list(keep)) {
        if (s.findAny().isPresent()) {
          throw new ParameterException(
              cl, "--keep " + keep + " is not empty (the bench would mix its files with others)");
        }
      } catch (IOException e) {
        throw new ParameterException(cl, "--keep " + keep + ": " + e.getMessage());
      }
    }
  }

  private Path workFolder() throws IOException {
    if (keep == null) {
      return Files.createTempDirectory("cordwatch-bench-");
    }
    return Files.createDirectories(keep).toAbsolutePath();
  }

  /** Inputs, one storescp copy and one CordWatch copy per round, with a tenth to spare. */
  private void requireSpace(Path work, long payload) throws IOException {
    long need = (long) (payload * (2.0 * (runs + 1) + 1) * 1.1);
    long free = Files.getFileStore(work).getUsableSpace();
    if (need > free) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "not enough disk space in %s: the bench needs about %.0f MB, %.0f MB are free;"
                  + " use fewer --instances, a smaller --size or fewer --runs",
              work,
              need / MB,
              free / MB));
    }
  }

  private Sample peerRun(Path outDir, Path input) throws IOException, InterruptedException {
    Files.createDirectories(outDir);
    Path log = outDir.resolveSibling("storescp.log");
    Process scp = null;
    int port = 0;
    // A free port can be taken between our probe and storescp's bind; a second one fixes that.
    for (int attempt = 0; attempt < 3 && scp == null; attempt++) {
      port = freePort();
      Process p =
          BenchHost.dcmtk(
                  List.of(
                      "storescp",
                      "-od",
                      outDir.toString(),
                      "-aet",
                      PEER_AE,
                      "-pdu",
                      Integer.toString(MAX_PDU),
                      Integer.toString(port)),
                  log)
              .start();
      if (awaitListening(p, port)) {
        scp = p;
      } else {
        p.destroyForcibly().waitFor();
      }
    }
    if (scp == null) {
      throw new IllegalStateException("storescp did not start listening; see " + log);
    }
    try {
      sync();
      double wall = send(port, PEER_AE, input, outDir.resolveSibling("storescu-peer.log"));
      long stored;
      try (Stream<Path> s = Files.list(outDir)) {
        stored = s.count();
      }
      if (stored != instances) {
        throw new IllegalStateException(
            "storescp stored " + stored + " of " + instances + " instances; see " + log);
      }
      return new Sample(wall, Double.NaN, Double.NaN);
    } finally {
      scp.destroy();
      if (!scp.waitFor(10, TimeUnit.SECONDS)) {
        scp.destroyForcibly().waitFor();
      }
    }
  }

  private Sample cordwatchRun(Path dataDir, Path input) throws IOException, InterruptedException {
    Map<String, String> m = new HashMap<>();
    m.put("data-dir", dataDir.toString());
    m.put("dicom-port", "0");
    m.put("http-port", "0");
    m.put("bind", "127.0.0.1");
    m.put("allow-ae", CALLING_AE);
    m.put("disk-reserve", "0");
    Settings settings = Settings.load(null, m);
    try (Appliance appliance = Appliance.start(settings, Clock.systemUTC())) {
      sync();
      double wall =
          send(
              appliance.dicomPort(),
              settings.aeTitle(),
              input,
              dataDir.resolveSibling("storescu-cordwatch.log"));
      double received = appliance.meters().instancesReceived();
      if (received != instances) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "CordWatch acknowledged %.0f of %d instances; see %s",
                received,
                instances,
                dataDir.resolveSibling("storescu-cordwatch.log")));
      }
      Timer t = appliance.meters().registry().find("cordwatch.store.latency").timer();
      if (t == null) {
        throw new IllegalStateException("the appliance has no cordwatch.store.latency timer");
      }
      HistogramSnapshot s = t.takeSnapshot();
      return new Sample(wall, BenchStats.histogramMs(s, 0.50), BenchStats.histogramMs(s, 0.95));
    }
  }

  /** Runs one storescu association over every file in {@code input}; returns its wall time. */
  private double send(int port, String calledAe, Path input, Path log)
      throws IOException, InterruptedException {
    // +sd scans the folder itself, so the command line stays short at any --instances.
    List<String> cmd =
        List.of(
            "storescu",
            "-aet",
            CALLING_AE,
            "-aec",
            calledAe,
            "+sd",
            "127.0.0.1",
            Integer.toString(port),
            input.toString());
    long start = System.nanoTime();
    Process p = BenchHost.dcmtk(cmd, log).start();
    if (!p.waitFor(SEND_TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException(
          "storescu did not finish in " + SEND_TIMEOUT_S + " s; see " + log);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "storescu exited with "
              + p.exitValue()
              + ": "
              + BenchHost.tail(log)
              + " (log: "
              + log
              + ")");
    }
    return wall;
  }

  private Sample fsyncFloor(Path dir, int fileBytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    byte[] bytes = new byte[fileBytes];
    new Random(1).nextBytes(bytes);
    double[] ms = new double[instances];
    sync();
    long start = System.nanoTime();
    for (int i = 0; i < instances; i++) {
      long t0 = System.nanoTime();
      try (var ch =
          FileChannel.open(
              dir.resolve(i + ".dcm"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try (var d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    double wall = (System.nanoTime() - start) / 1e9;
    Arrays.sort(ms);
    return new Sample(wall, BenchStats.nearestRank(ms, 0.50), BenchStats.nearestRank(ms, 0.95));
  }

  private void report(
      PrintWriter out,
      Path work,
      long payload,
      List<Sample> peer,
      List<Sample> ours,
      List<Sample> floor)
      throws IOException {
    out.printf(
        Locale.ROOT,
        "ingest: %d instances x %d KiB (%dx%d 16-bit MR), payload %.1f MB, one storescu"
            + " association, median of %d runs after 1 warm-up%n",
        instances,
        Math.round(payload / (double) instances / 1024),
        size,
        size,
        payload / MB,
        runs);
    BenchHost.tableHead(
        out,
        work,
        "%-13s | %11s | %7s | %7s | %12s | %12s",
        "peer",
        "instances/s",
        "MB/s",
        "wall s",
        "store p50 ms",
        "store p95 ms");
    row(out, "storescp", payload, peer);
    row(out, "cordwatch", payload, ours);
    row(out, "fsync floor", (long) (payload / (double) instances) * instances, floor);
    out.println();
    out.printf(
        Locale.ROOT,
        "wall s per run: storescp %s; cordwatch %s; fsync floor %s%n",
        walls(peer),
        walls(ours),
        walls(floor));
    double ratio =
        BenchStats.median(peer, Sample::wallSeconds) / BenchStats.median(ours, Sample::wallSeconds);
    out.printf(
        Locale.ROOT,
        "ratio cordwatch/storescp: %.2f (goal >= 0.8 while fsyncing; storescp does not fsync)%n",
        ratio);
    out.flush();
  }

  private void row(PrintWriter out, String name, long payload, List<Sample> samples) {
    double wall = BenchStats.median(samples, Sample::wallSeconds);
    out.printf(
        Locale.ROOT,
        "%-13s | %11.1f | %7.1f | %7.3f | %12s | %12s%n",
        name,
        instances / wall,
        payload / MB / wall,
        wall,
        ms(BenchStats.median(samples, Sample::p50Ms)),
        ms(BenchStats.median(samples, Sample::p95Ms)));
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String walls(List<Sample> samples) {
    StringBuilder b = new StringBuilder();
    for (Sample s : samples) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      b.append(String.format(Locale.ROOT, "%.3f", s.wallSeconds()));
    }
    return b.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Polls until storescp accepts a TCP connection (it logs the empty probe and keeps listening);
   * false if it exits or ten seconds pass.
   */
  private static boolean awaitListening(Process p, int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        return false;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return true;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    return false;
  }

  /** Flushes every dirty page so the timed phase starts with a clean page cache (see above). */
  private static void sync() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("sync").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(120, TimeUnit.SECONDS);
    } catch (IOException e) {
      // Without sync(1) the runs still work; only the isolation between phases is weaker.
    }
  }
}
