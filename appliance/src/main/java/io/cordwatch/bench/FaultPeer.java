package io.cordwatch.bench;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The PACS the fault bench forwards results to, a real DCMTK peer that runs for the whole bench and
 * is never killed (only the appliance is), and its count of what arrived, read from the peer's own
 * records, never from the appliance.
 *
 * <ul>
 *   <li>{@link Kind#DCMQRSCP} (the default): {@code dcmqrscp}, an archive that stores and answers
 *       C-FIND, so the appliance can ask it whether a document it was cut off sending is held. It
 *       keeps one file per SOP Instance UID, so arrivals are counted from its verbose log (one
 *       {@code C-STORE RSP} block with status Success per stored object, each block written as one
 *       log event by the child process serving its association; {@code --single-process} would keep
 *       them apart, but dcmqrscp 3.6.7 crashes in that mode after its first association).
 *   <li>{@link Kind#STORESCP}: {@code storescp --unique-filenames}, which answers no C-FIND and
 *       keeps every arrival as a file of its own, so a document delivered twice is two files.
 * </ul>
 *
 * Public so that the publish tests count C-STOREs at the same peers.
 */
public final class FaultPeer implements AutoCloseable {
  /** The peer's AE title. */
  public static final String AE = "FAULTPACS";

  /** Which DCMTK program is the peer. */
  public enum Kind {
    DCMQRSCP,
    STORESCP;

    /** The program's name, as {@code --peer} spells it. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final String CONFIG = "dcmqrscp.cfg";
  private static final String ARCHIVE = "archive";

  /** The port it listens on (loopback). */
  public final int port;

  /** The folder it keeps what it received in (and, for dcmqrscp, its config and logs). */
  public final Path dir;

  private final Process process;

  private FaultPeer(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  /**
   * Starts the peer into {@code dir}; a dcmqrscp started again on the same folder keeps what it had
   * and counts on from there (each start logs to a file of its own).
   */
  public static FaultPeer start(Kind kind, Path dir) throws IOException, InterruptedException {
    BenchHost.requireTool(kind.word());
    Files.createDirectories(dir);
    // A free port can be taken between the probe and the peer's bind; another one fixes that.
    Path log = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = BenchHost.freePort();
      log =
          kind == Kind.STORESCP
              ? dir.resolveSibling("storescp.log")
              : dir.resolve("dcmqrscp-" + System.nanoTime() + ".log");
      Process p = BenchHost.dcmtk(command(kind, dir, port), log).start();
      if (BenchHost.awaitListening(p, port)) {
        return new FaultPeer(port, dir, p);
      }
      p.destroyForcibly().waitFor();
    }
    throw new IllegalStateException(kind.word() + " did not start listening; see " + log);
  }

  private static List<String> command(Kind kind, Path dir, int port) throws IOException {
    if (kind == Kind.STORESCP) {
      return List.of(
          "storescp", "-aet", AE, "--unique-filenames", "-od", dir.toString(), "" + port);
    }
    Path archive = Files.createDirectories(dir.resolve(ARCHIVE));
    // Any calling AE may store and query (ANY); room for far more studies than a bench sends.
    Files.writeString(
        dir.resolve(CONFIG),
        """
        NetworkTCPPort = %d
        MaxPDUSize = 16384
        MaxAssociations = 4
        HostTable BEGIN
        HostTable END
        VendorTable BEGIN
        VendorTable END
        AETable BEGIN
        %s %s RW (5000, 1024mb) ANY
        AETable END
        """
            .formatted(port, AE, archive.toAbsolutePath()),
        StandardCharsets.US_ASCII);
    return List.of("dcmqrscp", "-v", "-c", dir.resolve(CONFIG).toString(), "" + port);
  }

  /** The destination as {@code forward-to} spells it. */
  public String destination() {
    return AE + "@127.0.0.1:" + port;
  }

  /**
   * Every object the peer whose folder is {@code dir} received, by Study Instance UID, then SOP
   * Instance UID, with how many C-STOREs brought it (a dcmqrscp folder is told by its config file).
   */
  public static Map<String, Map<String, Integer>> receivedByStudy(Path dir) throws IOException {
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    boolean archive = Files.exists(dir.resolve(CONFIG));
    Map<String, Integer> stores = archive ? storeRequests(dir) : Map.of();
    for (Path f : regularFiles(archive ? dir.resolve(ARCHIVE) : dir)) {
      if (archive && f.endsWith("index.dat")) {
        continue;
      }
      InstanceFacts facts = DicomFacts.read(f);
      int n = archive ? stores.getOrDefault(facts.sopInstanceUid(), 0) : 1;
      out.computeIfAbsent(facts.studyInstanceUid(), k -> new HashMap<>())
          .merge(facts.sopInstanceUid(), n, Integer::sum);
    }
    return out;
  }

  /**
   * How many C-STOREs dcmqrscp stored per Affected SOP Instance UID, over all its logs: the
   * responses it logged with status Success, less those it then failed to send.
   *
   * <p>A request whose association was cut off before the answer (the appliance killed while
   * sending) stored nothing and has no response. One whose data all arrived before the sender died
   * does get its Success response logged (dcmqrscp logs a message before writing it), but the write
   * then fails on the closed connection ("Store SCP Failed: ... DIMSE Failed to send message", the
   * next line that child writes) and dcmqrscp deletes the file it had just stored and drops it from
   * its index: the peer does not hold it, a C-FIND says so, and the appliance is right to send it
   * again. Seen in CI and reproduced with a sender that writes a whole C-STORE and exits
   * (FaultPeerTest). The bench's appliance keeps one association open at a time, so the failure
   * line follows the response it belongs to.
   */
  static Map<String, Integer> storeRequests(Path dir) throws IOException {
    Map<String, Integer> out = new HashMap<>();
    for (Path log : logFiles(dir)) {
      boolean inResponse = false;
      String uid = null;
      String lastCounted = null;
      for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
        if (isFailedResponse(line)) {
          if (lastCounted != null) {
            out.merge(lastCounted, -1, (a, b) -> a + b == 0 ? null : a + b);
            lastCounted = null;
          }
        } else if (line.contains("Message Type")) {
          inResponse = line.contains("C-STORE RSP");
          uid = null;
          lastCounted = null;
        } else if (inResponse && line.contains("Affected SOP Instance UID")) {
          uid = line.substring(line.lastIndexOf(':') + 1).strip();
        } else if (inResponse && uid != null && line.contains("DIMSE Status")) {
          if (line.contains("0x0000")) {
            out.merge(uid, 1, Integer::sum);
            lastCounted = uid;
          }
          inResponse = false;
        }
      }
    }
    return out;
  }

  /** A dcmqrscp log line saying it could not send the response of a store it had logged. */
  private static boolean isFailedResponse(String line) {
    return line.contains("Store SCP Failed") && line.contains("Failed to send message");
  }

  /**
   * The stores dcmqrscp could not answer, over all its logs in {@code dir}: one line each, as it
   * logged them (for a failure report; {@link #storeRequests} does not count them).
   */
  static List<String> failedResponses(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path log : logFiles(dir)) {
      for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
        if (isFailedResponse(line)) {
          out.add(line.strip());
        }
      }
    }
    return out;
  }

  /** The {@code .log} files directly in {@code dir}, by name; none when it is no folder. */
  static List<Path> logFiles(Path dir) throws IOException {
    return regularFiles(dir).stream()
        .filter(f -> f.getFileName().toString().endsWith(".log"))
        .toList();
  }

  /** All dcmqrscp logs in {@code dir}, one after another (for a test's failure message). */
  public static String logs(Path dir) throws IOException {
    StringBuilder out = new StringBuilder();
    for (Path log : logFiles(dir)) {
      out.append(Files.readString(log, StandardCharsets.ISO_8859_1));
    }
    return out.toString();
  }

  private static List<Path> regularFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Override
  public void close() {
    BenchHost.stop(process);
  }
}
