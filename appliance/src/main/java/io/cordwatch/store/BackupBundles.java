package io.cordwatch.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The installed model bundles in a backup: {@code DATA/bundles/<version id>/...}, the bundle store
 * of the inference stage. Which version is active is a row of the index and travels with it; this
 * class carries the files, so that a restored appliance comes back with the same versions and can
 * load the active one.
 *
 * <p>A version's folder never changes once installed (its id is its bundle.json's digest, and every
 * load checks the files against bundle.json), so a copy taken at any moment is that version. The
 * store package does not read bundles: what a version must satisfy is asked of the caller's {@link
 * Backup.VersionCheck} on the copy (the CLI loads it with every checksum of its bundle.json), and a
 * version that fails it is left out and named, rather than failing the backup of the patient data
 * beside it. Each copied file's size and SHA-256 go into the backup's manifest; restore checks them
 * all before anything is written and makes the restored files read-only again, as the store does.
 * Hidden folders (an install that did not finish) are not versions and are not copied.
 */
final class BackupBundles {
  /** The bundle store's folder under the data directory (infer.BundleStore.FOLDER). */
  static final String FOLDER = "bundles";

  /** A version id as the bundle store names its folders. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private BackupBundles() {}

  /** One copied file of a version: its path inside the version folder, size and SHA-256. */
  record FileEntry(String path, long bytes, String sha256) {}

  /** One version in the backup. */
  record Version(String id, List<FileEntry> files) {
    long bytes() {
      return files.stream().mapToLong(FileEntry::bytes).sum();
    }
  }

  /** A version that is not in the backup, and why. */
  record LeftOut(String id, String problem) {}

  /** What was copied and what was left out. */
  record Copied(List<Version> versions, List<LeftOut> leftOut) {}

  /**
   * Copies every version folder of {@code data}'s store into {@code dir}'s, asks {@code check}
   * about each copy, and removes a copy it refuses.
   */
  static Copied copy(
      Path data, Path dir, Backup.VersionCheck check, Consumer<String> progress, Set<Path> dirs)
      throws IOException {
    Path from = data.resolve(FOLDER);
    List<Version> versions = new ArrayList<>();
    List<LeftOut> leftOut = new ArrayList<>();
    for (String id : ids(from)) {
      Path target = dir.resolve(FOLDER).resolve(id);
      List<FileEntry> files = new ArrayList<>();
      for (Path f : files(from.resolve(id))) {
        String rel = from.resolve(id).relativize(f).toString();
        Path to = target.resolve(rel);
        PrivateFiles.createDirectories(to.getParent());
        dirs.add(to.getParent());
        files.add(copyHashed(f, to, rel));
      }
      String problem = files.isEmpty() ? "the folder is empty" : check.problem(target);
      if (problem != null) {
        delete(target);
        // Its folders are gone: they are not synced with the others, their parent is.
        dirs.removeIf(d -> d.startsWith(target));
        dirs.add(target.getParent());
        leftOut.add(new LeftOut(id, problem));
        progress.accept("backup: model bundle " + id + " left out: " + problem);
        continue;
      }
      versions.add(new Version(id, List.copyOf(files)));
    }
    return new Copied(List.copyOf(versions), List.copyOf(leftOut));
  }

  /** The manifest's {@code bundles} section. */
  static void write(ObjectNode manifest, Copied copied) {
    ObjectNode bundles = manifest.putObject(FOLDER);
    ArrayNode versions = bundles.putArray("versions");
    for (Version v : copied.versions()) {
      ObjectNode o = versions.addObject();
      o.put("id", v.id());
      ArrayNode files = o.putArray("files");
      for (FileEntry f : v.files()) {
        files.addObject().put("path", f.path()).put("bytes", f.bytes()).put("sha256", f.sha256());
      }
    }
    ArrayNode left = bundles.putArray("left_out");
    for (LeftOut l : copied.leftOut()) {
      left.addObject().put("id", l.id()).put("problem", l.problem());
    }
  }

  /**
   * The versions the manifest lists, each file checked in the backup folder {@code src} (present,
   * same size, same SHA-256); a manifest from before bundles were backed up lists none.
   *
   * @param problems receives what is wrong, one line per file
   */
  static List<Version> check(JsonNode manifest, Path src, List<String> problems)
      throws IOException {
    List<Version> out = new ArrayList<>();
    for (JsonNode v : manifest.path(FOLDER).path("versions")) {
      String id = v.path("id").asText();
      if (!ID.matcher(id).matches()) {
        problems.add("bundles: '" + id + "' is not a bundle version id");
        continue;
      }
      Path folder = src.resolve(FOLDER).resolve(id);
      List<FileEntry> files = new ArrayList<>();
      for (JsonNode f : v.path("files")) {
        FileEntry e =
            new FileEntry(
                f.path("path").asText(), f.path("bytes").asLong(-1), f.path("sha256").asText());
        String where = FOLDER + "/" + id + "/" + e.path();
        Path file = inside(folder, e.path());
        if (file == null) {
          problems.add(where + " escapes its folder");
        } else if (!Files.isRegularFile(file)) {
          problems.add(where + " is absent");
        } else if (Files.size(file) != e.bytes()) {
          problems.add(
              where + " has " + Files.size(file) + " bytes, the manifest says " + e.bytes());
        } else if (!sha256(file).equals(e.sha256())) {
          problems.add(where + " sha256 differs from the manifest's (changed or damaged)");
        } else {
          files.add(e);
        }
      }
      out.add(new Version(id, List.copyOf(files)));
    }
    return out;
  }

  /** Writes checked versions into {@code data}'s store, read-only as the store keeps them. */
  static void restore(List<Version> versions, Path src, Path data, Set<Path> dirs)
      throws IOException {
    for (Version v : versions) {
      Path from = src.resolve(FOLDER).resolve(v.id());
      Path to = data.resolve(FOLDER).resolve(v.id());
      for (FileEntry f : v.files()) {
        Path target = to.resolve(f.path());
        PrivateFiles.createDirectories(target.getParent());
        dirs.add(target.getParent());
        String sha = copyHashed(from.resolve(f.path()), target, f.path()).sha256();
        if (!sha.equals(f.sha256())) {
          throw new StoreException(
              StoreException.Code.REFUSED,
              FOLDER + "/" + v.id() + "/" + f.path() + " changed while it was restored",
              null);
        }
        readOnly(target);
      }
      dirs.add(data.resolve(FOLDER));
    }
  }

  private static List<String> ids(Path store) throws IOException {
    if (!Files.isDirectory(store)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(store)) {
      return s.filter(p -> Files.isDirectory(p) && !Files.isSymbolicLink(p))
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".") && ID.matcher(n).matches())
          .sorted()
          .toList();
    }
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(p -> Files.isRegularFile(p) && !Files.isSymbolicLink(p)).sorted().toList();
    }
  }

  /** {@code folder/relative}, or null for a path that would leave the folder. */
  private static Path inside(Path folder, String relative) {
    if (relative.isEmpty()) {
      return null;
    }
    Path p = folder.resolve(relative).normalize();
    return p.startsWith(folder) && !p.equals(folder) ? p : null;
  }

  /** Copies into a new 0600 file, fsync'd, hashing what was read. */
  private static FileEntry copyHashed(Path from, Path to, String rel) throws IOException {
    MessageDigest d = sha256();
    long n;
    try (InputStream in = new DigestInputStream(Files.newInputStream(from), d);
        FileChannel ch =
            FileChannel.open(
                to,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PrivateFiles.fileAttributes())) {
      OutputStream out = Channels.newOutputStream(ch);
      n = in.transferTo(out);
      ch.force(true);
    }
    return new FileEntry(rel, n, HexFormat.of().formatHex(d.digest()));
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest d = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), d)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  private static void readOnly(Path file) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    }
  }

  private static void delete(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = new ArrayList<>(s.toList());
    }
    all.sort(Comparator.reverseOrder());
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}
