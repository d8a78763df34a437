package io.cordwatch.bench;

import io.cordwatch.dicom.Dcmtk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * DCMTK {@code storescu} as the benches' client: one process per association, each sending every
 * file of one folder ({@code +sd}, so the command line stays short at any size), all started
 * together. The timed span runs from the first start to the last exit, so process start-up and
 * association set-up weigh the same for every receiver.
 */
final class Storescu {
  private Storescu() {}

  /** What to send: one folder per association, each under its own calling AE title and log. */
  record Sender(String callingAe, Path folder, Path log) {}

  /**
   * How the senders ended.
   *
   * @param wallSeconds first start to last exit
   * @param exits each sender's exit status, in order
   * @param successes each sender's Success responses (counted in its {@code -v} log; -1 without
   *     {@code verbose})
   */
  record Result(double wallSeconds, List<Integer> exits, List<Integer> successes) {
    int acknowledged() {
      return successes.stream().mapToInt(Integer::intValue).sum();
    }

    /** The first sender that exited non-zero, as its index, or -1. */
    int firstFailure() {
      for (int i = 0; i < exits.size(); i++) {
        if (exits.get(i) != 0) {
          return i;
        }
      }
      return -1;
    }
  }

  /**
   * Runs every sender at once against {@code port} and waits for all of them.
   *
   * @param verbose {@code -v}: each response is logged, so Success responses can be counted (the
   *     ingest bench leaves it off: logging is client time that is not the receiver's)
   */
  static Result send(
      int port, String calledAe, List<Sender> senders, boolean verbose, long timeoutSeconds)
      throws IOException, InterruptedException {
    List<Process> running = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (Sender s : senders) {
        List<String> options = verbose ? List.of("-v", "+sd") : List.of("+sd");
        ProcessBuilder b =
            Dcmtk.storescu(s.callingAe(), calledAe, port, options, List.of(s.folder().toString()));
        running.add(b.redirectOutput(s.log().toFile()).start());
      }
      long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      for (int i = 0; i < running.size(); i++) {
        Process p = running.get(i);
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          throw new IllegalStateException(
              "storescu did not finish in " + timeoutSeconds + " s; see " + senders.get(i).log());
        }
      }
    } finally {
      for (Process p : running) {
        if (p.isAlive()) {
          p.destroyForcibly().waitFor();
        }
      }
    }
    double wall = (System.nanoTime() - start) / 1e9;
    List<Integer> exits = new ArrayList<>();
    List<Integer> successes = new ArrayList<>();
    for (int i = 0; i < running.size(); i++) {
      exits.add(running.get(i).exitValue());
      successes.add(verbose ? successes(senders.get(i).log()) : -1);
    }
    return new Result(wall, exits, successes);
  }

  /** Fails with the sender's log tail unless every sender exited with 0. */
  static Result requireClean(Result r, List<Sender> senders) {
    int bad = r.firstFailure();
    if (bad >= 0) {
      Path log = senders.get(bad).log();
      throw new IllegalStateException(
          "storescu exited with "
              + r.exits().get(bad)
              + ": "
              + BenchHost.tail(log)
              + " (log: "
              + log
              + ")");
    }
    return r;
  }

  /** "Received Store Response (Success)" lines in a {@code storescu -v} log. */
  static int successes(Path log) throws IOException {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return (int) lines.filter(l -> l.contains(Dcmtk.STORE_SUCCESS)).count();
    }
  }

  /**
   * Splits {@code files} into {@code parts} folders under {@code dir} (hard links, so no bytes are
   * copied), as even as possible (no part is empty while there are files for it), keeping the
   * files' order inside each part.
   */
  static List<Path> split(List<Path> files, Path dir, int parts) throws IOException {
    List<Path> folders = new ArrayList<>();
    for (int k = 0; k < parts; k++) {
      folders.add(Files.createDirectories(dir.resolve("part-" + (k + 1))));
    }
    int n = files.size();
    for (int i = 0; i < n; i++) {
      Path f = files.get(i);
      Path target = folders.get((int) ((long) i * parts / n)).resolve(f.getFileName());
      try {
        Files.createLink(target, f);
      } catch (UnsupportedOperationException | IOException e) {
        Files.copy(f, target);
      }
    }
    return folders;
  }
}
