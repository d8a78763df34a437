package io.cordwatch.receive;

import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real DICOM peers (DCMTK) the tests talk to; install/cordwatch test installs them. */
public final class Peers {
  private Peers() {}

  /** Output and exit code of a finished peer. */
  public record Run(int exit, String output) {}

  static Path fixtures() {
    return io.cordwatch.dicom.Fixtures.root();
  }

  static Path pydicomTestFiles() {
    return Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
  }

  /** Skips the test under {@code -DskipPeers}; otherwise fails unless {@code tool} is on PATH. */
  static void requireTool(String tool) {
    SkipPeers.assumePeers(tool);
    for (String dir : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    throw new IllegalStateException(
        tool
            + " is not installed: run the suite through install/cordwatch test, which installs DCMTK");
  }

  static Run run(List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    requireTool(command.get(0));
    Process p = dcmtk(command).redirectErrorStream(true).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          command.get(0) + " did not finish in " + timeoutSeconds + " s");
    }
    return new Run(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /**
   * A process builder for a DCMTK tool. Debian's DCMTK leaves Nagle's algorithm on unless
   * TCP_NODELAY=1 is in the environment, and every C-STORE then waits ~40 ms for a delayed ACK.
   */
  static ProcessBuilder dcmtk(List<String> command) {
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().put("TCP_NODELAY", "1");
    return b;
  }

  public static Run storescu(int port, String calling, List<Path> files, String... options)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("storescu", "-v", "-aet", calling, "-aec", "CORDWATCH"));
    cmd.addAll(List.of(options));
    cmd.add("127.0.0.1");
    cmd.add(Integer.toString(port));
    for (Path f : files) {
      cmd.add(f.toString());
    }
    return run(cmd, 300);
  }

  /**
   * DCMTK's dcmsend: unlike storescu, which proposes one compressed syntax per run, it proposes
   * each file's own transfer syntax, so files in several syntaxes travel on one association.
   */
  public static Run dcmsend(int port, String calling, List<Path> files)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("dcmsend", "-v", "-dn", "-aet", calling, "-aec", "CORDWATCH"));
    cmd.add("127.0.0.1");
    cmd.add(Integer.toString(port));
    for (Path f : files) {
      cmd.add(f.toString());
    }
    return run(cmd, 300);
  }

  /** Number of "Received C-STORE Response (Success)" lines in dcmsend -v output. */
  public static int dcmsendSuccesses(Run r) {
    return (int)
        r.output().lines().filter(l -> l.contains("Received C-STORE Response (Success)")).count();
  }

  static Run echoscu(int port, String calling) throws IOException, InterruptedException {
    return run(
        List.of(
            "echoscu",
            "-v",
            "-aet",
            calling,
            "-aec",
            "CORDWATCH",
            "127.0.0.1",
            Integer.toString(port)),
        60);
  }

  /** Number of "Received Store Response (Success)" lines in storescu -v output. */
  public static int successes(Run r) {
    return (int)
        r.output().lines().filter(l -> l.contains("Received Store Response (Success)")).count();
  }
}
