package io.cordwatch.fuzz;

import io.cordwatch.phantom.SyntheticStudy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch fuzz}: a mutation fuzzer for a given time, over the DICOM readers (seeded with
 * the real fixtures and phantom files), or with {@code --target association|http} over the DICOM
 * upper layer or the HTTP server of an appliance started in this process ({@code NetworkFuzz});
 * prints what it did and each finding, and exits 1 when there is one. Not run by the unit suite
 * beyond short fixed-seed smokes ({@code DicomFuzzerTest}, {@code NetworkFuzzersTest}).
 */
@Command(
    name = "fuzz",
    mixinStandardHelpOptions = true,
    description = {
      "Mutation fuzzing of the DICOM readers (facts, pixels, compressed frames): bit flips,"
          + " truncation, corrupted element lengths, duplicated elements, seeded with real files;"
          + " with --target association or http, of the DICOM upper layer or the HTTP server of"
          + " an appliance started in this process.",
      "Exit status: 0 no finding, 1 findings (saved in --out with a .txt each), 2 bad arguments."
    })
public final class FuzzCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--seeds",
      paramLabel = "PATH",
      description =
          "Seed files or folders (repeatable). Default: the real DICOM fixtures"
              + " (CORDWATCH_FIXTURES or ../shared/fixtures beside the checkout, real-dicom/) and"
              + " a small phantom study made now.")
  List<Path> seeds = new ArrayList<>();

  /** What is fuzzed. */
  enum Target {
    readers,
    association,
    http
  }

  @Option(
      names = "--target",
      description =
          "What to fuzz: readers (the DICOM readers, default), association (the DICOM upper layer"
              + " of a receiver started here, over loopback) or http (the web server of the same"
              + " appliance, access control on).")
  Target target = Target.readers;

  @Option(names = "--minutes", description = "How long to run (default ${DEFAULT-VALUE}).")
  double minutes = 10;

  @Option(names = "--inputs", description = "Stop after this many inputs (default: no limit).")
  long inputs = Long.MAX_VALUE;

  @Option(names = "--seed", description = "Random seed; the same seed repeats a run.")
  long seed = 1;

  @Option(
      names = "--deadline",
      paramLabel = "MS",
      description = "Milliseconds one input may take before it counts as a hang (default 10000).")
  long deadlineMs = 10_000;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where findings are saved (default ${DEFAULT-VALUE}).")
  Path out = Path.of("fuzz-findings");

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    if (target != Target.readers) {
      return NetworkFuzz.run(o, target == Target.association, minutes, inputs, seed, out);
    }
    // The readers log what they refuse; a fuzz run refuses millions of files.
    Logger.getLogger("io.cordwatch").setLevel(Level.SEVERE);
    Logger.getLogger("com.pixelmed").setLevel(Level.OFF);
    Path scratch = Files.createTempDirectory("cordwatch-fuzz");
    // PixelMed prints every oddity it meets to System.err; a fuzz run meets millions.
    java.io.PrintStream err = System.err;
    System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      List<Path> from = new ArrayList<>(seeds);
      if (from.isEmpty()) {
        Path fixtures = fixtures();
        if (fixtures != null) {
          from.add(fixtures);
        }
        from.addAll(
            SyntheticStudy.write(
                scratch.resolve("phantom"), new SyntheticStudy.Spec(3, true, false, 64, seed)));
      }
      List<byte[]> files = DicomFuzzer.seeds(from, 500);
      if (files.isEmpty()) {
        o.println("cordwatch fuzz: no seed file under " + from);
        return 2;
      }
      o.printf("cordwatch fuzz: %d seed files, %.1f min, seed %d%n", files.size(), minutes, seed);
      long end = System.nanoTime() + (long) (minutes * 60e9);
      DicomFuzzer.Report r =
          new DicomFuzzer(files, seed, Duration.ofMillis(deadlineMs), scratch, out)
              .run(inputs, () -> System.nanoTime() < end);
      print(o, r);
      return r.findings().isEmpty() ? 0 : 1;
    } finally {
      System.setErr(err);
      try (var s = Files.walk(scratch)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  static void print(PrintWriter o, DicomFuzzer.Report r) {
    o.printf(
        "inputs %d: read %d, refused with a declared error %d, findings %d%n",
        r.inputs(), r.accepted(), r.refused(), r.findings().size());
    for (Map.Entry<String, Long> e : r.byKind().entrySet()) {
      o.printf("  mutation %s: %d%n", e.getKey(), e.getValue());
    }
    for (DicomFuzzer.Finding f : r.findings()) {
      o.printf("FINDING (%d hits) %s%n  input: %s%n", f.hits(), f.signature(), f.input());
    }
  }

  /** The real DICOM fixtures, where the tests find them; null when there are none. */
  private static Path fixtures() {
    String env = System.getenv("CORDWATCH_FIXTURES");
    String home = System.getProperty("cordwatch.home");
    for (Path p :
        new Path[] {
          env == null ? null : Path.of(env, "real-dicom"),
          home == null ? null : Path.of(home).resolve("../shared/fixtures/real-dicom").normalize(),
          Path.of("../shared/fixtures/real-dicom")
        }) {
      if (p != null && Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }
}
