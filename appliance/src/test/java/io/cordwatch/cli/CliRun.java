package io.cordwatch.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of the CLI as the launcher would make it, with what it printed and its exit code.
 *
 * @param exit the exit code
 * @param out what went to standard output
 * @param err what went to standard error
 */
public record CliRun(int exit, String out, String err) {

  /** Everything, for assertion messages. */
  public String all() {
    return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
  }

  /** As {@link #run}, with {@code stdin} as standard input (e.g. for --password-stdin). */
  public static CliRun runWithInput(String stdin, String... args) {
    java.io.InputStream oldIn = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      return run(args);
    } finally {
      System.setIn(oldIn);
    }
  }

  /**
   * {@code cordwatch demo --exit} on free ports with its data in {@code dataDir}: the demo a test
   * runs (in this JVM).
   */
  public static CliRun demo(java.nio.file.Path dataDir, int slices, String... more) {
    String[] base = {
      "demo",
      "--exit",
      "--data-dir",
      dataDir.toString(),
      "--dicom-port",
      "0",
      "--http-port",
      "0",
      "--slices",
      Integer.toString(slices)
    };
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return run(all);
  }

  /** Runs {@code cordwatch args...} in this JVM, capturing standard output and error. */
  public static CliRun run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      System.out.flush();
      System.err.flush();
      return new CliRun(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
