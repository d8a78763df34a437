package io.cordwatch.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Folders and files under the data directory are the service user's alone (0700 and 0600): they
 * hold patient images and results, and the usual umask (022) would make them readable by every
 * account on the box. Applied where each is created, whatever the process's umask; on a file system
 * without POSIX permissions these are no-ops.
 */
public final class PrivateFiles {
  private static final Logger LOG = Logger.getLogger(PrivateFiles.class.getName());
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Creates {@code dir} and any missing parents, each new one 0700. */
  public static Path createDirectories(Path dir) throws IOException {
    // The JDK applies the attribute to every directory it creates and, unlike one createDirectory
    // per level, accepts a directory another thread made meanwhile (two commits into one spool
    // prefix folder at once).
    return POSIX
        ? Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR))
        : Files.createDirectories(dir);
  }

  /** The attributes a new file is created with (0600), for {@code CREATE_NEW} opens. */
  public static FileAttribute<?>[] fileAttributes() {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /** Creates {@code file} empty with 0600 unless it exists. */
  static void createFile(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(file, fileAttributes());
    }
  }

  /** Makes an existing folder 0700 (a backup or restore target made by hand). */
  static void makePrivate(Path dir) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(dir, DIR);
    }
  }

  /**
   * Makes an existing data directory 0700 (one made by an older version, or by hand under the usual
   * umask), saying so in the log.
   */
  public static void restrictDataDirectory(Path dir) throws IOException {
    if (!POSIX || !Files.isDirectory(dir)) {
      return;
    }
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
    if (!now.equals(DIR)) {
      Files.setPosixFilePermissions(dir, DIR);
      LOG.info(
          "data directory was "
              + PosixFilePermissions.toString(now)
              + ", now rwx------ (owner only)");
    }
  }
}
