package io.cordwatch.telemetry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Free space on the data volume against the configured reserve. Read live on every question (a
 * statfs call is cheap) so that service resumes by itself as soon as space returns, without a timer
 * to wait for.
 */
public final class DiskWatermark {
  private final FileStore store;
  private final Path dataDir;
  private final VolumeUsage volume;
  private volatile long reserveBytes;

  public DiskWatermark(Path dataDir, long reserveBytes) {
    this(dataDir, reserveBytes, VolumeUsage.statvfs());
  }

  /**
   * A watermark whose byte and inode figures ({@link #volume()}) come from {@code volume}; tests
   * hand in figures of their own, the appliance the operating system's.
   */
  public DiskWatermark(Path dataDir, long reserveBytes, VolumeUsage volume) {
    this.dataDir = dataDir;
    this.volume = volume;
    try {
      Files.createDirectories(dataDir);
      this.store = Files.getFileStore(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read free space of " + dataDir, e);
    }
    this.reserveBytes = reserveBytes;
  }

  /**
   * Usable bytes now, or 0 if the volume cannot be read (treated as full: refuse rather than lose).
   */
  public long freeBytes() {
    try {
      return store.getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * How full the data volume is in bytes and inodes now, or empty when it cannot be read (the
   * status page then shows no inode figure rather than a wrong one).
   */
  public Optional<VolumeFigures> volume() {
    try {
      return Optional.of(volume.read(dataDir));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public long reserveBytes() {
    return reserveBytes;
  }

  /**
   * Changes the reserve at run time (operators, and tests that exercise the watermark on a real
   * disk).
   */
  public void setReserveBytes(long reserveBytes) {
    this.reserveBytes = reserveBytes;
  }

  /** Whether free space is below the reserve. */
  public boolean belowReserve() {
    return freeBytes() < reserveBytes;
  }
}
