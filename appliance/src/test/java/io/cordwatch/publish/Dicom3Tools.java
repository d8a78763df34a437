package io.cordwatch.publish;

import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The validators the results documents are checked with: dicom3tools and DCMTK. */
final class Dicom3Tools {
  private Dicom3Tools() {}

  /** What a tool printed, and how it exited. */
  record Output(int exit, String text) {
    /** dciodvfy's lines that start with "Error". */
    List<String> errors() {
      return text.lines().filter(l -> l.startsWith("Error")).toList();
    }

    List<String> warnings() {
      return text.lines().filter(l -> l.startsWith("Warning")).toList();
    }
  }

  static Output dciodvfy(Path file) throws IOException, InterruptedException {
    return run("dciodvfy", "-new", file.toString());
  }

  static Output dsrdump(Path file) throws IOException, InterruptedException {
    return run("dsrdump", "-Ec", file.toString());
  }

  /** DCMTK's dcmdump of every attribute, for references the SR dump does not show. */
  static Output dcmdump(Path file) throws IOException, InterruptedException {
    return run("dcmdump", file.toString());
  }

  private static Output run(String... command) throws IOException, InterruptedException {
    SkipPeers.assumePeers(command[0]);
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command[0] + " did not finish");
    }
    return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
