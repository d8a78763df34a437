package io.cordwatch.telemetry;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where figures of a file system come from. The appliance reads {@link #statvfs()}; tests hand in
 * figures of their own to put a real data directory above or below a watermark.
 */
@FunctionalInterface
public interface VolumeUsage {
  /** The figures of the file system that holds {@code path}. */
  VolumeFigures read(Path path) throws IOException;

  /** The operating system's own figures ({@link Statvfs}). */
  static VolumeUsage statvfs() {
    return Statvfs::read;
  }
}
