package io.cordwatch.telemetry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskWatermarkTest {
  @TempDir Path dir;

  @Test
  void fewFreeInodesCountAsBelowTheReserveAndUncountedInodesDoNot() {
    DiskWatermark roomy =
        new DiskWatermark(dir, 0, p -> new VolumeFigures(1, 1L << 40, 1 << 20, 5000));
    assertFalse(roomy.belowReserve());
    DiskWatermark out =
        new DiskWatermark(
            dir, 0, p -> new VolumeFigures(1, 1L << 40, 1 << 20, DiskWatermark.INODE_RESERVE - 1));
    assertTrue(out.inodesExhausted());
    assertTrue(out.belowReserve());
    // btrfs and others report no inode counts: bytes alone decide.
    DiskWatermark uncounted = new DiskWatermark(dir, 0, p -> new VolumeFigures(1, 1L << 40, 0, 0));
    assertFalse(uncounted.belowReserve());
    // Unreadable figures do not invent an inode shortage; the byte check still applies.
    DiskWatermark unreadable =
        new DiskWatermark(
            dir,
            0,
            p -> {
              throw new java.io.IOException("statvfs failed");
            });
    assertFalse(unreadable.belowReserve());
    out.readVolumeWith(p -> new VolumeFigures(1, 1L << 40, 1 << 20, 1 << 19));
    assertFalse(out.belowReserve(), "service resumes once inodes return");
  }
}
