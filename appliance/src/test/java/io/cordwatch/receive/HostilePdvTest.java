package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.Appliance;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finding of {@code cordwatch fuzz --target association}: a P-DATA-TF of a few bytes whose
 * presentation data value claims 2 GiB made PixelMed allocate it, and the connection's thread died
 * of an OutOfMemoryError without a word in the log. The receiver now refuses the PDU, ends the
 * association saying why, and keeps serving.
 */
class HostilePdvTest {
  @TempDir Path tmp;
  private Appliance appliance;
  private final Logger log = Logger.getLogger(DicomReceiver.class.getName());
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          lines.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @AfterEach
  void stop() {
    log.removeHandler(handler);
    if (appliance != null) {
      appliance.close();
    }
  }

  @Test
  void aPdvLongerThanItsPduEndsTheAssociationSayingWhyAndTheReceiverServesOn() throws Exception {
    appliance = RunningAppliance.start(tmp.resolve("data"));
    log.addHandler(handler);
    log.setLevel(Level.INFO);
    try (RawScu scu =
        RawScu.associate(appliance.dicomPort(), "RAWSCU", "CORDWATCH", "1.2.840.10008.1.1")) {
      // P-DATA-TF of 10 bytes: one PDV whose item length says 0x7FFFFFF0.
      scu.writeRaw(new byte[] {0x04, 0, 0, 0, 0, 10, 0x7F, -1, -1, -16, 1, 3, 0, 0, 0, 0});
      scu.nextPduType(30_000); // the receiver ends the association (A-ABORT or closing it)
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (lines.stream().noneMatch(l -> l.contains("presentation data value item length"))) {
      assertTrue(
          System.nanoTime() < deadline, "no log line says why the association ended: " + lines);
      Thread.sleep(20);
    }
    assertEquals(0, Peers.echoscu(appliance.dicomPort(), "ECHOSCU").exit());
  }
}
