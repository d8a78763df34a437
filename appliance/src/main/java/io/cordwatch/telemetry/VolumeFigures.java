package io.cordwatch.telemetry;

/**
 * How full one file system is, in bytes and in inodes, counted the way {@code df} counts them: used
 * is what is allocated, available is what an unprivileged process may still take (blocks kept for
 * root are in neither), so the percentages match {@code df}'s Use% and IUse%.
 *
 * @param usedBytes bytes allocated
 * @param availableBytes bytes an unprivileged process may still allocate
 * @param totalInodes inodes the file system has; 0 when it does not count them (btrfs, some network
 *     file systems), and then inodes never fill it
 * @param freeInodes inodes still free
 */
public record VolumeFigures(
    long usedBytes, long availableBytes, long totalInodes, long freeInodes) {

  /** Bytes in use as a percentage of what is usable ({@code df}'s Use%). */
  public double bytesUsedPercent() {
    long usable = usedBytes + availableBytes;
    return usable <= 0 ? 100.0 : 100.0 * usedBytes / usable;
  }

  /** Inodes in use as a percentage of all inodes ({@code df -i}'s IUse%); 0 when not counted. */
  public double inodesUsedPercent() {
    return totalInodes <= 0 ? 0.0 : 100.0 * (totalInodes - freeInodes) / totalInodes;
  }

  /**
   * How full the volume is: the larger of the byte and the inode figure, because a file system out
   * of inodes refuses a new file just as one out of space does.
   */
  public double usedPercent() {
    return Math.max(bytesUsedPercent(), inodesUsedPercent());
  }
}
