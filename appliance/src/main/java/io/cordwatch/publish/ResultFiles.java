package io.cordwatch.publish;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.store.PrivateFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The outbox folder ({@code outbox/} in the data directory): one Part 10 file per document, named
 * by its SOP Instance UID. A file is written to a temporary name, forced to disk and renamed, and
 * the folder forced, before the outbox row naming it is committed; so a row always finds its file
 * after kill -9, and a file without a row is only a document whose verdict was never committed
 * (written again, byte for byte, when the series is graded again with the same result time).
 */
public final class ResultFiles {
  /** The folder under the data directory. */
  public static final String FOLDER = "outbox";

  private static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

  private final Path dataDir;

  public ResultFiles(Path dataDir) {
    this.dataDir = dataDir;
  }

  /**
   * Removes what a write cut short by a crash left ({@code *.part}); called at start-up, before
   * anything is written. Returns how many.
   */
  public int removeLeftovers() throws IOException {
    Path dir = dataDir.resolve(FOLDER);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int n = 0;
    try (var files = Files.newDirectoryStream(dir, "*.part")) {
      for (Path p : files) {
        Files.deleteIfExists(p);
        n++;
      }
    }
    return n;
  }

  /** Where a stored path (relative to the data directory) lies. */
  public Path resolve(String relative) {
    return dataDir.resolve(relative);
  }

  /** Writes {@code d} durably; returns its path relative to the data directory. */
  String write(DataSet d, String aeTitle) {
    String uid =
        com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(
            d.attributes(), TagFromName.SOPInstanceUID);
    try {
      FileMetaInformation.addFileMetaInformation(
          d.attributes(), EXPLICIT_VR_LITTLE_ENDIAN, aeTitle);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
      d.attributes().write(bytes, EXPLICIT_VR_LITTLE_ENDIAN, true, true);
      return write(uid + ".dcm", bytes.toByteArray());
    } catch (IOException | DicomException e) {
      throw new PublishException(
          PublishException.Code.WRITE_FAILED,
          "cannot encode a results document: " + e.getMessage(),
          e);
    }
  }

  /**
   * Writes {@code content} durably as {@code name}; returns its path relative to the data
   * directory.
   */
  String write(String name, byte[] content) {
    String relative = FOLDER + "/" + name;
    Path target = dataDir.resolve(relative);
    try {
      // Private like everything under the data directory: the documents hold patient data.
      PrivateFiles.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(name + ".part");
      Files.deleteIfExists(tmp);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PrivateFiles.fileAttributes())) {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
      return relative;
    } catch (IOException e) {
      throw new PublishException(
          PublishException.Code.WRITE_FAILED,
          "cannot write a results document to " + target.getParent() + ": " + e.getMessage(),
          e);
    }
  }
}
