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
 * to wait for. A volume out of inodes refuses a new file just as one out of bytes does, so fewer
 * than {@link #INODE_RESERVE} free inodes count as below the reserve too (file systems that do not
 * count inodes, reporting 0, are judged by bytes alone).
 */
public final class DiskWatermark {
  /**
   * Free inodes kept back: every stored instance is one file, and the index needs a few for its
   * journal, so the receiver stops well before the last one.
   */
  public static final long INODE_RESERVE = 1024;

  private final FileStore store;
  private final Path dataDir;
  private volatile VolumeUsage volume;
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

  /**
   * Reads the volume's figures from {@code usage} from now on (tests that put a real appliance out
   * of inodes; the appliance itself keeps the operating system's figures).
   */
  public void readVolumeWith(VolumeUsage usage) {
    this.volume = java.util.Objects.requireNonNull(usage, "usage");
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

  /** Whether free space is below the reserve, or free inodes below {@link #INODE_RESERVE}. */
  public boolean belowReserve() {
    return freeBytes() < reserveBytes || inodesExhausted();
  }

  /** Whether the volume counts inodes and fewer than {@link #INODE_RESERVE} are free. */
  public boolean inodesExhausted() {
    return volume().map(v -> v.totalInodes() > 0 && v.freeInodes() < INODE_RESERVE).orElse(false);
  }
}
