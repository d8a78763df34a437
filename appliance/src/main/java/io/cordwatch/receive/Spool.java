package io.cordwatch.receive;

import io.cordwatch.store.Index;
import io.cordwatch.store.PrivateFiles;
import io.cordwatch.store.Records.InstanceRow;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The durable file spool under the data directory.
 *
 * <pre>
 *   spool/incoming/    data sets being received (*.part); anything here at start-up is a leftover
 *   spool/instances/   accepted Part 10 files, instances/ab/&lt;random&gt;.dcm
 *   quarantine/        files we will not serve: orphans found at start-up, superseded copies; deleted
 *                      only by retention, after quarantine-max-age
 * </pre>
 *
 * <p>Durability protocol for one instance: stream into {@code incoming/} while hashing; {@code
 * fsync} the file; atomically rename it into {@code instances/}; {@code fsync} the target directory
 * so the rename itself is on disk; only then is the index row committed. A crash before the commit
 * leaves an unindexed file that the start-up reconciliation quarantines; a crash after leaves a
 * consistent pair. Either way nothing that was acknowledged is lost, because the acknowledgement is
 * sent after the commit.
 *
 * <p>File names are random UUIDs chosen here, never derived from anything a peer sent.
 */
public final class Spool {
  private static final Logger LOG = Logger.getLogger(Spool.class.getName());

  private final Path dataDir;
  private final Path incoming;
  private final Path instances;
  private final Path quarantine;

  public Spool(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath();
    this.incoming = this.dataDir.resolve("spool/incoming");
    this.instances = this.dataDir.resolve("spool/instances");
    this.quarantine = this.dataDir.resolve("quarantine");
    try {
      PrivateFiles.restrictDataDirectory(this.dataDir);
      PrivateFiles.createDirectories(incoming);
      PrivateFiles.createDirectories(instances);
      PrivateFiles.createDirectories(quarantine);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create spool under " + dataDir, e);
    }
  }

  /** Resolves a path stored in the index (relative to the data directory). */
  public Path resolve(String relative) {
    Path p = dataDir.resolve(relative).normalize();
    if (!p.startsWith(dataDir)) {
      throw new IllegalArgumentException("stored path escapes the data directory");
    }
    return p;
  }

  /** Opens a new incoming file. */
  Incoming open() throws IOException {
    return new Incoming(incoming.resolve(UUID.randomUUID() + ".part"));
  }

  /**
   * Moves a finished, fsync'd incoming file to its final place and fsyncs the directory.
   *
   * @return the path relative to the data directory, as stored in the index
   */
  String commit(Incoming in) throws IOException {
    String name = UUID.randomUUID().toString();
    Path dir = instances.resolve(name.substring(0, 2));
    PrivateFiles.createDirectories(dir);
    Path target = dir.resolve(name + ".dcm");
    try {
      Files.move(in.path, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("spool must be on one file system that supports atomic rename", e);
    }
    fsyncDirectory(dir);
    in.committed = true;
    return dataDir.relativize(target).toString();
  }

  /** Removes a committed file whose index row could not be written (it was never acknowledged). */
  void uncommit(String relative) {
    try {
      Files.deleteIfExists(resolve(relative));
    } catch (IOException e) {
      LOG.warning("could not remove unindexed file " + relative + ": " + e.getMessage());
    }
  }

  /** Moves a file aside into {@code quarantine/<why>/}, keeping it. */
  void quarantine(Path file, String why) throws IOException {
    Path dir = quarantine.resolve(why);
    PrivateFiles.createDirectories(dir);
    Files.move(file, dir.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(dir);
  }

  /** What start-up reconciliation did. */
  public record Reconciliation(int leftoversRemoved, int orphansQuarantined, int rowsWithoutFile) {}

  /**
   * Start-up pass: removes partial files, quarantines files the index does not know (a crash
   * between the rename and the commit), and drops index rows whose file is gone (recorded in the
   * audit table).
   */
  public Reconciliation reconcile(Index index, Clock clock) throws IOException {
    int leftovers = 0;
    try (Stream<Path> s = Files.list(incoming)) {
      for (Path p : s.toList()) {
        Files.deleteIfExists(p);
        leftovers++;
      }
    }
    List<InstanceRow> rows = index.allInstances();
    Set<Path> known = new HashSet<>();
    int missing = 0;
    for (InstanceRow row : rows) {
      Path p = resolve(row.path());
      known.add(p);
      if (!Files.isRegularFile(p)) {
        index.forgetMissingInstance(row, clock.millis());
        missing++;
      }
    }
    int orphans = 0;
    try (Stream<Path> s = Files.walk(instances)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (!known.contains(p)) {
          quarantine(p, "orphans");
          index.audit(clock.millis(), "orphan_quarantined", dataDir.relativize(p).toString());
          orphans++;
        }
      }
    }
    return new Reconciliation(leftovers, orphans, missing);
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** A data set being received: bytes go to disk as they arrive, hashed on the way. */
  static final class Incoming implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final OutputStream out;
    private final MessageDigest digest;
    private long datasetBytes;
    private boolean committed;
    private boolean closed;

    private Incoming(Path path) throws IOException {
      this.path = path;
      this.channel =
          FileChannel.open(
              path,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PrivateFiles.fileAttributes());
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      try {
        this.digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required by every JDK", e);
      }
    }

    /** Writes the Part 10 preamble and file meta information (not part of the hash). */
    void writeHeader(byte[] header) throws IOException {
      out.write(header);
      headerBytes += header.length;
    }

    /** Bytes of preamble and file meta information before the data set. */
    long headerBytes() {
      return headerBytes;
    }

    /** Appends data set bytes. */
    void write(byte[] b) throws IOException {
      out.write(b);
      digest.update(b);
      datasetBytes += b.length;
    }

    private long headerBytes;

    long datasetBytes() {
      return datasetBytes;
    }

    /** Flushes and fsyncs; returns the SHA-256 of the data set bytes. */
    String finish() throws IOException {
      out.flush();
      channel.force(true);
      closeChannel();
      return HexFormat.of().formatHex(digest.digest());
    }

    Path path() {
      return path;
    }

    private void closeChannel() throws IOException {
      if (!closed) {
        closed = true;
        out.close();
      }
    }

    /** Closes and removes the file unless it was committed. */
    @Override
    public void close() {
      try {
        closeChannel();
      } catch (IOException ignored) {
        // the file is removed below; a failed close changes nothing for the sender
      }
      if (!committed) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          LOG.warning(
              "could not remove partial file " + path.getFileName() + ": " + e.getMessage());
        }
      }
    }
  }
}
