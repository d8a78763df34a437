package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.StageSettings;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.Uids;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.store.Index;
import io.cordwatch.telemetry.DiskWatermark;
import io.cordwatch.telemetry.Meters;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study tracker hears that an association was released when the peer asks for the release,
 * before the A-RELEASE-RP goes out, not after PixelMed's post-release wait; and it hears it once.
 */
class ReleaseNoticeTest {
  @TempDir Path tmp;

  private record Ended(Set<String> series, boolean released, int storedBefore) {}

  @Test
  void theReleaseIsToldBeforeTheReplyAndOnlyOnce() throws Exception {
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(2, false, false, 64, 9));
    LinkedBlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    int[] stored = new int[1];
    ReceiveListener listener =
        new ReceiveListener() {
          @Override
          public void instanceStored(InstanceFacts facts) {
            stored[0]++;
          }

          @Override
          public void associationEnded(Set<String> seriesUids, boolean released) {
            ended.add(new Ended(seriesUids, released, stored[0]));
          }
        };
    Path data = tmp.resolve("data");
    Meters meters = new Meters();
    try (Index index = Index.open(data.resolve("index.db"));
        DicomReceiver receiver =
            new DicomReceiver(
                StageSettings.receive(RunningAppliance.settings(data, Map.of())),
                new Spool(data),
                index,
                new DiskWatermark(data, 0),
                meters,
                listener,
                Clock.systemUTC())) {
      receiver.start();
      RawScu scu = RawScu.associate(receiver.port(), "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE);
      for (Path f : files) {
        scu.store(Uids.MR_IMAGE_STORAGE, sopInstanceUid(f), RawScu.dataSetOf(f));
      }
      assertNull(ended.peek(), "nothing is told while the association is open");
      scu.release(); // returns once the A-RELEASE-RP is read
      Ended e = ended.peek();
      assertNotNull(e, "the release was told before the reply was sent");
      assertEquals(true, e.released());
      assertEquals(1, e.series().size());
      assertEquals(2, e.storedBefore(), "after every instance of the association was stored");
      scu.awaitClosedOrAbort(2000);
      scu.close();
      // PixelMed's own end of the association (after its post-release wait) tells nothing more;
      // the receiver tells before it counts the association closed.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (meters.activeAssociations() > 0) {
        assertTrue(System.nanoTime() < deadline, "the association never ended");
        Thread.sleep(20);
      }
      assertEquals(1, ended.size(), ended::toString);
    }
  }

  @Test
  void aSeriesResentInFullAfterItsFirstAssociationDiedIsToldAtTheResendsRelease() throws Exception {
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(2, false, false, 64, 12));
    LinkedBlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    ReceiveListener listener =
        new ReceiveListener() {
          @Override
          public void instanceStored(InstanceFacts facts) {}

          @Override
          public void associationEnded(Set<String> seriesUids, boolean released) {
            ended.add(new Ended(seriesUids, released, 0));
          }
        };
    Path data = tmp.resolve("data");
    try (Index index = Index.open(data.resolve("index.db"));
        DicomReceiver receiver =
            new DicomReceiver(
                StageSettings.receive(RunningAppliance.settings(data, Map.of())),
                new Spool(data),
                index,
                new DiskWatermark(data, 0),
                new Meters(),
                listener,
                Clock.systemUTC())) {
      receiver.start();
      // Every instance arrives, then the association dies (the appliance crashed, say): no release.
      try (RawScu scu =
          RawScu.associate(receiver.port(), "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
        for (Path f : files) {
          scu.store(Uids.MR_IMAGE_STORAGE, sopInstanceUid(f), RawScu.dataSetOf(f));
        }
      }
      Ended died = ended.poll(20, TimeUnit.SECONDS);
      assertNotNull(died, "the dropped association was told");
      assertEquals(false, died.released());
      String series = died.series().iterator().next();

      // The sender sends the whole series again and releases: all duplicates, nothing written,
      // but the release completes the series that still waits.
      Ended resent = resend(receiver, files, ended);
      assertNotNull(resent, "the resend's release was told before the reply");
      assertEquals(true, resent.released());
      assertEquals(Set.of(series), resent.series(), "the resend's release covers the series");

      // Once the series is complete, a resend of the same instances does not release it again.
      index.completeSeries(series, System.currentTimeMillis(), true, "selected", List.of());
      assertNull(resend(receiver, files, ended), "nothing to tell for a complete series");
    }
  }

  /**
   * Sends {@code files} on a new association and releases it; returns what was told by the time the
   * A-RELEASE-RP arrived (the release is told before the reply goes out), or null.
   */
  private static Ended resend(
      DicomReceiver receiver, List<Path> files, LinkedBlockingQueue<Ended> ended) throws Exception {
    try (RawScu scu =
        RawScu.associate(receiver.port(), "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
      for (Path f : files) {
        assertEquals(
            DimseStatus.SUCCESS,
            scu.store(Uids.MR_IMAGE_STORAGE, sopInstanceUid(f), RawScu.dataSetOf(f)).status());
      }
      scu.release();
      return ended.poll();
    }
  }

  private static String sopInstanceUid(Path file) throws Exception {
    com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
    list.read(file.toString());
    return com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(
        list, com.pixelmed.dicom.TagFromName.SOPInstanceUID);
  }
}
