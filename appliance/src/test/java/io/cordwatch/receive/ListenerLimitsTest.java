package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.Appliance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a hostile or broken client can and cannot hold of the DICOM listener before associating. */
class ListenerLimitsTest {
  @TempDir Path tmp;
  private Appliance appliance;

  @AfterEach
  void stop() {
    if (appliance != null) {
      appliance.close();
    }
  }

  @Test
  void aConnectionDrippingItsAssociateRequestIsClosedWhenArtimEnds() throws Exception {
    // ARTIM 2 s (RunningAppliance's flags). A-ASSOCIATE-RQ header announcing 1000 bytes, then one
    // byte every 400 ms: each read finishes well inside 2 s, the whole request never would.
    appliance = RunningAppliance.start(tmp.resolve("data"));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", appliance.dicomPort()), 2000);
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {0x01, 0, 0, 0, 0x03, (byte) 0xe8});
      out.flush();
      long deadline = System.nanoTime() + 15_000_000_000L;
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        Thread.sleep(400);
        try {
          out.write(0);
          out.flush();
        } catch (IOException reset) {
          closed = true;
        }
        closed |= closedByPeer(s, 1);
      }
      assertTrue(closed, "a connection that drips its A-ASSOCIATE-RQ is still open after 15 s");
    }
    assertTrue(appliance.meters().associationsRejected() >= 1);
    assertEquals(0, Peers.echoscu(appliance.dicomPort(), "ECHOSCU").exit());
  }

  @Test
  void idleConnectionsBeyondTheCapEvictTheOldestAndARealPeerStillGetsIn() throws Exception {
    appliance =
        RunningAppliance.start(
            tmp.resolve("data"), Map.of("max-associations", "2", "artim-timeout", "30s"));
    int cap = DicomReceiver.maxPending(2);
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < cap + 8; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", appliance.dicomPort()), 2000);
        idle.add(s);
      }
      // The listener takes connections in order: each of the 8 beyond the cap evicts the one that
      // has waited longest, so the first 8 are closed and the newest `cap` wait (ARTIM is 30 s).
      int evicted = 0;
      for (Socket s : idle.subList(0, 8)) {
        evicted += closedByPeer(s, 2000) ? 1 : 0;
      }
      assertEquals(8, evicted, "the oldest connections closed to make room");
      for (Socket s : idle.subList(8, idle.size())) {
        assertTrue(!closedByPeer(s, 50), "a connection within the newest " + cap + " was closed");
      }
      // While the idle ones still fill the cap, a real peer associates at its first try.
      assertEquals(0, Peers.echoscu(appliance.dicomPort(), "ECHOSCU").exit());
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
    // The 8 evicted by idle connections and the one evicted by the real peer's.
    assertEquals(9.0, appliance.meters().associationsRejected("evicted_pending"));
  }

  /** Whether the peer has closed: a read returns end of stream within {@code waitMillis}. */
  private static boolean closedByPeer(Socket s, int waitMillis) throws IOException {
    s.setSoTimeout(waitMillis);
    InputStream in = s.getInputStream();
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
