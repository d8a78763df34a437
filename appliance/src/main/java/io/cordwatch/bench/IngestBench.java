package io.cordwatch.bench;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.Logging;
import io.cordwatch.config.Settings;
import io.cordwatch.phantom.SyntheticStudy;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
 * {@code cordwatch bench ingest}: C-STORE ingest, CordWatch against DCMTK {@code storescp} and
 * Orthanc. The number means something on whatever machine it runs on because the peers run on it
 * too.
 *
 * <p>{@code bench ingest} asks two questions. What does the durability promise (every acknowledged
 * instance is fsync'd, renamed, its directory fsync'd and its index row committed) cost against a
 * receiver that makes no such promise? The peer for that is DCMTK {@code storescp}, which writes
 * each file and answers Success without fsync. And is CordWatch at least as fast as a PACS that
 * also syncs? The peer for that is Orthanc as Debian ships it ({@link OrthancPeer}: {@code
 * SyncStorageArea} on, no compression). All are fed the same files by the same client ({@code
 * storescu}) on loopback, with the same maximum PDU where it can be set, once over one association
 * and once over {@value #PARALLEL} associations in parallel (a share of the files each, one {@code
 * storescu} process each), and the timed span is the whole of the {@code storescu} processes, so
 * client start-up and association set-up weigh the same on every side.
 *
 * <p>How the runs are arranged, and why:
 *
 * <ul>
 *   <li>One untimed round of each first: it fills the page cache with the input files and lets the
 *       in-process appliance's JIT warm up; each later appliance starts in the same JVM.
 *   <li>Every run gets a fresh output folder, a fresh Orthanc and a fresh appliance data directory:
 *       a re-sent instance with the same content is acknowledged without being written again (by
 *       both CordWatch and Orthanc), which would measure the duplicate check instead of ingest.
 *   <li>{@code sync} runs, untimed, before each timed phase: storescp leaves its files dirty in the
 *       page cache, and on ext4 the next fsync can end up paying for their write-back. Without it,
 *       the next receiver would be charged for the peer's deferred work.
 *   <li>The order of the three receivers rotates each round, so none always runs on a disk another
 *       has just stirred.
 *   <li>The "fsync floor" row is the lower bound the disk sets for any receiver that keeps the
 *       promise: per instance, write a file of the average size, {@code force} it and fsync its
 *       directory, one after another, as one association does. CordWatch does that plus a rename
 *       and a SQLite WAL commit (a third fsync), so over one association it cannot beat this row.
 * </ul>
 *
 * <p>Store latency for CordWatch comes from the appliance's own {@code cordwatch.store.latency}
 * timer (last data fragment to index commit), read from its percentile histogram with linear
 * interpolation inside the bucket. That reads the meter operators see rather than a bench-only
 * probe, at the meter's resolution: Micrometer's bucket bounds are about 0.35 ms apart between 1
 * and 4 ms and 1.4 ms apart up to 17 ms, so a value is good to a fraction of that. Each run has a
 * fresh appliance, hence a fresh timer: the reported p50/p95 are medians of the per-run values.
 * storescp and Orthanc have no such timer, so their cells are empty; the fsync floor's are exact.
 */
@Command(
    name = "ingest",
    description = {
      "C-STORE ingest throughput: CordWatch (fsync per instance) against DCMTK storescp (no"
          + " fsync) and Orthanc (syncs its storage), same files, same client, over 1 and 4"
          + " parallel associations, rotating runs; prints medians and the ratios."
    },
    mixinStandardHelpOptions = true)
final class IngestBench implements Callable<Integer> {
  static final int MAX_INSTANCES = 100_000;
  static final int MIN_SIZE = 16;
  static final int MAX_SIZE = 4096;
  static final int MAX_RUNS = 50;
  static final int PARALLEL = 4;
  private static final String CALLING_AE = "BENCH";
  private static final String STORESCP = "storescp";
  private static final String ORTHANC = "orthanc";
  private static final String CORDWATCH = "cordwatch";
  private static final String FLOOR = "fsync floor";
  private static final List<String> PEERS = List.of(STORESCP, ORTHANC, CORDWATCH);
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

  @CommandLine.Mixin WorkFolder folder;

  /** One timed send: wall time and, for CordWatch, the store-latency percentiles in ms. */
  record Sample(double wallSeconds, double p50Ms, double p95Ms) {}

  /** A table row: a receiver fed over {@code associations} parallel associations. */
  record Key(String peer, int associations) {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    validate();
    BenchHost.requireTool("storescu");
    BenchHost.requireTool("storescp");
    OrthancPeer.require();
    Logging.configure(Level.WARNING);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    Path work = folder.create("cordwatch-bench-");
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
      Map<Integer, List<Path>> folders = new LinkedHashMap<>();
      for (int n : associations()) {
        folders.put(
            n, n == 1 ? List.of(input) : Storescu.split(files, work.resolve("input-" + n), n));
      }

      Map<Key, List<Sample>> samples = new LinkedHashMap<>();
      int fileBytes = (int) (payload / instances);
      for (int round = 0; round <= runs; round++) {
        Path dir = work.resolve(round == 0 ? "warmup" : "run-" + round);
        err.printf(
            "cordwatch bench: %s%n",
            round == 0 ? "warm-up (untimed)" : "run " + round + "/" + runs);
        err.flush();
        for (var e : folders.entrySet()) {
          int n = e.getKey();
          // Each round starts with the next receiver, so none always follows the same one.
          for (int i = 0; i < PEERS.size(); i++) {
            String peer = PEERS.get((round + i) % PEERS.size());
            Path runDir = dir.resolve(peer + "-" + n);
            Sample sample =
                switch (peer) {
                  case STORESCP -> storescpRun(runDir, e.getValue());
                  case ORTHANC -> orthancRun(runDir, e.getValue());
                  default -> cordwatchRun(runDir, e.getValue());
                };
            if (round > 0) {
              samples.computeIfAbsent(new Key(peer, n), k -> new ArrayList<>()).add(sample);
            }
          }
          if (n == 1) {
            Sample f = fsyncFloor(dir.resolve("fsync"), fileBytes);
            if (round > 0) {
              samples.computeIfAbsent(new Key(FLOOR, 1), k -> new ArrayList<>()).add(f);
            }
          }
        }
        if (!folder.kept() && round == 0) {
          BenchHost.deleteTree(dir);
        }
      }
      report(out, work, payload, samples);
      return 0;
    } finally {
      folder.release(work);
    }
  }

  /** 1 and 4 parallel associations; fewer where there are fewer instances than that. */
  private List<Integer> associations() {
    return instances >= PARALLEL ? List.of(1, PARALLEL) : List.of(1);
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
    folder.check(cl);
  }

  /** Inputs (and their links), one copy per receiver, mode and round, with a tenth to spare. */
  private void requireSpace(Path work, long payload) throws IOException {
    long need = (long) (payload * ((PEERS.size() + 1.0) * 2 * (runs + 1) + 1) * 1.1);
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

  /**
   * storescp over a fresh folder. With more than one association it runs with {@code --fork} (a
   * child process per association): without it storescp serves one association at a time.
   */
  private Sample storescpRun(Path outDir, List<Path> folders)
      throws IOException, InterruptedException {
    Path stored = Files.createDirectories(outDir.resolve("stored"));
    Path log = outDir.resolve("storescp.log");
    Process scp = null;
    int port = 0;
    // A free port can be taken between our probe and storescp's bind; a second one fixes that.
    for (int attempt = 0; attempt < 3 && scp == null; attempt++) {
      port = BenchHost.freePort();
      List<String> cmd = new ArrayList<>(List.of("storescp"));
      if (folders.size() > 1) {
        cmd.add("--fork");
      }
      cmd.addAll(
          List.of(
              "-od",
              stored.toString(),
              "-aet",
              PEER_AE,
              "-pdu",
              Integer.toString(MAX_PDU),
              Integer.toString(port)));
      Process p = BenchHost.dcmtk(cmd, log).start();
      if (BenchHost.awaitListening(p, port)) {
        scp = p;
      } else {
        p.destroyForcibly().waitFor();
      }
    }
    if (scp == null) {
      throw new IllegalStateException("storescp did not start listening; see " + log);
    }
    try {
      BenchHost.sync();
      double wall = send(port, PEER_AE, folders, outDir);
      long count;
      try (Stream<Path> s = Files.list(stored)) {
        count = s.count();
      }
      if (count != instances) {
        throw new IllegalStateException(
            "storescp stored " + count + " of " + instances + " instances; see " + log);
      }
      return new Sample(wall, Double.NaN, Double.NaN);
    } finally {
      scp.destroy();
      if (!scp.waitFor(10, TimeUnit.SECONDS)) {
        scp.destroyForcibly().waitFor();
      }
    }
  }

  /** A fresh private Orthanc (see {@link OrthancPeer}); its start-up is not timed. */
  private Sample orthancRun(Path dir, List<Path> folders) throws IOException, InterruptedException {
    try (OrthancPeer orthanc = OrthancPeer.start(dir)) {
      BenchHost.sync();
      double wall = send(orthanc.dicomPort, OrthancPeer.AE, folders, dir);
      long count = orthanc.instances();
      if (count != instances) {
        throw new IllegalStateException(
            "Orthanc holds " + count + " of " + instances + " instances; see " + orthanc.log());
      }
      return new Sample(wall, Double.NaN, Double.NaN);
    }
  }

  private Sample cordwatchRun(Path dir, List<Path> folders)
      throws IOException, InterruptedException {
    Map<String, String> m = BenchHost.applianceSettings(dir, CALLING_AE);
    Settings settings = Settings.load(null, m);
    try (Appliance appliance = Appliance.start(settings, Clock.systemUTC())) {
      BenchHost.sync();
      double wall = send(appliance.dicomPort(), settings.aeTitle(), folders, dir);
      double received = appliance.meters().instancesReceived();
      if (received != instances) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "CordWatch acknowledged %.0f of %d instances; see the storescu logs in %s",
                received,
                instances,
                dir));
      }
      Timer t = appliance.meters().registry().find("cordwatch.store.latency").timer();
      if (t == null) {
        throw new IllegalStateException("the appliance has no cordwatch.store.latency timer");
      }
      HistogramSnapshot s = t.takeSnapshot();
      return new Sample(wall, BenchStats.histogramMs(s, 0.50), BenchStats.histogramMs(s, 0.95));
    }
  }

  /** One storescu association per folder, all at once; returns first start to last exit. */
  private static double send(int port, String calledAe, List<Path> folders, Path logDir)
      throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    List<Storescu.Sender> senders = new ArrayList<>();
    for (int i = 0; i < folders.size(); i++) {
      senders.add(
          new Storescu.Sender(
              CALLING_AE, folders.get(i), logDir.resolve("storescu-" + (i + 1) + ".log")));
    }
    Storescu.Result r = Storescu.send(port, calledAe, senders, false, SEND_TIMEOUT_S);
    return Storescu.requireClean(r, senders).wallSeconds();
  }

  private Sample fsyncFloor(Path dir, int fileBytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    byte[] bytes = new byte[fileBytes];
    new Random(1).nextBytes(bytes);
    double[] ms = new double[instances];
    BenchHost.sync();
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

  private void report(PrintWriter out, Path work, long payload, Map<Key, List<Sample>> samples)
      throws IOException {
    out.printf(
        Locale.ROOT,
        "ingest: %d instances x %d KiB (%dx%d 16-bit MR), payload %.1f MB, over 1 storescu"
            + " association and over %d in parallel (a share of the files each), median of %d"
            + " runs after 1 warm-up%n",
        instances,
        Math.round(payload / (double) instances / 1024),
        size,
        size,
        payload / MB,
        PARALLEL,
        runs);
    BenchHost.tableHead(
        out,
        work,
        "%-13s | %6s | %11s | %7s | %7s | %12s | %12s",
        "peer",
        "assocs",
        "instances/s",
        "MB/s",
        "wall s",
        "store p50 ms",
        "store p95 ms");
    List<Key> order = new ArrayList<>();
    for (int n : associations()) {
      for (String peer : PEERS) {
        order.add(new Key(peer, n));
      }
      if (n == 1) {
        order.add(new Key(FLOOR, 1));
      }
    }
    for (Key k : order) {
      long bytes =
          k.peer().equals(FLOOR) ? (long) (payload / (double) instances) * instances : payload;
      row(out, k, bytes, samples.get(k));
    }
    out.println();
    for (Key k : order) {
      out.printf(
          Locale.ROOT,
          "wall s per run, %s x%d: %s%n",
          k.peer(),
          k.associations(),
          walls(samples.get(k)));
    }
    for (int n : associations()) {
      double ours = BenchStats.median(samples.get(new Key(CORDWATCH, n)), Sample::wallSeconds);
      double scp = BenchStats.median(samples.get(new Key(STORESCP, n)), Sample::wallSeconds);
      double orthanc = BenchStats.median(samples.get(new Key(ORTHANC, n)), Sample::wallSeconds);
      out.printf(
          Locale.ROOT,
          "%d association%s: ratio cordwatch/orthanc %.2f (goal >= 1.0; both fsync each"
              + " instance), cordwatch/storescp %.2f (storescp does not fsync)%n",
          n,
          n == 1 ? "" : "s",
          orthanc / ours,
          scp / ours);
    }
    out.flush();
  }

  private void row(PrintWriter out, Key key, long payload, List<Sample> samples) {
    double wall = BenchStats.median(samples, Sample::wallSeconds);
    out.printf(
        Locale.ROOT,
        "%-13s | %6d | %11.1f | %7.1f | %7.3f | %12s | %12s%n",
        key.peer(),
        key.associations(),
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
}
