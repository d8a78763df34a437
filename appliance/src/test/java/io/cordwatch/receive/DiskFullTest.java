package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.app.Appliance;
import io.cordwatch.dicom.Uids;
import io.cordwatch.phantom.SyntheticStudy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data volume that really fills up: the appliance's data directory on a small tmpfs of its own,
 * filled by a ballast file to below the reserve. The appliance refuses new associations (rejected,
 * transient) and a C-STORE in flight (A700), says so on the health probe, the status API and the
 * status page, and takes images again as soon as the ballast is gone, without a restart.
 * ReceiverTest covers the same refusals with the reserve moved instead of the disk filled.
 *
 * <p>Mounting needs root (CAP_SYS_ADMIN); elsewhere the test is skipped, saying why.
 */
class DiskFullTest {
  private static final long VOLUME = 48L << 20;
  private static final long RESERVE = 16L << 20;

  @TempDir Path tmp;
  private Path volume;
  private boolean mounted;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void mount() throws Exception {
    volume = Files.createDirectories(tmp.resolve("volume"));
    Process p =
        new ProcessBuilder(
                "mount", "-t", "tmpfs", "-o", "size=" + VOLUME, "tmpfs", volume.toString())
            .redirectErrorStream(true)
            .start();
    String why = new String(p.getInputStream().readAllBytes()).trim();
    mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    Assumptions.assumeTrue(
        mounted, "a volume of its own needs mount(8) as root, which failed here: " + why);
  }

  @AfterEach
  void unmount() throws Exception {
    http.close();
    if (mounted) {
      new ProcessBuilder("umount", volume.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void aFullDataVolumeIsRefusedAndReportedAndServiceResumesWhenSpaceReturns() throws Exception {
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(3, false, false, 64, 21));
    Path data = volume.resolve("data");
    try (Appliance appliance =
        RunningAppliance.start(data, Map.of("disk-reserve", Long.toString(RESERVE)))) {
      int port = appliance.dicomPort();
      String base = "http://127.0.0.1:" + appliance.httpPort();
      assertEquals(1, Peers.successes(Peers.storescu(port, "STORESCU", files.subList(0, 1))));
      assertEquals(200, get(base + "/observe/health").statusCode());

      String uid =
          Attribute.getSingleStringValueOrNull(
              ReceiverTest.read(files.get(1)), TagFromName.SOPInstanceUID);
      try (RawScu scu = RawScu.associate(port, "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
        Path ballast = fill(volume, RESERVE);
        assertTrue(Files.getFileStore(volume).getUsableSpace() < RESERVE);

        RawScu.Response inFlight =
            scu.store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(files.get(1)));
        assertEquals(DimseStatus.OUT_OF_RESOURCES, inFlight.status());
        assertTrue(inFlight.errorComment().contains("reserve"), inFlight.errorComment());
        Peers.Run refused = Peers.storescu(port, "STORESCU", files.subList(2, 3));
        assertTrue(refused.output().contains("Rejected Transient"), refused.output());
        assertEquals(1, appliance.index().allInstances().size());

        HttpResponse<String> health = get(base + "/observe/health");
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(
            health.body().contains("new data is refused until space is freed"), health.body());
        String status = get(base + "/api/v1/status").body();
        assertTrue(status.contains("\"below_reserve\":true"), status);
        String page = get(base + "/").body();
        assertTrue(page.contains("ATTENTION") && page.contains("Disk below reserve"), page);

        // Space returns: the same association and a new one are served, nothing restarted.
        Files.delete(ballast);
        assertEquals(
            DimseStatus.SUCCESS,
            scu.store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(files.get(1))).status());
        scu.release();
      }
      assertEquals(1, Peers.successes(Peers.storescu(port, "STORESCU", files.subList(2, 3))));
      assertEquals(3, appliance.index().allInstances().size());
      assertEquals(200, get(base + "/observe/health").statusCode());
      assertTrue(get(base + "/api/v1/status").body().contains("\"below_reserve\":false"));
    }
  }

  /** Writes a file of real (not sparse) bytes until less than {@code reserve} is left. */
  private static Path fill(Path volume, long reserve) throws IOException {
    Path ballast = volume.resolve("ballast");
    long want = Files.getFileStore(volume).getUsableSpace() - reserve + (1 << 20);
    ByteBuffer block = ByteBuffer.allocate(1 << 20);
    try (FileChannel ch =
        FileChannel.open(ballast, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long written = 0; written < want; written += block.capacity()) {
        block.clear();
        while (block.hasRemaining()) {
          ch.write(block);
        }
      }
    }
    return ballast;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
