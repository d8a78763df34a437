package io.cordwatch.infer;

import io.cordwatch.infer.BundleException.Code;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The installed model bundles: one folder per version under {@code DATA/bundles/}, named by {@link
 * Bundle#versionId()} (the bundle's name and the first 12 hex digits of its bundle.json's SHA-256),
 * copied in whole and never changed afterwards. Which one is active is not kept here but in the
 * index (it must change in one transaction with its audit row); this class only holds the files.
 *
 * <p>Install is copy, check, rename: the bundle is copied into a hidden folder beside the store's
 * folders, loaded from the copy with the same signature check as the source (so what is installed
 * is exactly what was checked), and renamed into place in one step, so a crash leaves either no
 * version or a complete one; hidden leftovers are removed at the next install. The copy's files are
 * made read-only: nothing in CordWatch writes into an installed version, and a person who does
 * breaks its checksums, which every load checks.
 */
public final class BundleStore {
  /** The store's folder under the data directory. */
  public static final String FOLDER = "bundles";

  private static final String INCOMING = ".incoming-";

  private final Path root;

  /** The store of the data directory {@code dataDir} (created at the first install). */
  public BundleStore(Path dataDir) {
    this.root = dataDir.resolve(FOLDER);
  }

  /** The store's folder. */
  public Path root() {
    return root;
  }

  /**
   * An installed version.
   *
   * @param id its folder's name
   * @param bundle the bundle as loaded from the store, with its signature status
   * @param added false when that exact version was installed already
   */
  public record Installed(String id, Bundle bundle, boolean added) {}

  /**
   * Installs the bundle folder or .zip at {@code source} after checking it against {@code trust};
   * an already installed identical version is checked and returned as it is.
   *
   * @throws BundleException what is wrong with the bundle (as {@link Bundles#load(Path,
   *     BundleTrust)}), or {@code MISSING_FILE} when the store cannot be written
   */
  public Installed install(Path source, BundleTrust trust) {
    Bundle b = Bundles.load(source, trust);
    String id = b.versionId();
    Path target = root.resolve(id);
    if (Files.isDirectory(target)) {
      return new Installed(id, Bundles.load(target, trust), false);
    }
    Path incoming;
    try {
      createPrivate(root);
      removeLeftovers();
      incoming = Files.createTempDirectory(root, INCOMING);
      copyTree(b.directory(), incoming);
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE, root + ": cannot copy " + source + " in: " + e.getMessage(), e);
    }
    try {
      Bundle copy = Bundles.load(incoming, trust);
      if (!copy.manifestSha256().equals(b.manifestSha256())) {
        throw new BundleException(
            Code.CHECKSUM_MISMATCH, source + ": bundle.json changed while it was being installed");
      }
      makeReadOnly(incoming);
      try {
        Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(incoming, target);
      }
    } catch (FileAlreadyExistsException e) {
      // Installed by someone else meanwhile: theirs is the same version.
      deleteQuietly(incoming);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(incoming);
      if (e instanceof BundleException be) {
        throw be;
      }
      throw new BundleException(
          Code.MISSING_FILE, root + ": cannot install " + source + ": " + e.getMessage(), e);
    }
    return new Installed(id, Bundles.load(target, trust), true);
  }

  /** The installed versions' ids, sorted. */
  public List<String> ids() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, root + ": cannot list: " + e.getMessage(), e);
    }
  }

  /**
   * The folder of an installed version.
   *
   * @throws BundleException {@code MISSING_FILE} naming the id and where the installed ones are
   */
  public Path path(String id) {
    if (id == null || !id.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*")) {
      throw new BundleException(Code.MISSING_FILE, "'" + id + "' is not a bundle id");
    }
    Path p = root.resolve(id);
    if (!Files.isDirectory(p)) {
      throw new BundleException(
          Code.MISSING_FILE,
          "no bundle '"
              + id
              + "' is installed in "
              + root
              + " (cordwatch bundle list shows the installed ones)");
    }
    return p;
  }

  /** Loads an installed version with the signature check of {@code trust}. */
  public Bundle load(String id, BundleTrust trust) {
    return Bundles.load(path(id), trust);
  }

  private void removeLeftovers() throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(INCOMING)).toList()) {
        deleteQuietly(p);
      }
    }
  }

  private static void createPrivate(Path dir) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path rel = from.relativize(p);
        if (rel.toString().isEmpty() || Files.isSymbolicLink(p)) {
          continue;
        }
        Path out = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(out);
        } else {
          Files.copy(p, out);
        }
      }
    }
  }

  private static void makeReadOnly(Path dir) throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--------"));
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(s.toList());
      all.sort(Comparator.reverseOrder());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover hidden folder is removed at the next install.
    }
  }
}
