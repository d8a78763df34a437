package io.cordwatch.bench;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The PACS the fault bench forwards results to: DCMTK {@code storescp} with {@code
 * --unique-filenames}, so every object it accepts becomes a file of its own and a document
 * delivered twice is two files. It runs for the whole bench and is never killed: only the appliance
 * is.
 */
final class FaultPeer implements AutoCloseable {
  static final String AE = "FAULTPACS";

  final int port;
  final Path dir;
  private final Process process;

  private FaultPeer(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  /** Starts storescp into {@code dir}; its log goes beside it. */
  static FaultPeer start(Path dir) throws IOException, InterruptedException {
    BenchHost.requireTool("storescp");
    Files.createDirectories(dir);
    Path log = dir.resolveSibling("storescp.log");
    // A free port can be taken between the probe and storescp's bind; another one fixes that.
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = BenchHost.freePort();
      Process p =
          BenchHost.dcmtk(
                  List.of(
                      "storescp",
                      "-aet",
                      AE,
                      "--unique-filenames",
                      "-od",
                      dir.toString(),
                      Integer.toString(port)),
                  log)
              .start();
      if (BenchHost.awaitListening(p, port)) {
        return new FaultPeer(port, dir, p);
      }
      p.destroyForcibly().waitFor();
    }
    throw new IllegalStateException("storescp did not start listening; see " + log);
  }

  /** The destination as {@code forward-to} spells it. */
  String destination() {
    return AE + "@127.0.0.1:" + port;
  }

  /**
   * Every object a storescp with {@code --unique-filenames} wrote to {@code dir}, by Study Instance
   * UID, then SOP Instance UID, with how many times each arrived.
   */
  static Map<String, Map<String, Integer>> receivedByStudy(Path dir) throws IOException {
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      InstanceFacts facts = DicomFacts.read(f);
      out.computeIfAbsent(facts.studyInstanceUid(), k -> new HashMap<>())
          .merge(facts.sopInstanceUid(), 1, Integer::sum);
    }
    return out;
  }

  @Override
  public void close() {
    BenchHost.stop(process);
  }
}
