package io.cordwatch.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Fuzzes the DICOM upper layer of a real receiver ({@link FuzzHost}) over a real loopback socket.
 * Each input is a damaged sender's stream ({@link PduMutator} over {@link PduStreams} seeds: an
 * A-ASSOCIATE-RQ for Verification and the phantom's storage class, a C-ECHO, a C-STORE of a phantom
 * file in P-DATA-TF fragments, an A-RELEASE-RQ): connect, write, read until the receiver closes.
 * Most inputs half-close after the last byte, the receiver then sees end of stream; one in eight
 * leaves the connection open, so only the receiver's ARTIM and idle timeouts can end it.
 *
 * <p>Findings: the connection still open {@link #GRACE} past ARTIM plus the idle timeout after the
 * last byte ({@code held}); the listener refusing connections or its accept loop gone; a log record
 * or uncaught throwable the receiver did not declare ({@link LogWatch}: anything but an I/O
 * failure, or SEVERE); a well-behaved store between inputs (every {@code probeEvery}) that is not
 * accepted, stored and released ({@link Probe}); and at the end, once every connection is closed,
 * associations still counted open, or file descriptors or platform threads above what they were
 * before the run (a leak). Findings are told apart by their signature and each is saved once, with
 * its input, under the findings folder.
 */
public final class AssociationFuzzer {
  /** How long past the receiver's own limits a connection may take to close (a loaded machine). */
  static final Duration GRACE = Duration.ofSeconds(5);

  /** What one run did. */
  public record Report(
      long inputs, long probes, List<DicomFuzzer.Finding> findings, Map<String, Long> byKind) {}

  private final FuzzHost host;
  private final LogWatch log;
  private final List<byte[]> seeds;
  private final Random random;
  private final Path findingsDir;
  private final int probeEvery;

  /**
   * @param seeds the streams mutants are made from (each also sent once, unmutated)
   * @param findingsDir where findings are saved; null to keep none
   * @param probeEvery inputs between two well-behaved stores
   */
  AssociationFuzzer(
      FuzzHost host,
      LogWatch log,
      List<byte[]> seeds,
      long seed,
      Path findingsDir,
      int probeEvery) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seed streams");
    }
    this.host = host;
    this.log = log;
    this.seeds = List.copyOf(seeds);
    this.random = new Random(seed);
    this.findingsDir = findingsDir;
    this.probeEvery = probeEvery;
  }

  /** The seed streams made from the host's phantom files, and an echo-only stream. */
  static List<byte[]> phantomSeeds(FuzzHost host) {
    List<byte[]> out = new ArrayList<>();
    out.add(PduStreams.echo());
    for (byte[] f : host.phantomFiles()) {
      out.add(PduStreams.store(f));
    }
    return out;
  }

  /** Sends every seed, then mutants, while {@code go} says so or until {@code maxInputs}. */
  public Report run(long maxInputs, BooleanSupplier go) throws IOException {
    PduMutator mutator = new PduMutator(random);
    FindingLog findings = new FindingLog(findingsDir, "association", ".pdu");
    Map<String, Long> byKind = new LinkedHashMap<>();
    long files = FuzzHost.openFiles();
    int threads = FuzzHost.threads();
    long inputs = 0;
    long probes = 0;
    while (inputs < maxInputs && go.getAsBoolean()) {
      byte[] input;
      List<PduMutator.Kind> kinds = List.of();
      if (inputs < seeds.size()) {
        input = seeds.get((int) inputs);
      } else {
        Mutator.Mutant<PduMutator.Kind> m = mutator.mutate(seeds.get(random.nextInt(seeds.size())));
        input = m.bytes();
        kinds = m.kinds();
      }
      inputs++;
      for (PduMutator.Kind k : kinds) {
        byKind.merge(k.name().toLowerCase(Locale.ROOT), 1L, Long::sum);
      }
      boolean halfClose = random.nextInt(8) != 0;
      for (Problem p : one(input, halfClose)) {
        record(findings, p, input, kinds);
      }
      if (inputs % probeEvery == 0) {
        probes++;
        byte[] file = host.phantomFiles().get(random.nextInt(host.phantomFiles().size()));
        String why = host.storeProbe(file);
        if (why != null) {
          record(findings, new Problem("probe store failed", why), input, kinds);
        }
      }
    }
    probes++;
    String why = host.storeProbe(host.phantomFiles().getFirst());
    if (why != null) {
      record(findings, new Problem("probe store failed", why), null, List.of());
    }
    for (Problem p : leaks(files, threads)) {
      record(findings, p, null, List.of());
    }
    for (LogWatch.Unexpected u : log.drain()) {
      record(findings, new Problem(u.signature(), u.detail()), null, List.of());
    }
    return new Report(inputs, probes, findings.findings(), byKind);
  }

  /** One thing an input made the receiver do wrong. */
  record Problem(String signature, String detail) {}

  /**
   * Sends one input and says what went wrong: nothing (an empty list) when the receiver closed the
   * connection within its limits, still listens and logged nothing it did not declare.
   */
  List<Problem> one(byte[] input, boolean halfClose) throws IOException {
    Duration limit = host.dicomHoldLimit().plus(GRACE);
    Wire.Exchange e = Wire.send(host.dicomPort(), input, halfClose, limit, 0, b -> false);
    List<Problem> out = new ArrayList<>();
    if (!e.connected()) {
      out.add(new Problem("connection refused", "the listener refused a connection"));
    } else if (!e.closed()) {
      out.add(
          new Problem(
              "held",
              "the connection was still open "
                  + limit.toMillis()
                  + " ms after the last byte (ARTIM + idle + "
                  + GRACE.toSeconds()
                  + " s); half-closed: "
                  + halfClose));
    }
    if (!host.appliance().dicomListening()) {
      out.add(new Problem("listener stopped", "the DICOM accept loop is gone"));
    }
    for (LogWatch.Unexpected u : log.drain()) {
      out.add(new Problem(u.signature(), u.detail()));
    }
    return out;
  }

  /**
   * Once the receiver has let every connection go (polled up to 30 s): associations still counted
   * open, or file descriptors or platform threads well above the counts before the run.
   */
  List<Problem> leaks(long filesBefore, int threadsBefore) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      int open = host.appliance().meters().activeAssociations();
      long files = FuzzHost.openFiles();
      int threads = FuzzHost.threads();
      boolean settled =
          open == 0 && (files < 0 || files <= filesBefore + 16) && threads <= threadsBefore + 8;
      if (settled || System.nanoTime() > deadline) {
        List<Problem> out = new ArrayList<>();
        if (open != 0) {
          out.add(new Problem("association leak", open + " associations still counted open"));
        }
        if (files >= 0 && files > filesBefore + 16) {
          out.add(
              new Problem(
                  "descriptor leak",
                  files + " open files after the run, " + filesBefore + " before"));
        }
        if (threads > threadsBefore + 8) {
          out.add(
              new Problem(
                  "thread leak",
                  threads + " platform threads after the run, " + threadsBefore + " before"));
        }
        return out;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return List.of(new Problem("interrupted", "interrupted while waiting for connections"));
      }
    }
  }

  private static void record(
      FindingLog findings, Problem p, byte[] input, List<PduMutator.Kind> kinds) {
    findings.record(p.signature(), p.detail(), input, kinds);
  }
}
