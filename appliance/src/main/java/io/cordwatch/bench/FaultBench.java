package io.cordwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.auth.AccessControl;
import io.cordwatch.auth.Scope;
import io.cordwatch.dicom.Dcmtk;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.store.Index;
import io.cordwatch.store.OutboxState;
import io.cordwatch.store.Records.StudyRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code cordwatch bench faults}: kill -9 of a real appliance, again and again, while it receives,
 * grades and exports, and then the proof that nothing was lost or done twice.
 *
 * <p>Everything the appliance meets is real: it runs as a child JVM ({@code cordwatch serve}, the
 * product's own start-up), storescu sends it phantom studies, it grades them with the given bundle
 * and forwards each verdict's SR and key-object document to a DCMTK peer ({@link FaultPeer}: {@code
 * dcmqrscp}, which answers C-FIND, or with {@code --peer storescp} one that does not), which runs
 * for the whole bench and counts every C-STORE it gets. Each cycle sends one study and aims its
 * kill at one phase, in turn: during receive (after a random number of acknowledged instances),
 * during grading (a random delay after the last acknowledgement, inside the time the series takes
 * to be released and graded) or during export (a random delay after the verdict is committed, while
 * its documents are going out). The appliance is then restarted, a study cut off during receive is
 * sent again in full (as a sender that saw its association fail does), and the cycle waits until
 * the study is graded and delivered before the next one starts.
 *
 * <p>Where a kill landed is read from the index after it, not assumed from the aim: a study not
 * fully acknowledged was killed in receive; one acknowledged but not graded, in grading (series
 * completion included); one graded with a delivery pending, in export; anything else, after all was
 * done ("settled"). The timing of a kill against the appliance's threads is not reproducible, so
 * the same seed gives the same aims and delays, not always the same landings.
 *
 * <p>At the end the appliance is stopped and {@link FaultChecks} reads its index, its files and the
 * peer's folder. The bench exits 1 when a check fails.
 */
@Command(
    name = "faults",
    description = {
      "kill -9 of a real appliance during receive, grading and export, restarted each time; then"
          + " checks that nothing acknowledged was lost and every study was graded and exported"
          + " exactly once (exit 1 otherwise)."
    },
    mixinStandardHelpOptions = true)
final class FaultBench implements Callable<Integer> {
  static final int MAX_CYCLES = 1000;
  private static final String CALLING_AE = "BENCH";
  private static final Duration CYCLE_LIMIT = Duration.ofMinutes(3);

  /** Where a kill is aimed, and where it landed. */
  enum Phase {
    RECEIVE,
    GRADING,
    EXPORT,
    SETTLED;

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @CommandLine.Spec CommandSpec spec;

  @Option(
      names = "--cycles",
      defaultValue = "50",
      description = "Kill and restart cycles, one phantom study each (default: ${DEFAULT-VALUE})")
  int cycles;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description =
          "Seed of the phantom studies and of the kill points (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "B",
      description = "Model bundle the appliance grades with (allowed unsigned)")
  Path bundle;

  @Option(
      names = "--slices",
      defaultValue = "12",
      description = "Axial T2 slices per phantom study (default: ${DEFAULT-VALUE})")
  int slices;

  @Option(
      names = "--peer",
      defaultValue = "dcmqrscp",
      paramLabel = "P",
      description =
          "The PACS results go to: dcmqrscp (answers C-FIND, so a document cut off mid-delivery"
              + " is looked up before it is resent) or storescp (no C-FIND: such a document is"
              + " resent) (default: ${DEFAULT-VALUE})")
  String peerName;

  @CommandLine.Mixin WorkFolder folder;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (cycles < 1 || cycles > MAX_CYCLES) {
      throw new ParameterException(
          spec.commandLine(), "--cycles must be 1.." + MAX_CYCLES + ", not " + cycles);
    }
    if (slices < 4 || slices > 200) {
      throw new ParameterException(spec.commandLine(), "--slices must be 4..200, not " + slices);
    }
    if (!Files.exists(bundle)) {
      throw new ParameterException(spec.commandLine(), "--bundle: no such file: " + bundle);
    }
    FaultPeer.Kind peerKind =
        Arrays.stream(FaultPeer.Kind.values())
            .filter(k -> k.word().equals(peerName))
            .findFirst()
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "--peer must be dcmqrscp or storescp, not " + peerName));
    folder.check(spec.commandLine());
    BenchHost.requireTool("storescu");
    Path work = folder.create("cordwatch-faults");
    try {
      return run(work, peerKind);
    } finally {
      folder.release(work);
    }
  }

  private int run(Path work, FaultPeer.Kind peerKind) throws Exception {
    Random random = new Random(seed);
    Path phantom = work.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, cycles, seed, StudyPlan.Style.INTERNAL, slices, false, false));
    List<List<Path>> studies = studies(phantom);
    Path data = work.resolve("data");
    Files.createDirectories(data);
    String token;
    try (Index index = Index.open(data.resolve("index.db"))) {
      token = AccessControl.over(index, Clock.systemUTC()).tokens().add("fault-bench", Scope.READ);
    }
    Map<String, Path> acked = new LinkedHashMap<>();
    List<String> studyUids = new ArrayList<>();
    Map<Phase, Integer> landed = new EnumMap<>(Phase.class);
    Map<Phase, Integer> aimed = new EnumMap<>(Phase.class);
    int[] runs = {0};
    out.println(BenchHost.machine(work));
    out.println("load average at start: " + loadAverage());
    out.printf(
        Locale.ROOT,
        "fault bench: %d cycles, seed %d, phantom studies of %d instances, peer %s%n",
        cycles,
        seed,
        studies.getFirst().size(),
        peerKind.word());
    out.flush();
    try (FaultPeer peer = FaultPeer.start(peerKind, work.resolve("peer"))) {
      List<String> flags = flags(data, phantom.resolve("labels.csv"), peer);
      FaultChild child = start(flags, work, runs, token);
      try {
        for (int c = 0; c < cycles; c++) {
          List<Path> files = studies.get(c);
          String study = DicomFacts.read(files.getFirst()).studyInstanceUid();
          studyUids.add(study);
          Phase aim = Phase.values()[c % 3];
          aimed.merge(aim, 1, Integer::sum);
          int got = killDuring(aim, child, files, acked, random, study);
          Phase where = landed(data, study, got, files.size());
          landed.merge(where, 1, Integer::sum);
          child = start(flags, work, runs, token);
          if (got < files.size()) {
            int again = send(child, files, acked, files.size()).size();
            if (again != files.size()) {
              throw new IllegalStateException(
                  "cycle "
                      + (c + 1)
                      + ": the resend got "
                      + again
                      + " of "
                      + files.size()
                      + " acknowledged; see "
                      + child.log);
            }
          }
          awaitSettled(child, study, c + 1);
          out.printf(
              Locale.ROOT,
              "cycle %d: aimed at %s, landed in %s%n",
              c + 1,
              aim.word(),
              where.word());
          out.flush();
        }
      } finally {
        child.close();
      }
      List<FaultChecks.Check> checks = FaultChecks.run(data, acked, studyUids, peer.dir);
      return report(aimed, landed, runs[0], checks);
    }
  }

  /**
   * Runs one cycle's traffic and kills the appliance at a point inside {@code aim}; returns how
   * many of the study's instances storescu saw acknowledged.
   */
  private int killDuring(
      Phase aim,
      FaultChild child,
      List<Path> files,
      Map<String, Path> acked,
      Random random,
      String study)
      throws Exception {
    switch (aim) {
      case RECEIVE -> {
        // After 1..n-1 acknowledgements, so the association dies with the study half sent.
        int after = 1 + random.nextInt(files.size() - 1);
        return send(child, files, acked, after).size();
      }
      case GRADING -> {
        int delay = random.nextInt(1500);
        int got = send(child, files, acked, files.size()).size();
        Thread.sleep(delay);
        child.kill();
        return got;
      }
      default -> {
        int delay = random.nextInt(60);
        int got = send(child, files, acked, files.size()).size();
        long deadline = System.nanoTime() + CYCLE_LIMIT.toNanos();
        while (!"graded".equals(child.get("/api/v1/studies/" + study).path("state").asText())
            && System.nanoTime() < deadline
            && child.process.isAlive()) {
          Thread.sleep(5);
        }
        Thread.sleep(delay);
        child.kill();
        return got;
      }
    }
  }

  /**
   * Sends {@code files} with storescu, recording each acknowledged instance, and kills the
   * appliance once {@code killAfter} are acknowledged when that is fewer than all of them.
   *
   * @return the files acknowledged in this association
   */
  private static List<Path> send(
      FaultChild child, List<Path> files, Map<String, Path> acked, int killAfter)
      throws IOException, InterruptedException {
    List<String> sources = files.stream().map(Path::toString).toList();
    Process scu =
        Dcmtk.storescu(CALLING_AE, "CORDWATCH", child.dicomPort, List.of("-v"), sources).start();
    List<Path> got = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(scu.getInputStream(), StandardCharsets.UTF_8))) {
      String sending = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("I: Sending file: ")) {
          sending = line.substring("I: Sending file: ".length()).trim();
        } else if (line.contains(Dcmtk.STORE_SUCCESS) && sending != null) {
          Path f = Path.of(sending);
          got.add(f);
          acked.put(DicomFacts.read(f).sopInstanceUid(), f);
          if (got.size() == killAfter && killAfter < files.size()) {
            child.kill();
          }
        }
      }
    }
    if (!scu.waitFor(5, TimeUnit.MINUTES)) {
      scu.destroyForcibly();
    }
    return got;
  }

  /** Where the study was when the appliance died, read from its index. */
  private static Phase landed(Path data, String study, int acknowledged, int total) {
    if (acknowledged < total) {
      return Phase.RECEIVE;
    }
    try (Index index = Index.open(data.resolve("index.db"))) {
      StudyRow row = index.study(study).orElse(null);
      if (row == null || !row.state().equals(Index.STUDY_GRADED)) {
        return Phase.GRADING;
      }
      boolean pending =
          index.outboxOfStudy(study).stream()
              .anyMatch(r -> r.state().equals(OutboxState.PENDING.sql()));
      return pending ? Phase.EXPORT : Phase.SETTLED;
    }
  }

  /** Polls until the study is graded and nothing is queued or waiting in the outbox. */
  private static void awaitSettled(FaultChild child, String study, int cycle) throws Exception {
    long deadline = System.nanoTime() + CYCLE_LIMIT.toNanos();
    while (true) {
      if (!child.process.isAlive()) {
        throw new IllegalStateException(
            "cycle " + cycle + ": the restarted appliance exited; see " + child.log);
      }
      boolean graded =
          "graded".equals(child.get("/api/v1/studies/" + study).path("state").asText());
      JsonNode status = child.get("/api/v1/status");
      if (graded
          && status.path("queue").path("queued").asLong(-1) == 0
          && status.path("queue").path("running").asLong(-1) == 0
          && status.path("outbox").path("backlog").asLong(-1) == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "cycle "
                + cycle
                + ": the study was not graded and delivered within "
                + CYCLE_LIMIT.toMinutes()
                + " min after the restart; see "
                + child.log);
      }
      Thread.sleep(50);
    }
  }

  private int report(
      Map<Phase, Integer> aimed,
      Map<Phase, Integer> landed,
      int runs,
      List<FaultChecks.Check> checks) {
    out.println();
    out.println("load average at end: " + loadAverage());
    out.printf(Locale.ROOT, "appliance runs: %d (%d killed with SIGKILL)%n", runs, cycles);
    out.println();
    out.printf(Locale.ROOT, "%-10s %7s %7s%n", "phase", "aimed", "landed");
    out.println("-".repeat(26));
    for (Phase p : Phase.values()) {
      out.printf(
          Locale.ROOT,
          "%-10s %7d %7d%n",
          p.word(),
          aimed.getOrDefault(p, 0),
          landed.getOrDefault(p, 0));
    }
    out.println();
    boolean all = true;
    for (FaultChecks.Check c : checks) {
      out.printf(Locale.ROOT, "%s  %s: %s%n", c.passed() ? "PASS" : "FAIL", c.name(), c.summary());
      c.failures().forEach(f -> out.println("      " + f));
      all &= c.passed();
    }
    out.println(all ? "all checks passed" : "a check FAILED");
    out.flush();
    return all ? 0 : 1;
  }

  private List<String> flags(Path data, Path labels, FaultPeer peer) {
    return List.of(
        "--data-dir", data.toString(),
        "--bind", "127.0.0.1",
        "--dicom-port", "0",
        "--http-port", "0",
        "--allow-ae", CALLING_AE,
        "--disk-reserve", "0",
        "--retention-interval", "0",
        "--bundle", bundle.toAbsolutePath().toString(),
        "--allow-unsigned-bundles", "on",
        "--boxes", labels.toString(),
        // Series complete when storescu releases its association, never by the clock: a resend
        // after a kill must not find its series already graded from half the instances.
        "--release-grace", "100ms",
        "--series-stable", "1h",
        "--forward-to", peer.destination(),
        "--forward-retry-delay", "200ms",
        "--forward-retry-max-delay", "1s");
  }

  private static FaultChild start(List<String> flags, Path work, int[] runs, String token)
      throws IOException, InterruptedException {
    runs[0]++;
    return FaultChild.start(flags, work.resolve("appliance-" + runs[0] + ".log"), token);
  }

  private static List<List<Path>> studies(Path phantom) throws IOException {
    List<List<Path>> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(phantom)) {
      for (Path d :
          dirs.filter(p -> p.getFileName().toString().startsWith("study-")).sorted().toList()) {
        try (Stream<Path> s = Files.list(d)) {
          out.add(s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList());
        }
      }
    }
    return out;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
