package io.cordwatch.retention;

import io.cordwatch.store.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The files a removal is about to leave behind, written down before the rows go. Removing a study
 * is two steps that cannot share one transaction: its rows in the index, then its files. A journal
 * entry (the instance files' relative paths: random names, no patient data) is made durable first;
 * the rows are deleted in one transaction; then the files and the entry. A crash between the steps
 * leaves an entry whose rows are gone: {@link Retention#recover} deletes those files (and keeps any
 * file a row still names, which is the case when the transaction never committed).
 *
 * <p>It also holds the lock that makes one retention run at a time, across processes: the
 * appliance's worker and the {@code retention} command may both run over one data directory.
 */
final class RemovalJournal {
  private static final String SUFFIX = ".removal";

  private final Path dir;

  RemovalJournal(Path dataDir) {
    this.dir = dataDir.resolve("retention");
  }

  /** Takes the run lock, or returns null when another run (in this or another process) holds it. */
  Lock lock() throws IOException {
    PrivateFiles.createDirectories(dir);
    FileChannel ch =
        FileChannel.open(
            dir.resolve("lock"),
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
            PrivateFiles.fileAttributes());
    try {
      FileLock lock = ch.tryLock();
      if (lock != null) {
        return new Lock(ch);
      }
    } catch (OverlappingFileLockException heldHere) {
      // another run in this JVM holds it
    }
    ch.close();
    return null;
  }

  /** The run lock; closing it lets the next run go. */
  static final class Lock implements AutoCloseable {
    private final FileChannel channel;

    private Lock(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Writes an entry durably (written aside, fsync'd, renamed, directory fsync'd). */
  Path write(Collection<String> relativePaths) throws IOException {
    PrivateFiles.createDirectories(dir);
    String name = UUID.randomUUID().toString();
    Path part = dir.resolve(name + ".part");
    Path entry = dir.resolve(name + SUFFIX);
    try (FileChannel ch =
        FileChannel.open(
            part,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PrivateFiles.fileAttributes())) {
      ch.write(
          StandardCharsets.UTF_8.encode(
              String.join("\n", relativePaths) + (relativePaths.isEmpty() ? "" : "\n")));
      ch.force(true);
    }
    Files.move(part, entry, StandardCopyOption.ATOMIC_MOVE);
    fsync(dir);
    return entry;
  }

  /** Entries left by runs that did not finish, and partial ones (which name nothing yet). */
  List<Path> entries() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
  }

  /** Partial entries: a crash while one was written, before its removal began. */
  List<Path> partials() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
    }
  }

  static List<String> read(Path entry) throws IOException {
    return Files.readAllLines(entry, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank())
        .toList();
  }

  void delete(Path entry) throws IOException {
    Files.deleteIfExists(entry);
  }

  private static void fsync(Path directory) throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
