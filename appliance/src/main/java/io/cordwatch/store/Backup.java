package io.cordwatch.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * Backup and restore of a data directory, the first while the appliance keeps receiving.
 *
 * <p>The index is the truth: an instance exists when its row is committed, and its file was on disk
 * before that commit (receive.Spool). So a backup first takes a consistent snapshot of the index
 * with SQLite's own online mechanism ({@code VACUUM INTO}, on a read-only connection of its own: a
 * read transaction in WAL mode, which neither waits for the appliance's writer nor delays it), and
 * only then copies the files that snapshot names. Spool files are never rewritten in place, so a
 * file named by a committed row is complete; one written after the snapshot is simply not named and
 * not copied. A row whose file vanished between the snapshot and the copy (re-sent with other
 * content, so moved to {@code quarantine/superseded/}; or removed by hand) is looked for there,
 * else listed in the manifest as missing: the appliance's start-up reconciliation drops such rows
 * after a restore, as it would have on the original box. Files are copied, never hard-linked (a
 * link would share the very inode the backup is meant to outlive), and each is fsync'd. The
 * quarantine and the outbox's results documents (SR, KOS, alerts waiting for delivery; each written
 * before the row that names it commits) are copied whole after the snapshot, and so are the
 * installed model bundles ({@link BackupBundles}: every version folder, each file's SHA-256 in the
 * manifest, each version checked by the caller's {@link VersionCheck}), so that a restored box
 * comes back with the same versions and the snapshot's activations name one that is there.
 *
 * <p>The manifest ({@value #MANIFEST}) is written last, so a backup without one is incomplete and
 * restore refuses it. It names the index copy's sha256, which restore checks before anything is
 * written, with the schema version (not newer than this code's) and the presence and size of every
 * referenced file and bundle file (with the bundle files' SHA-256). Restore writes the files first
 * and the index last (to {@code index.db.part}, then renamed): a data directory with files and no
 * index is a restore that did not finish.
 */
public final class Backup {
  /** The manifest's file name in a backup folder. */
  public static final String MANIFEST = "manifest.json";

  private static final String INDEX = "index.db";

  /** Results documents for the PACS (publish writes them, the outbox rows name them). */
  private static final String OUTBOX = "outbox";

  private static final int FORMAT = 1;
  private static final long PROGRESS_EVERY_MS = 5_000;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Backup() {}

  /**
   * What an installed model bundle version must satisfy to be backed up; asked of the copy in the
   * backup folder (the store package does not read bundles: the caller loads it with every checksum
   * its bundle.json lists).
   */
  @FunctionalInterface
  public interface VersionCheck {
    /** Why the version folder at {@code copy} is not a good copy, or null when it is. */
    String problem(Path copy);
  }

  /**
   * What a backup holds, or what a restore put back.
   *
   * @param missing paths of instance rows whose file vanished before it could be copied
   * @param bundles the model bundle versions in the backup (or restored), by id
   */
  public record Summary(
      Path dir,
      int schemaVersion,
      String indexSha256,
      long indexBytes,
      int instances,
      long instanceBytes,
      List<String> missing,
      int quarantineFiles,
      long quarantineBytes,
      List<String> bundles) {}

  private record Ref(String path, long size) {}

  /**
   * {@link #create(Path, Path, String, Clock, Consumer, VersionCheck)} with no check of the model
   * bundle versions beyond the digests taken while copying them.
   */
  public static Summary create(
      Path dataDir, Path out, String version, Clock clock, Consumer<String> progress)
      throws IOException {
    return create(dataDir, out, version, clock, progress, copy -> null);
  }

  /**
   * Backs up {@code dataDir} into {@code out}, which must be absent or an empty folder.
   *
   * @param version this CordWatch's version, for the manifest
   * @param progress receives one line per step and, during long copies, every few seconds
   * @param bundles asked about each model bundle version's copy; one it refuses is left out and
   *     named (in the progress and the manifest), and the backup goes on
   * @throws StoreException {@code REFUSED} when out is not empty or there is no index to back up
   */
  public static Summary create(
      Path dataDir,
      Path out,
      String version,
      Clock clock,
      Consumer<String> progress,
      VersionCheck bundles)
      throws IOException {
    Path data = dataDir.toAbsolutePath().normalize();
    Path source = data.resolve(INDEX);
    if (!Files.isRegularFile(source)) {
      throw refused("no index at " + source + ": not a CordWatch data directory");
    }
    requireEmpty(out, "refusing to back up into " + out);
    Path dir = out.toAbsolutePath().normalize();
    requireApart(data, dir, "refusing to back up into " + out);
    PrivateFiles.createDirectories(dir);
    PrivateFiles.makePrivate(dir);

    Path copy = dir.resolve(INDEX);
    PrivateFiles.createFile(copy);
    snapshot(source, copy);
    fsync(copy);
    String sha = sha256(copy);
    long indexBytes = Files.size(copy);
    int schema;
    List<Ref> refs;
    try (Connection c = openImmutable(copy)) {
      schema = schemaVersion(c);
      refs = references(c);
    } catch (SQLException e) {
      throw new StoreException(
          StoreException.Code.READ_FAILED, "reading the index snapshot: " + e.getMessage(), e);
    }
    progress.accept(
        "backup: index snapshot taken (schema "
            + schema
            + ", "
            + refs.size()
            + " instances, sha256 "
            + sha
            + ")");

    Set<Path> dirs = new LinkedHashSet<>();
    List<String> missing = new ArrayList<>();
    long bytes = 0;
    int copied = 0;
    long lastReport = clock.millis();
    for (Ref r : refs) {
      Path target = inside(dir, r.path());
      Path from = inside(data, r.path());
      PrivateFiles.createDirectories(target.getParent());
      dirs.add(target.getParent());
      long n = copyOrNull(from, target);
      if (n < 0) {
        // Re-sent with other content after the snapshot: the copy the snapshot names was moved.
        n = copyOrNull(data.resolve("quarantine/superseded").resolve(from.getFileName()), target);
      }
      if (n < 0) {
        missing.add(r.path());
        progress.accept("backup: " + r.path() + " vanished after the snapshot; listed as missing");
        continue;
      }
      bytes += n;
      copied++;
      if (clock.millis() - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = clock.millis();
        progress.accept(
            "backup: " + copied + "/" + refs.size() + " instance files, " + mb(bytes) + " copied");
      }
    }
    long[] quarantine = copyTree(data.resolve("quarantine"), dir.resolve("quarantine"), dirs);
    // Results documents waiting for a PACS: written before the row that names them commits, so
    // every pending row of the snapshot finds its file here.
    long[] outbox = copyTree(data.resolve(OUTBOX), dir.resolve(OUTBOX), dirs);
    BackupBundles.Copied versions = BackupBundles.copy(data, dir, bundles, progress, dirs);
    for (Path d : dirs) {
      fsync(d);
    }

    Summary s =
        new Summary(
            dir,
            schema,
            sha,
            indexBytes,
            copied,
            bytes,
            List.copyOf(missing),
            (int) quarantine[0],
            quarantine[1],
            versions.versions().stream().map(BackupBundles.Version::id).toList());
    writeManifest(dir, s, versions, version, Instant.ofEpochMilli(clock.millis()));
    fsync(dir);
    progress.accept(
        "backup: done: "
            + copied
            + " instance files ("
            + mb(bytes)
            + "), "
            + missing.size()
            + " missing, "
            + quarantine[0]
            + " quarantine files, "
            + outbox[0]
            + " outbox documents, "
            + versions.versions().size()
            + " model bundle versions"
            + (versions.leftOut().isEmpty() ? "" : " (" + versions.leftOut().size() + " left out)")
            + ", index "
            + mb(indexBytes)
            + " in "
            + dir);
    return s;
  }

  /**
   * Restores the backup in {@code from} into {@code dataDir}, which must be absent or empty. Every
   * check runs before anything is written; the index is written last.
   *
   * @throws StoreException {@code REFUSED} when the target is not empty or the backup fails a check
   */
  public static Summary restore(Path from, Path dataDir, Consumer<String> progress)
      throws IOException {
    Path src = from.toAbsolutePath().normalize();
    Path manifestFile = src.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw refused(
          "no "
              + MANIFEST
              + " in "
              + from
              + ": not a CordWatch backup, or one that did not finish");
    }
    requireEmpty(dataDir, "refusing to restore into " + dataDir);
    JsonNode m;
    try {
      m = JSON.readTree(manifestFile.toFile());
    } catch (IOException e) {
      throw refused(MANIFEST + " in " + from + " is unreadable: " + e.getMessage());
    }
    if (m.path("format").asInt() != FORMAT) {
      throw refused(
          MANIFEST + " has format " + m.path("format") + ", this CordWatch reads " + FORMAT);
    }
    int schema = m.path("schema_version").asInt();
    if (schema > Schema.VERSION) {
      throw refused(
          "the backup's index has schema version "
              + schema
              + ", newer than this CordWatch supports ("
              + Schema.VERSION
              + "): restore it with the release that made it, or a newer one");
    }
    Path index = src.resolve(INDEX);
    if (!Files.isRegularFile(index)) {
      throw refused("the backup has no " + INDEX);
    }
    String expected = m.path("index").path("sha256").asText();
    String actual = sha256(index);
    if (!actual.equals(expected)) {
      throw refused(
          INDEX
              + " sha256 mismatch: the manifest says "
              + expected
              + ", the file is "
              + actual
              + " (the index copy was changed or damaged)");
    }
    Set<String> missing = new TreeSet<>();
    m.path("instances").path("missing").forEach(n -> missing.add(n.asText()));
    List<Ref> refs;
    try (Connection c = openImmutable(index)) {
      if (schemaVersion(c) != schema) {
        throw refused(
            INDEX + " has schema version " + schemaVersion(c) + ", the manifest " + schema);
      }
      refs = references(c);
    } catch (SQLException e) {
      throw refused("the backup's " + INDEX + " cannot be read: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    List<Ref> present = new ArrayList<>();
    for (Ref r : refs) {
      if (missing.contains(r.path())) {
        continue;
      }
      Path f = inside(src, r.path());
      if (!Files.isRegularFile(f)) {
        problems.add(r.path() + " is absent");
      } else if (Files.size(f) != r.size()) {
        problems.add(r.path() + " has " + Files.size(f) + " bytes, the index says " + r.size());
      } else {
        present.add(r);
      }
    }
    List<BackupBundles.Version> bundles = BackupBundles.check(m, src, problems);
    if (!problems.isEmpty()) {
      throw refused(
          problems.size()
              + " file(s) the backup's index or manifest references are not right: "
              + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
              + (problems.size() > 5 ? "; ..." : ""));
    }
    progress.accept(
        "restore: backup checked (schema "
            + schema
            + ", "
            + present.size()
            + " instance files, "
            + bundles.size()
            + " model bundle versions, index sha256 matches)");

    Path data = dataDir.toAbsolutePath().normalize();
    requireApart(src, data, "refusing to restore into " + dataDir);
    PrivateFiles.createDirectories(data);
    PrivateFiles.makePrivate(data);
    Set<Path> dirs = new LinkedHashSet<>();
    long bytes = 0;
    for (Ref r : present) {
      Path target = inside(data, r.path());
      PrivateFiles.createDirectories(target.getParent());
      dirs.add(target.getParent());
      bytes += copy(inside(src, r.path()), target);
    }
    long[] quarantine = copyTree(src.resolve("quarantine"), data.resolve("quarantine"), dirs);
    long[] outbox = copyTree(src.resolve(OUTBOX), data.resolve(OUTBOX), dirs);
    BackupBundles.restore(bundles, src, data, dirs);
    for (Path d : dirs) {
      fsync(d);
    }
    Path part = data.resolve(INDEX + ".part");
    copy(index, part);
    Files.move(part, data.resolve(INDEX), StandardCopyOption.ATOMIC_MOVE);
    fsync(data);
    if (!missing.isEmpty()) {
      progress.accept(
          "restore: "
              + missing.size()
              + " instance row(s) whose file vanished during the backup will be dropped by the"
              + " appliance's start-up reconciliation");
    }
    progress.accept(
        "restore: done: "
            + present.size()
            + " instance files ("
            + mb(bytes)
            + "), "
            + quarantine[0]
            + " quarantine files, "
            + outbox[0]
            + " outbox documents, "
            + bundles.size()
            + " model bundle versions, index last, in "
            + data);
    return new Summary(
        data,
        schema,
        actual,
        Files.size(index),
        present.size(),
        bytes,
        List.copyOf(missing),
        (int) quarantine[0],
        quarantine[1],
        bundles.stream().map(BackupBundles.Version::id).toList());
  }

  /** {@code VACUUM INTO} on a read-only connection of its own: one consistent read transaction. */
  private static void snapshot(Path source, Path copy) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + source, config.toProperties());
        PreparedStatement p = c.prepareStatement("VACUUM INTO ?")) {
      p.setString(1, copy.toString());
      p.execute();
    } catch (SQLException e) {
      throw new StoreException(
          StoreException.Code.READ_FAILED,
          "index snapshot of " + source + " failed: " + e.getMessage(),
          e);
    }
  }

  /** A connection to a copy that nothing changes: no locks, no -wal or -shm beside it. */
  private static Connection openImmutable(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    return DriverManager.getConnection(
        "jdbc:sqlite:file:" + file.toUri().getRawPath() + "?immutable=1", config.toProperties());
  }

  private static int schemaVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static List<Ref> references(Connection c) throws SQLException {
    return Database.list(
        c,
        "SELECT path, size_bytes FROM instances ORDER BY id",
        rs -> new Ref(rs.getString(1), rs.getLong(2)));
  }

  /** {@code root/relative}, refusing a stored path that would leave {@code root}. */
  private static Path inside(Path root, String relative) {
    Path p = root.resolve(relative).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw refused("stored path " + relative + " escapes its folder");
    }
    return p;
  }

  /**
   * Neither folder inside the other: a backup inside the data directory would copy itself with the
   * quarantine and share the disk it should outlive.
   */
  private static void requireApart(Path data, Path other, String what) {
    if (other.startsWith(data) || data.startsWith(other)) {
      throw refused(what + ": it and " + data + " must not be inside one another");
    }
  }

  private static void requireEmpty(Path dir, String what) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw refused(what + ": it exists and is not a folder");
    }
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    if (!names.isEmpty()) {
      throw refused(
          what
              + ": it is not empty ("
              + String.join(", ", names.subList(0, Math.min(5, names.size())))
              + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "")
              + ")");
    }
  }

  /** Copies every regular file under {@code from} (if it exists) to {@code to}: {files, bytes}. */
  private static long[] copyTree(Path from, Path to, Set<Path> dirs) throws IOException {
    long[] counts = new long[2];
    if (!Files.isDirectory(from)) {
      return counts;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(from)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      Path target = to.resolve(from.relativize(f).toString());
      PrivateFiles.createDirectories(target.getParent());
      dirs.add(target.getParent());
      long n = copyOrNull(f, target);
      if (n >= 0) {
        counts[0]++;
        counts[1] += n;
      }
    }
    return counts;
  }

  /** {@link #copy}, or -1 when the source does not exist (any more). */
  private static long copyOrNull(Path from, Path to) throws IOException {
    try {
      return copy(from, to);
    } catch (NoSuchFileException e) {
      if (e.getFile() != null && Path.of(e.getFile()).equals(to)) {
        throw e;
      }
      return -1;
    }
  }

  /** Copies one file into a new 0600 file and fsyncs it; returns its size. */
  private static long copy(Path from, Path to) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ)) {
      try (FileChannel out =
          FileChannel.open(
              to,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PrivateFiles.fileAttributes())) {
        long size = in.size();
        long done = 0;
        while (done < size) {
          done += in.transferTo(done, size - done, out);
        }
        out.force(true);
        return done;
      }
    }
  }

  private static void writeManifest(
      Path dir, Summary s, BackupBundles.Copied bundles, String version, Instant created)
      throws IOException {
    ObjectNode m = JSON.createObjectNode();
    m.put("format", FORMAT);
    m.put("created", created.toString());
    m.put("cordwatch_version", version);
    m.put("schema_version", s.schemaVersion());
    ObjectNode index = m.putObject("index");
    index.put("file", INDEX);
    index.put("bytes", s.indexBytes());
    index.put("sha256", s.indexSha256());
    ObjectNode instances = m.putObject("instances");
    instances.put("files", s.instances());
    instances.put("bytes", s.instanceBytes());
    ArrayNode missing = instances.putArray("missing");
    s.missing().forEach(missing::add);
    ObjectNode quarantine = m.putObject("quarantine");
    quarantine.put("files", s.quarantineFiles());
    quarantine.put("bytes", s.quarantineBytes());
    BackupBundles.write(m, bundles);
    Path part = dir.resolve(MANIFEST + ".part");
    try (FileChannel ch =
        FileChannel.open(
            part,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PrivateFiles.fileAttributes())) {
      ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(m)));
      ch.force(true);
    }
    Files.move(part, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), d)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static void fsync(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static String mb(long bytes) {
    return String.format("%.1f MB", bytes / 1e6);
  }

  private static StoreException refused(String message) {
    return new StoreException(StoreException.Code.REFUSED, message, null);
  }
}
