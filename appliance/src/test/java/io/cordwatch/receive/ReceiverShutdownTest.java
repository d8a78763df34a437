package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.StageSettings;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.Uids;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.store.Index;
import io.cordwatch.telemetry.DiskWatermark;
import io.cordwatch.telemetry.Meters;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the receiver waits for the handlers of the associations it cut: a handler still writes
 * after its socket is gone (the association's audit row, the tracker's notice), and the appliance
 * closes the index as soon as the receiver's close returns. Before, close returned at once and a
 * handler that outlived it failed on a closed index (found by the association fuzzer).
 */
class ReceiverShutdownTest {
  @TempDir Path tmp;

  @Test
  void closeReturnsOnlyOnceTheCutAssociationsHandlerHasFinished() throws Exception {
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(1, false, false, 64, 4));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ReceiveListener listener =
        new ReceiveListener() {
          @Override
          public void instanceStored(InstanceFacts facts) {}

          @Override
          public void associationEnded(Set<String> seriesUids, boolean released) {
            entered.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    Path data = tmp.resolve("data");
    try (Index index = Index.open(data.resolve("index.db"))) {
      DicomReceiver receiver =
          new DicomReceiver(
              StageSettings.receive(RunningAppliance.settings(data, Map.of())),
              new Spool(data),
              index,
              new DiskWatermark(data, 0),
              new Meters(),
              listener,
              Clock.systemUTC());
      receiver.start();
      RawScu scu = RawScu.associate(receiver.port(), "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE);
      Path f = files.getFirst();
      assertEquals(
          0,
          scu.store(Uids.MR_IMAGE_STORAGE, DicomFacts.read(f).sopInstanceUid(), RawScu.dataSetOf(f))
              .status());
      Thread closer = Thread.ofPlatform().start(receiver::close);
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the cut association's handler ran on");
      // The handler is held inside the listener: close must still be waiting for it.
      assertFalse(closer.join(Duration.ofMillis(500)), "close returned while a handler still ran");
      release.countDown();
      assertTrue(closer.join(Duration.ofSeconds(30)), "close returned once the handler finished");
      scu.close();
    }
  }
}
