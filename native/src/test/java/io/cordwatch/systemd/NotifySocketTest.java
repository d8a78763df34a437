package io.cordwatch.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications arrive as datagrams, byte for byte, at a real {@code AF_UNIX} datagram socket bound
 * by another process ({@link NotifyReceiver}, standing in for systemd's end of NOTIFY_SOCKET).
 */
class NotifySocketTest {
  @TempDir Path tmp;

  @Test
  void notificationsReachAPathSocketAsOneDatagramEach() throws Exception {
    String address = tmp.resolve("notify").toString();
    try (NotifyReceiver systemd = new NotifyReceiver(address);
        NotifySocket socket = new NotifySocket(address)) {
      socket.send("READY=1\nSTATUS=serving");
      socket.send("WATCHDOG=1");
      socket.send("STOPPING=1");
      assertEquals("READY=1\nSTATUS=serving", systemd.next());
      assertEquals("WATCHDOG=1", systemd.next());
      assertEquals("STOPPING=1", systemd.next());
    }
  }

  @Test
  void anAtNameIsAnAbstractSocket() throws Exception {
    String address = "@cordwatch-test-" + UUID.randomUUID();
    try (NotifyReceiver systemd = new NotifyReceiver(address);
        NotifySocket socket = new NotifySocket(address)) {
      socket.send("READY=1");
      assertEquals("READY=1", systemd.next());
    }
  }

  @Test
  void aSendNobodyReceivesFailsNamingTheAddress() throws Exception {
    String address = tmp.resolve("nobody").toString();
    try (NotifySocket socket = new NotifySocket(address)) {
      IOException e = assertThrows(IOException.class, () -> socket.send("READY=1"));
      assertTrue(
          e.getMessage().startsWith("sendto " + address + " failed: errno "), e.getMessage());
    }
  }

  @Test
  void unusableAddressesAreRefusedAndClosedSocketsSendNothing() throws Exception {
    assertThrows(IOException.class, () -> new NotifySocket("relative/path"));
    assertThrows(IOException.class, () -> new NotifySocket(""));
    assertThrows(IOException.class, () -> new NotifySocket("/" + "x".repeat(107)));
    NotifySocket socket = new NotifySocket(tmp.resolve("n").toString());
    socket.close();
    socket.close();
    assertThrows(IllegalStateException.class, () -> socket.send("READY=1"));
  }
}
