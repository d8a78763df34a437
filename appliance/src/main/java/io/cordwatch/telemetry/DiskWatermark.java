package io.cordwatch.telemetry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free space on the data volume against the configured reserve. Read live on every question (a
 * statfs call is cheap) so that service resumes by itself as soon as space returns, without a timer
 * to wait for.
 */
public final class DiskWatermark {
  private final FileStore store;
  private volatile long reserveBytes;

  public DiskWatermark(Path dataDir, long reserveBytes) {
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
