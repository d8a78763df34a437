package io.cordwatch.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The statvfs binding reads what {@code df} reads, for bytes and for inodes. */
class StatvfsTest {
  @TempDir Path tmp;

  @Test
  void figuresAgreeWithDfOnTheSameFileSystem() throws Exception {
    VolumeFigures ours = Statvfs.read(tmp);
    long[] df = df(tmp);
    // Size and the inode total are fixed; used figures move with whatever else runs here, so
    // they must agree within what other processes can plausibly change in a moment.
    assertEquals(df[0], ours.usedBytes() + ours.availableBytes(), 256L << 20, "bytes usable");
    assertEquals(df[1], ours.usedBytes(), 256L << 20, "bytes used");
    assertEquals(df[2], ours.totalInodes(), "inodes");
    assertEquals(df[3], ours.totalInodes() - ours.freeInodes(), 10_000, "inodes used");
    assertTrue(ours.usedPercent() >= ours.bytesUsedPercent());
    assertTrue(ours.usedPercent() >= ours.inodesUsedPercent());
  }

  @Test
  void aMissingPathIsAnIoErrorNamingIt() {
    IOException e = assertThrows(IOException.class, () -> Statvfs.read(tmp.resolve("absent")));
    assertTrue(e.getMessage().contains("absent"), e.getMessage());
  }

  @Test
  void theFullerOfBytesAndInodesIsHowFullTheVolumeIs() {
    VolumeFigures inodesOut = new VolumeFigures(10, 90, 1000, 10);
    assertEquals(10.0, inodesOut.bytesUsedPercent(), 1e-9);
    assertEquals(99.0, inodesOut.inodesUsedPercent(), 1e-9);
    assertEquals(99.0, inodesOut.usedPercent(), 1e-9);
    assertEquals(0.0, new VolumeFigures(10, 90, 0, 0).inodesUsedPercent(), 1e-9);
  }

  /** {@code df}'s size - reserved (used + avail), used, inode total and inodes used for path. */
  private static long[] df(Path path) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "df", "-B1", "--output=used,avail,itotal,iused", path.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "df did not finish");
    String[] lines =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(0, p.exitValue(), String.join("\n", lines));
    String[] f = lines[lines.length - 1].trim().split("\\s+");
    long used = Long.parseLong(f[0]);
    long avail = Long.parseLong(f[1]);
    return new long[] {used + avail, used, Long.parseLong(f[2]), Long.parseLong(f[3])};
  }
}
