package io.cordwatch.fuzz;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.dicom.DicomReadException;
import io.cordwatch.dicom.PixelDecodeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Runs the readers on mutants of the seed files until told to stop, and keeps what they should not
 * have done. Each input is written to a scratch file (the readers take paths, as the spool gives
 * them) and read by {@link DicomFacts#read} and then {@link DicomPixels#read}, on a worker thread
 * with a deadline: a declared refusal is the expected outcome for most mutants; any other
 * throwable, an OutOfMemoryError included, or an input still being read at its deadline, is a
 * finding. Findings are told apart by what was thrown and where (the first frame in our code), so a
 * bug found a thousand times is saved once.
 */
public final class DicomFuzzer {
  /** What one run did. */
  public record Report(
      long inputs, long accepted, long refused, List<Finding> findings, Map<String, Long> byKind) {}

  /**
   * One distinct failure: its signature, how often it was hit, and the first input that hit it.
   *
   * @param signature the throwable's class and the first frame in io.cordwatch (or "hang")
   * @param input the saved input, under the findings folder; null when none was kept
   * @param detail the throwable's message and first frames
   */
  public record Finding(String signature, long hits, Path input, String detail) {}

  private final List<byte[]> seeds;
  private final Random random;
  private final Duration deadline;
  private final Path scratch;
  private final Path findingsDir;

  /**
   * @param seeds the files mutants are made from (also read once each, unmutated)
   * @param seed the random seed: the same seeds and seed give the same inputs
   * @param deadline how long one input may take before it counts as a hang
   * @param scratch a folder for the scratch file
   * @param findingsDir where findings are saved; null to keep none
   */
  public DicomFuzzer(
      List<byte[]> seeds, long seed, Duration deadline, Path scratch, Path findingsDir) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seed files");
    }
    this.seeds = List.copyOf(seeds);
    this.random = new Random(seed);
    this.deadline = deadline;
    this.scratch = scratch;
    this.findingsDir = findingsDir;
  }

  /** Reads every seed, then mutants, while {@code go} says so or until {@code maxInputs}. */
  public Report run(long maxInputs, BooleanSupplier go) throws IOException {
    Mutator mutator = new Mutator(random);
    Map<String, Finding> findings = new LinkedHashMap<>();
    Map<String, Long> byKind = new LinkedHashMap<>();
    long inputs = 0;
    long accepted = 0;
    long refused = 0;
    ExecutorService worker = newWorker();
    try {
      while (inputs < maxInputs && go.getAsBoolean()) {
        byte[] input;
        List<Mutator.Kind> kinds;
        if (inputs < seeds.size()) {
          input = seeds.get((int) inputs);
          kinds = List.of();
        } else {
          Mutator.Mutant<Mutator.Kind> m = mutator.mutate(seeds.get(random.nextInt(seeds.size())));
          input = m.bytes();
          kinds = m.kinds();
        }
        inputs++;
        for (Mutator.Kind k : kinds) {
          byKind.merge(k.name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
        }
        Outcome o = readOnce(worker, input);
        switch (o.kind()) {
          case ACCEPTED -> accepted++;
          case REFUSED -> refused++;
          case HANG, FAILED -> {
            if (o.kind() == OutcomeKind.HANG) {
              // The stuck thread cannot be stopped; leave it and read on with a new one.
              worker.shutdownNow();
              worker = newWorker();
            }
            Finding f = findings.get(o.signature());
            findings.put(
                o.signature(),
                f == null
                    ? new Finding(
                        o.signature(), 1, save(findings.size(), input, o, kinds), o.detail())
                    : new Finding(f.signature(), f.hits() + 1, f.input(), f.detail()));
          }
        }
      }
    } finally {
      worker.shutdownNow();
    }
    return new Report(inputs, accepted, refused, List.copyOf(findings.values()), byKind);
  }

  private enum OutcomeKind {
    ACCEPTED,
    REFUSED,
    FAILED,
    HANG
  }

  private record Outcome(OutcomeKind kind, String signature, String detail) {}

  private Outcome readOnce(ExecutorService worker, byte[] input) throws IOException {
    Path file = scratch.resolve("input.dcm");
    Files.write(file, input);
    Future<?> f =
        worker.submit(
            () -> {
              DicomFacts.read(file);
              DicomPixels.read(file);
              return null;
            });
    try {
      f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      return new Outcome(OutcomeKind.ACCEPTED, null, null);
    } catch (TimeoutException e) {
      f.cancel(true);
      return new Outcome(
          OutcomeKind.HANG, "hang", "still reading after " + deadline.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      if (t instanceof DicomReadException || t instanceof PixelDecodeException) {
        return new Outcome(OutcomeKind.REFUSED, null, null);
      }
      return new Outcome(OutcomeKind.FAILED, signature(t), describe(t));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The throwable's class and the first frame in our code, or its first frame. */
  static String signature(Throwable t) {
    StackTraceElement at = null;
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("io.cordwatch.")) {
        at = e;
        break;
      }
    }
    if (at == null && t.getStackTrace().length > 0) {
      at = t.getStackTrace()[0];
    }
    return t.getClass().getName()
        + (at == null ? "" : " at " + at.getClassName() + "." + at.getMethodName());
  }

  private static String describe(Throwable t) {
    StringBuilder s = new StringBuilder(t.toString());
    StackTraceElement[] st = t.getStackTrace();
    for (int i = 0; i < Math.min(12, st.length); i++) {
      s.append("\n  at ").append(st[i]);
    }
    return s.toString();
  }

  private Path save(int n, byte[] input, Outcome o, List<Mutator.Kind> kinds) {
    if (findingsDir == null) {
      return null;
    }
    try {
      Files.createDirectories(findingsDir);
      Path file = findingsDir.resolve("finding-" + (n + 1) + ".dcm");
      Files.write(file, input);
      Files.writeString(
          findingsDir.resolve("finding-" + (n + 1) + ".txt"),
          o.signature() + "\nmutations: " + kinds + "\n" + o.detail() + "\n",
          StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save a finding in " + findingsDir, e);
    }
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzz-reader");
          t.setDaemon(true);
          return t;
        });
  }

  /** The seed files: every file under each path (folders searched), at most {@code max}. */
  public static List<byte[]> seeds(List<Path> paths, int max) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (var s = Files.walk(p)) {
          for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
            if (out.size() >= max) {
              return out;
            }
            if (Files.size(f) <= 8L << 20) {
              out.add(Files.readAllBytes(f));
            }
          }
        }
      } else if (Files.isRegularFile(p) && out.size() < max) {
        out.add(Files.readAllBytes(p));
      }
    }
    return out;
  }
}
