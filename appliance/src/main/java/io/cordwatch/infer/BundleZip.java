package io.cordwatch.infer;

import io.cordwatch.infer.BundleException.Code;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks a bundle .zip into a private temporary folder (deleted at exit), so ONNX Runtime maps the
 * graph from a real file as it does for a folder. An archive is untrusted input: entries that would
 * land outside the folder are refused before anything is written, and so are archives larger than
 * {@link #MAX_UNZIPPED_BYTES} or with more than 10000 entries ({@code UNSAFE_ZIP}).
 */
final class BundleZip {
  /** Above a ResNet50 in float32 (about 100 MB) with plenty of room, below a zip bomb. */
  static final long MAX_UNZIPPED_BYTES = 4L << 30;

  private BundleZip() {}

  /**
   * Unpacks {@code zip} and returns the folder that holds its bundle.json: the archive's top, or
   * its single top folder (a zip of the folder itself, "zip -r b.zip bundle/").
   *
   * @throws BundleException {@code UNSAFE_ZIP}, {@code MISSING_FILE}
   */
  static Path unpack(Path zip) {
    Path target;
    try {
      target = Files.createTempDirectory("cordwatch-bundle-");
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE, zip + ": cannot create a folder to unpack it: " + e, e);
    }
    target.toFile().deleteOnExit();
    long total = 0;
    int entries = 0;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries++;
        String name = e.getName();
        Path out = target.resolve(name).normalize();
        if (name.startsWith("/")
            || name.startsWith("\\")
            || name.contains(":")
            || !out.startsWith(target)
            || out.equals(target)) {
          throw new BundleException(
              Code.UNSAFE_ZIP,
              zip + ": entry '" + name + "' would be unpacked outside the bundle folder");
        }
        if (entries > 10_000) {
          throw new BundleException(Code.UNSAFE_ZIP, zip + ": more than 10000 entries");
        }
        out.toFile().deleteOnExit();
        if (e.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (OutputStream os = Files.newOutputStream(out)) {
          byte[] buf = new byte[1 << 16];
          for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            total += n;
            if (total > MAX_UNZIPPED_BYTES) {
              throw new BundleException(
                  Code.UNSAFE_ZIP,
                  zip + ": unpacks to more than " + (MAX_UNZIPPED_BYTES >> 30) + " GiB");
            }
            os.write(buf, 0, n);
          }
        }
      }
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE, zip + ": not a readable folder or .zip: " + e.getMessage(), e);
    }
    if (entries == 0) {
      throw new BundleException(Code.MISSING_FILE, zip + ": not a folder or a .zip of one");
    }
    if (Files.isRegularFile(target.resolve(Bundles.MANIFEST))) {
      return target;
    }
    // A zip of the folder itself ("zip -r b.zip bundle/") has it one level down.
    try (Stream<Path> top = Files.list(target)) {
      List<Path> dirs = top.filter(Files::isDirectory).toList();
      if (dirs.size() == 1 && Files.isRegularFile(dirs.getFirst().resolve(Bundles.MANIFEST))) {
        return dirs.getFirst();
      }
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, zip + ": cannot list what it unpacked", e);
    }
    throw new BundleException(
        Code.MISSING_FILE,
        zip + ": holds no " + Bundles.MANIFEST + " at its top or in one top folder");
  }
}
